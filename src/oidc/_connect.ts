/**
 * What every conversation with the IdP starts with: its discovered metadata,
 * our client, how we authenticate at its token endpoint, and the request
 * options (timeouts; plain http only for loopback issuers).
 */
import * as oauth from "oauth4webapi";
import type { ClientAuthMethod, Provider } from "../config/provider.ts";
import { AwsOidcError, ConfigError } from "../errors.ts";
import { discover, type HttpOptions, httpOptions } from "./discovery.ts";
import { type ClientKeySources, loadClientKey } from "./_client_key.ts";

/** A discovered IdP and our client at it. */
export interface IdpConnection {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  /** How `clientAuth` authenticates, for the endpoints' lists of allowed methods. */
  authMethod: ClientAuthMethod;
  http: HttpOptions;
}

/** Discovers the provider's IdP and sets up our client. */
export async function connect(provider: Provider, sources?: ClientKeySources): Promise<IdpConnection> {
  const http = httpOptions(provider.providerUrl, provider.httpTimeout * 1000);
  const as = await discover(provider.providerUrl, http);
  const { method, auth } = await clientAuthentication(provider, as, sources);
  return { as, client: { client_id: provider.clientId }, clientAuth: auth, authMethod: method, http };
}

/**
 * Client authentication: `token_endpoint_auth_method` when set; otherwise
 * `private_key_jwt` when a private key is configured (it wins over a secret),
 * else the secret by the method the IdP lists (Basic when it lists it), else
 * none (a public client).
 *
 * @throws {ConfigError} when the chosen method lacks its key or secret.
 */
export async function clientAuthentication(
  provider: Pick<Provider, "clientSecret" | "privateKeyFile" | "keyId" | "tokenEndpointAuthMethod">,
  as: oauth.AuthorizationServer,
  sources?: ClientKeySources,
): Promise<{ method: ClientAuthMethod; auth: oauth.ClientAuth }> {
  const chosen = provider.tokenEndpointAuthMethod;
  if (chosen === "none") return { method: "none", auth: oauth.None() };
  const key = chosen === undefined || chosen === "private_key_jwt" ? await loadClientKey(provider, sources) : undefined;
  if (key) {
    checkSupported(as, "token_endpoint_auth_methods_supported", ["private_key_jwt"], "client authentication method");
    // Ed25519 is the fully specified name of what older metadata calls EdDSA.
    const algs = key.alg === "Ed25519" ? ["Ed25519", "EdDSA"] : [key.alg];
    checkSupported(as, "token_endpoint_auth_signing_alg_values_supported", algs, "client assertion algorithm");
    return { method: "private_key_jwt", auth: oauth.PrivateKeyJwt({ key: key.key, kid: key.kid }) };
  }
  if (chosen === "private_key_jwt") {
    throw new ConfigError('token_endpoint_auth_method = "private_key_jwt" needs a private key', {
      hint: "set private_key_file, or put the PEM key in AWS_OIDC_PRIVATE_KEY",
    });
  }
  if (!provider.clientSecret) {
    if (chosen === undefined) return { method: "none", auth: oauth.None() };
    throw new ConfigError(`token_endpoint_auth_method = "${chosen}" needs a client_secret`, {
      hint: 'set client_secret, or token_endpoint_auth_method = "none" for a public client',
    });
  }
  if (chosen !== undefined) {
    checkSupported(as, "token_endpoint_auth_methods_supported", [chosen], "client authentication method");
  }
  const methods = as.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
  const method = chosen ??
    (methods.includes("client_secret_basic") || !methods.includes("client_secret_post")
      ? "client_secret_basic"
      : "client_secret_post");
  return {
    method,
    auth: method === "client_secret_basic"
      ? oauth.ClientSecretBasic(provider.clientSecret)
      : oauth.ClientSecretPost(provider.clientSecret),
  };
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
        ? wanted[0] === "private_key_jwt"
          ? "use client_secret instead of a private key, or enable private_key_jwt at the IdP"
          : "set token_endpoint_auth_method to one of the methods it lists"
        : "use a key of a type the IdP accepts (RSA for RS256, EC P-256 for ES256)",
    },
  );
}

/** The two endpoints besides the token endpoint that authenticate the client. */
export type AuthenticatedEndpoint = "introspection" | "revocation";

/**
 * Whether the IdP's metadata lets a client that authenticates with `method`
 * call `endpoint` (RFC 8414 §2 `…_endpoint_auth_methods_supported`);
 * undefined when the metadata does not say.
 */
export function endpointAllows(
  as: oauth.AuthorizationServer,
  endpoint: AuthenticatedEndpoint,
  method: ClientAuthMethod,
): boolean | undefined {
  const supported = as[`${endpoint}_endpoint_auth_methods_supported`];
  return Array.isArray(supported) ? supported.includes(method) : undefined;
}

/** The plain refusal: the IdP's metadata does not let this client call `endpoint`. */
export function notAllowedError(
  as: oauth.AuthorizationServer,
  endpoint: AuthenticatedEndpoint,
  method: ClientAuthMethod,
  cause?: unknown,
): AwsOidcError {
  const listed = (as[`${endpoint}_endpoint_auth_methods_supported`] ?? []).map((value) => `"${value}"`).join(", ");
  const client = method === "none" ? "this client is public (no client_secret)" : `this client uses "${method}"`;
  return new AwsOidcError(
    `The identity provider does not allow ${endpoint} for this client: its ${endpoint} endpoint accepts only ${
      listed || "no method"
    }, and ${client}`,
    {
      hint: method === "none"
        ? `the IdP allows ${endpoint} only to confidential clients; register one with a client_secret to use it`
        : "set token_endpoint_auth_method to a method it lists",
      cause,
    },
  );
}
