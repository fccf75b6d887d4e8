/** The scopes asked for, by the browser and the device flow alike. Private to src/oidc/. */
import type * as oauth from "oauth4webapi";
import type { Provider } from "../config/provider.ts";

/** The configured scopes, plus `offline_access` (for a refresh token) when the IdP lists it. */
export function requestedScopes(provider: Provider, as: oauth.AuthorizationServer): string[] {
  const offline = as.scopes_supported?.includes("offline_access") && !provider.scopes.includes("offline_access");
  return offline ? [...provider.scopes, "offline_access"] : provider.scopes;
}
