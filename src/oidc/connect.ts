/**
 * What every conversation with the IdP starts with: its discovered metadata,
 * our client, how we authenticate at its token endpoint, and the request
 * options (timeouts; plain http only for loopback issuers).
 */
import * as oauth from "oauth4webapi";
import type { Provider } from "../config/resolve.ts";
import { AwsOidcError } from "../errors.ts";
import { discover, type HttpOptions, httpOptions } from "./discovery.ts";
import { type ClientKeySources, loadClientKey } from "./client_key.ts";

/** A discovered IdP and our client at it. */
export interface IdpConnection {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  http: HttpOptions;
}

/** Discovers the provider's IdP and sets up our client. */
export async function connect(provider: Provider, sources?: ClientKeySources): Promise<IdpConnection> {
  const http = httpOptions(provider.providerUrl, provider.httpTimeout * 1000);
  const as = await discover(provider.providerUrl, http);
  return {
    as,
    client: { client_id: provider.clientId },
    clientAuth: await clientAuthentication(provider, as, sources),
    http,
  };
}

/**
 * Client authentication: `private_key_jwt` when a private key is configured
 * (it wins over a secret), else the secret by the method the IdP supports,
 * else none (a public client).
 */
export async function clientAuthentication(
  provider: Pick<Provider, "clientSecret" | "privateKeyFile" | "keyId">,
  as: oauth.AuthorizationServer,
  sources?: ClientKeySources,
): Promise<oauth.ClientAuth> {
  const key = await loadClientKey(provider, sources);
  if (key) {
    checkSupported(as, "token_endpoint_auth_methods_supported", ["private_key_jwt"], "client authentication method");
    // Ed25519 is the fully specified name of what older metadata calls EdDSA.
    const algs = key.alg === "Ed25519" ? ["Ed25519", "EdDSA"] : [key.alg];
    checkSupported(as, "token_endpoint_auth_signing_alg_values_supported", algs, "client assertion algorithm");
    return oauth.PrivateKeyJwt({ key: key.key, kid: key.kid });
  }
  if (!provider.clientSecret) return oauth.None();
  const methods = as.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
  return methods.includes("client_secret_basic") || !methods.includes("client_secret_post")
    ? oauth.ClientSecretBasic(provider.clientSecret)
    : oauth.ClientSecretPost(provider.clientSecret);
}

/** Refuses early, with the IdP's own list, what its metadata says it does not support. */
function checkSupported(
  as: oauth.AuthorizationServer,
  field: "token_endpoint_auth_methods_supported" | "token_endpoint_auth_signing_alg_values_supported",
  wanted: string[],
  what: string,
): void {
  const supported = as[field];
  if (!Array.isArray(supported) || wanted.some((value) => supported.includes(value))) return;
  throw new AwsOidcError(
    `The identity provider does not support the ${what} "${wanted[0]}" (it lists ${
      supported.map((value) => `"${value}"`).join(", ") || "none"
    })`,
    {
      hint: field === "token_endpoint_auth_methods_supported"
        ? "use client_secret instead of a private key, or enable private_key_jwt at the IdP"
        : "use a key of a type the IdP accepts (RSA for RS256, EC P-256 for ES256)",
    },
  );
}
