/**
 * What every conversation with the IdP starts with: its discovered metadata,
 * our client, how we authenticate at its token endpoint, and the request
 * options (timeouts; plain http only for loopback issuers).
 */
import * as oauth from "oauth4webapi";
import type { Provider } from "../config/resolve.ts";
import { discover, type HttpOptions, httpOptions } from "./discovery.ts";

/** A discovered IdP and our client at it. */
export interface IdpConnection {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  http: HttpOptions;
}

/** Discovers the provider's IdP and sets up our client. */
export async function connect(provider: Provider): Promise<IdpConnection> {
  const http = httpOptions(provider.providerUrl);
  const as = await discover(provider.providerUrl, http);
  return { as, client: { client_id: provider.clientId }, clientAuth: clientAuthentication(provider, as), http };
}

/** Client authentication: none for public clients, else the method the IdP supports. */
export function clientAuthentication(
  provider: Pick<Provider, "clientSecret">,
  as: oauth.AuthorizationServer,
): oauth.ClientAuth {
  if (!provider.clientSecret) return oauth.None();
  const methods = as.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
  return methods.includes("client_secret_basic") || !methods.includes("client_secret_post")
    ? oauth.ClientSecretBasic(provider.clientSecret)
    : oauth.ClientSecretPost(provider.clientSecret);
}
