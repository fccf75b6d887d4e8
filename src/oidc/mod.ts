/**
 * OpenID Connect, as aws-oidc speaks it: discovery, the logins (browser —
 * authorization code with PKCE, state and nonce on a loopback listener —,
 * device, client credentials), refresh, introspection, revocation, ID token
 * validation, and opening the browser. The rest of src/ imports this module
 * only; files named `_*.ts` are private to the folder.
 *
 * This module loads no npm package. The functions below that talk to the IdP
 * need oauth4webapi and jose: each imports its module on its first call, with a
 * literal dynamic import (which `deno compile` follows), so the credential
 * pipeline and a cache hit load neither, and the device and client
 * credentials flows load only when they run. Opening a one-time link (a
 * loopback listener) and detecting browsers (node:path) load the same way.
 *
 * @module
 */
import type { Provider } from "../config/provider.ts";
import type { FlowDeps } from "./flows.ts";
import type { RefreshedTokens } from "./refresh.ts";
import type { Introspection } from "./introspect.ts";
import type { TokenTypeHint } from "./revoke.ts";
import type * as oauth from "oauth4webapi";
import type { Tokens, TokenSet } from "./tokens.ts";
import type { BrowserEnvironment, InstalledBrowser } from "./installed_browsers.ts";
import type { OneTimeLinkOptions } from "./one_time_link.ts";

export {
  ALLOWED_ALGORITHMS,
  CLOCK_LEEWAY,
  type IdTokenClaims,
  IdTokenRefused,
  RefreshRejected,
  type Tokens,
  type TokenSet,
} from "./tokens.ts";
export { limitedFetch, unreachable } from "./http.ts";
export { agentCommand, currentPlatform, openBrowser, type Platform } from "./open_browser.ts";
export type { BrowserEnvironment, BrowserProfile, InstalledBrowser } from "./installed_browsers.ts";
export type { OneTimeLinkOptions } from "./one_time_link.ts";
export type { FlowDeps, Introspection, RefreshedTokens, TokenTypeHint };

/**
 * Obtains fresh tokens with the provider's flow (browser, device or client
 * credentials). Loads the flow's module (and oauth4webapi, jose) on first use.
 */
export async function loginByFlow(provider: Provider, deps: FlowDeps): Promise<Tokens> {
  const flows = await import("./flows.ts");
  return await flows.loginByFlow(provider, deps);
}

/**
 * Renews tokens with the cached refresh token (the refresh token grant).
 *
 * @throws {RefreshRejected} when the refresh token is no good: only a browser login helps.
 * @throws {IdTokenRefused} when the new ID token fails validation or names another identity.
 */
export async function refreshTokens(provider: Provider, cached: TokenSet): Promise<RefreshedTokens> {
  const refresh = await import("./refresh.ts");
  return await refresh.refreshTokens(provider, cached);
}

/** Asks the IdP how long `refreshToken` has left (RFC 7662 token introspection). */
export async function introspectRefreshToken(provider: Provider, refreshToken: string): Promise<Introspection> {
  const introspect = await import("./introspect.ts");
  return await introspect.introspectRefreshToken(provider, refreshToken);
}

/**
 * Revokes `token` at the IdP (RFC 7009); false, without a request, when the
 * IdP publishes no revocation endpoint.
 */
export async function revokeToken(provider: Provider, token: string, hint: TokenTypeHint): Promise<boolean> {
  const revoke = await import("./revoke.ts");
  return await revoke.revokeToken(provider, token, hint);
}

/**
 * The discovery request for `issuer` with aws-oidc's request options (timeout,
 * size limit, http only on loopback), its response unread; rejects as fetch does.
 */
export async function requestDiscovery(issuer: string, timeoutMs: number): Promise<Response> {
  const discovery = await import("./discovery.ts");
  return await discovery.requestDiscovery(issuer, discovery.httpOptions(issuer, timeoutMs));
}

/** Checks a discovery response: it must name `issuer` and publish the endpoints aws-oidc uses. */
export async function processDiscovery(issuer: string, response: Response): Promise<oauth.AuthorizationServer> {
  const discovery = await import("./discovery.ts");
  return await discovery.processDiscovery(issuer, response);
}

/**
 * Serves `target` behind a one-time loopback link, calls `open` with the link,
 * and resolves once the link was used; see one_time_link.ts.
 */
export async function openOneTimeLink(
  target: string,
  open: (link: string) => void,
  options: OneTimeLinkOptions,
): Promise<void> {
  const link = await import("./one_time_link.ts");
  await link.openOneTimeLink(target, open, options);
}

/** The browsers installed on this machine, with their profiles (Chromium family). */
export async function detectBrowsers(machine: BrowserEnvironment): Promise<InstalledBrowser[]> {
  const installed = await import("./installed_browsers.ts");
  return await installed.detectBrowsers(machine);
}
