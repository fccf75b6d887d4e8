/**
 * The provider as the rest of aws-oidc sees it: every setting resolved and
 * checked (config/resolve.ts builds it). The one type the layers above share.
 */
import type { ProviderType } from "./presets.ts";

/** Everything the login and STS steps need, validated. */
export interface Provider {
  name: string;
  /**
   * The IdP: `type`, else detected from `provider_url` (always set by
   * {@link resolveProvider}). Only an explicit `type` applies the preset's
   * scopes and parameters (see presets.ts).
   */
  type?: ProviderType;
  /** True when `type` was detected rather than given, so its preset was not applied. */
  typeDetected?: boolean;
  roleArn: string;
  duration: number;
  /** The issuer as configured; discovery must report the same issuer. */
  providerUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Browser command with `{}` for the URL; absent: the OS default browser. */
  agent?: string[];
  scopes: string[];
  /** Loopback redirect URI template; `{port}` is replaced by the listener's port. */
  redirectUri: string;
  region: string;
  /**
   * The STS endpoint every call goes to: `--sts-endpoint` / `AWS_OIDC_STS_ENDPOINT` / `sts_endpoint`, else
   * `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the region's endpoint in its partition. Never left to the
   * SDK, which would read `endpoint_url` from the shared config's `AWS_PROFILE` behind our back.
   */
  stsEndpoint: string;
  /** Where {@link stsEndpoint} came from, for `doctor` and `--debug`. */
  stsEndpointSource: string;
  /** How the client authenticates at the token endpoint (see oidc/_connect.ts): part of the token identity. */
  clientAuth: ClientAuthKind;
  sessionNameClaim?: string;
  disablePkce: boolean;
  disableNonce: boolean;
  /** Seconds to wait for the browser login. */
  timeout: number;
  /** Seconds one request to the IdP may take, response body included. */
  httpTimeout: number;
  authParams: Record<string, string>;
  /** Seconds before expiry at which cached credentials are renewed; undefined: the default rule. */
  refreshWindow?: number;
  /** Where the tokens are kept: see src/cache/sealed.ts. */
  storage: "auto" | "keychain" | "file";
  /** Roles assumed with `AssumeRole`, in order, after the web identity step. */
  chain: string[];
  /** The AWS federation endpoint for `login`; undefined: the role's partition decides. */
  signinUrl?: string;
  /** How tokens are obtained: the browser (authorization code), the device grant, or client credentials. */
  flow: LoginFlow;
  /** Which token goes to STS. */
  token: "id_token" | "access_token";
  /** PEM private key file for private_key_jwt (`AWS_OIDC_PRIVATE_KEY` holds the PEM itself). */
  privateKeyFile?: string;
  keyId?: string;
  /** How the client authenticates to the IdP; undefined: chosen from the key or secret and the IdP's metadata. */
  tokenEndpointAuthMethod?: ClientAuthMethod;
}

/** Client authentication: `private_key_jwt` with a key (file or `AWS_OIDC_PRIVATE_KEY`), else a secret, else none. */
export type ClientAuthKind = "none" | "client_secret" | "private_key_jwt";

/** The ways aws-oidc can obtain tokens. */
export const LOGIN_FLOWS = ["browser", "device", "client_credentials"] as const;

/**
 * The client authentication methods aws-oidc can use at the token, introspection and revocation endpoints.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export const CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"] as const;
export type ClientAuthMethod = typeof CLIENT_AUTH_METHODS[number];
export type LoginFlow = typeof LOGIN_FLOWS[number];

/** One entry of a provider's `roles`. */
export interface RoleChoice {
  arn: string;
  alias?: string;
}
