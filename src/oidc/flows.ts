/**
 * Which login a provider uses: the browser (authorization code + PKCE), the
 * device authorization grant, or client credentials. Each module loads only
 * when its flow runs.
 *
 * The browser flow gives way to the device flow on its own when no browser
 * can be opened here and the IdP offers the device flow.
 */
import type { Provider } from "../config/provider.ts";
import { type BrowserLoginDeps, loginWithBrowser } from "./authorization_code.ts";
import { currentPlatform, type Platform } from "./open_browser.ts";
import { connect } from "./_connect.ts";
import type { Tokens } from "./tokens.ts";

/** What choosing a flow needs besides the login's own dependencies. */
export interface FlowDeps extends BrowserLoginDeps {
  /** The machine, to tell whether a browser can be opened; default: this one. */
  platform?: Platform;
}

/** Obtains fresh tokens with the provider's flow. */
export async function loginByFlow(provider: Provider, deps: FlowDeps): Promise<Tokens> {
  switch (provider.flow) {
    case "device": {
      const { loginWithDevice } = await import("./device.ts");
      return await loginWithDevice(provider, deps);
    }
    case "client_credentials": {
      const { loginWithClientCredentials } = await import("./client_credentials.ts");
      return await loginWithClientCredentials(provider, deps);
    }
    default: {
      const reason = noBrowserReason(provider, deps.platform ?? currentPlatform());
      if (reason) {
        const connection = await connect(provider);
        if (typeof connection.as.device_authorization_endpoint === "string") {
          deps.log.info(`No browser can be opened here (${reason}): using the device flow`);
          const { loginWithDevice } = await import("./device.ts");
          return await loginWithDevice(provider, deps, connection);
        }
        deps.log.debug(`${reason}, but the identity provider offers no device flow: trying the browser`);
      }
      return await loginWithBrowser(provider, deps);
    }
  }
}

/**
 * Why no browser can be opened for the person, or undefined when one can: no
 * `agent` and no `BROWSER`, and either an SSH session (a browser would open on
 * the far machine, if at all) or a Unix desktop-less session (no `DISPLAY` or
 * `WAYLAND_DISPLAY`; WSL opens the Windows browser).
 */
export function noBrowserReason(provider: Pick<Provider, "agent">, platform: Platform): string | undefined {
  if (provider.agent?.length || platform.env("BROWSER")) return undefined;
  if (platform.env("SSH_CONNECTION") || platform.env("SSH_TTY") || platform.env("SSH_CLIENT")) {
    return "this is an SSH session";
  }
  const desktopless = platform.os !== "darwin" && platform.os !== "windows" && !platform.wsl;
  if (desktopless && !platform.env("DISPLAY") && !platform.env("WAYLAND_DISPLAY")) return "there is no display";
  return undefined;
}
