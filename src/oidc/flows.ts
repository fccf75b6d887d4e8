/**
 * Which login a provider uses: the browser (authorization code + PKCE), the
 * device authorization grant, or client credentials. Each module loads only
 * when its flow runs.
 */
import type { Provider } from "../config/resolve.ts";
import { type LoginDeps, loginWithBrowser } from "./login.ts";
import type { Tokens } from "./tokens.ts";

/** Obtains fresh tokens with the provider's flow. */
export async function loginByFlow(provider: Provider, deps: LoginDeps): Promise<Tokens> {
  switch (provider.flow) {
    case "device": {
      const { loginWithDevice } = await import("./device.ts");
      return await loginWithDevice(provider, deps);
    }
    case "client_credentials": {
      const { loginWithClientCredentials } = await import("./client_credentials.ts");
      return await loginWithClientCredentials(provider, deps);
    }
    default:
      return await loginWithBrowser(provider, deps);
  }
}
