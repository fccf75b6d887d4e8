/**
 * What the cache holds, and when it may be served. Two kinds of file:
 * the OIDC tokens of one client at one issuer, and the AWS credentials of one
 * credential set. Loaded on the fast cached path: no npm imports.
 */
import type { Provider } from "../config/provider.ts";
import type { TokenSet } from "../oidc/mod.ts";
import { cacheFileName, type CredentialKey, type TokenKey } from "./keys.ts";
import { partitionOfRegion } from "../config/partition.ts";

/**
 * The tokens of one token identity (see {@link requestIdentity}): the OIDC
 * token set, with when it arrived.
 */
export interface TokenEntry extends TokenSet {
  /** Epoch seconds of the last browser login. */
  loggedInAt: number;
  /** Epoch seconds at which these tokens arrived (login or refresh): with the expiry, their lifetime. */
  receivedAt?: number;
  /**
   * True once a refresh of these tokens brought no new ID token (OIDC Core §12.2 allows it; Glewlwyd never
   * sends one): with `token = "id_token"` each expiry of the ID token needs the browser. Kept across logins.
   */
  refreshSendsNoIdToken?: boolean;
}

/** What helps when the IdP sends no ID token on refresh; said by the pipeline, `status` and `doctor`. */
export const NO_ID_TOKEN_ON_REFRESH_HINT =
  'if the role trusts the access token\'s audience, set token = "access_token": a refresh renews that token without the browser';

/** STS credentials of one credential set. */
export interface CredentialEntry {
  provider: string;
  /** Roles assumed before `roleArn` when it was reached by role chaining (the web identity role first). */
  via?: string[];
  /** The provider identity (as configured: `provider_url` and `client_id`) whose tokens obtained them. */
  issuer: string;
  clientId: string;
  roleArn: string;
  region: string;
  duration: number;
  /** Whose ID token obtained them: served only while the token cache holds the same subject. */
  sub: string;
  sessionName: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601, as STS returned it. */
  expiration: string;
}

/**
 * True when `data` has every field of a {@link TokenEntry}, each of the right
 * type. A file that fails this was not written by aws-oidc: it reads as corrupted.
 */
export function isTokenEntry(data: Record<string, unknown>): boolean {
  return isString(data.issuer) && isString(data.clientId) && optional(data.idToken, isString) &&
    isNumber(data.idTokenExpiresAt) && isString(data.sub) && Array.isArray(data.aud) && data.aud.every(isString) &&
    typeof data.claims === "object" && data.claims !== null && !Array.isArray(data.claims) &&
    isString(data.accessToken) && optional(data.accessTokenExpiresAt, isNumber) &&
    optional(data.refreshToken, isString) && isNumber(data.loggedInAt) && optional(data.receivedAt, isNumber) &&
    optional(data.refreshSendsNoIdToken, (value) => typeof value === "boolean");
}

/** Like {@link isTokenEntry}, for a {@link CredentialEntry}. */
export function isCredentialEntry(data: Record<string, unknown>): boolean {
  const strings = ["provider", "issuer", "clientId", "roleArn", "region", "sub", "sessionName"] as const;
  const secrets = ["accessKeyId", "secretAccessKey", "sessionToken", "expiration"] as const;
  return [...strings, ...secrets].every((key) => isString(data[key])) && isNumber(data.duration) &&
    optional(data.via, (via) => Array.isArray(via) && via.every(isString));
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

/** The key of a provider's token file: see {@link requestIdentity}. */
export function tokenKey(provider: Provider): TokenKey {
  return requestIdentity(provider).tokens;
}

/** The key of a provider's credential file: see {@link requestIdentity}. */
export function credentialKey(provider: Provider): CredentialKey {
  return requestIdentity(provider).credentials;
}

/**
 * The one description of what a provider's answers depend on, from which every
 * cache name is derived (the full path, the fast path's index, status and
 * logout alike): for tokens, the client and how it gets which token; for
 * credentials, those tokens plus the role, chain, duration, region, partition,
 * session naming and the STS endpoint as resolved.
 */
export function requestIdentity(provider: Provider): { tokens: TokenKey; credentials: CredentialKey } {
  const tokens: TokenKey = {
    kind: "tokens",
    issuer: provider.providerUrl,
    clientId: provider.clientId,
    clientAuth: provider.clientAuth,
    flow: provider.flow,
    scopes: [...new Set(provider.scopes)].sort(),
    authParams: provider.authParams,
    token: webIdentityKind(provider),
  };
  const { kind: _kind, ...tokenIdentity } = tokens;
  return {
    tokens,
    credentials: {
      kind: "credentials",
      tokens: tokenIdentity,
      roleArn: provider.roleArn,
      chain: provider.chain,
      duration: provider.duration,
      region: provider.region,
      partition: partitionOfRegion(provider.region),
      sessionName: provider.sessionNameClaim,
      endpoint: provider.stsEndpoint,
    },
  };
}

/** File names of a provider's two cache files. */
/** The cache files of one request identity: its tokens and its credentials. */
export interface CacheNames {
  tokens: string;
  credentials: string;
}

export async function cacheNames(provider: Provider): Promise<CacheNames> {
  const identity = requestIdentity(provider);
  return {
    tokens: await cacheFileName(identity.tokens),
    credentials: await cacheFileName(identity.credentials),
  };
}

/**
 * Seconds before expiry at which credentials are renewed. botocore runs the
 * process again when less than 15 minutes remain (the JS SDK below 5), so
 * renew below 15 minutes, or below half the session when it lasts 30 minutes
 * or less; `refresh_window` overrides.
 */
export function refreshWindow(provider: Pick<Provider, "duration" | "refreshWindow">): number {
  if (provider.refreshWindow !== undefined) return provider.refreshWindow;
  return provider.duration <= 1800 ? Math.floor(provider.duration / 2) : 900;
}

/** Cached credentials that may be served now, or undefined. */
export function servableCredentials(
  credentials: CredentialEntry | undefined,
  tokens: TokenEntry | undefined,
  provider: Pick<Provider, "duration" | "refreshWindow">,
  nowMs: number,
): CredentialEntry | undefined {
  if (!credentials || !tokens || credentials.sub !== tokens.sub) return undefined;
  const expires = Date.parse(credentials.expiration);
  if (!Number.isFinite(expires)) return undefined;
  return expires - nowMs > refreshWindow(provider) * 1000 ? credentials : undefined;
}

/** The most a token must still be valid for to be sent to STS, in seconds. */
export const ID_TOKEN_MARGIN = 60;

/**
 * Seconds a token expiring at `expiresAt` must still be valid for to be sent
 * to STS: {@link ID_TOKEN_MARGIN}, or a quarter of its lifetime when that is
 * shorter (IdPs may issue tokens of a minute or less). Without `receivedAt`
 * (entries of older versions) the lifetime is unknown, and the full margin applies.
 */
export function tokenMargin(expiresAt: number, receivedAt: number | undefined): number {
  if (receivedAt === undefined) return ID_TOKEN_MARGIN;
  return Math.min(ID_TOKEN_MARGIN, Math.max(0, expiresAt - receivedAt) / 4);
}

/** True when the cached ID token can still go to STS. */
export function idTokenUsable(tokens: TokenEntry | undefined, nowMs: number): boolean {
  return tokens !== undefined &&
    tokens.idTokenExpiresAt - nowMs / 1000 > tokenMargin(tokens.idTokenExpiresAt, tokens.receivedAt);
}

/** Which token goes to STS: client credentials have only the access token; otherwise `token` decides. */
export function webIdentityKind(provider: Pick<Provider, "flow" | "token">): "id_token" | "access_token" {
  return provider.flow === "client_credentials" ? "access_token" : provider.token;
}

/** The token STS gets (undefined when the entry has none of that kind), and its expiry in epoch seconds. */
export function webIdentityToken(
  tokens: TokenEntry,
  provider: Pick<Provider, "flow" | "token">,
): { token?: string; expiresAt?: number } {
  return webIdentityKind(provider) === "access_token"
    ? { token: tokens.accessToken, expiresAt: tokens.accessTokenExpiresAt }
    : { token: tokens.idToken, expiresAt: tokens.idTokenExpiresAt };
}

/**
 * True when the cached token that goes to STS (see {@link webIdentityKind}) can still be sent: more than
 * its {@link tokenMargin} left, or, when it was `justIssued`, any time at all (STS checks only `exp`).
 */
export function webIdentityUsable(
  tokens: TokenEntry | undefined,
  provider: Pick<Provider, "flow" | "token">,
  nowMs: number,
  options: { justIssued?: boolean } = {},
): boolean {
  if (tokens === undefined) return false;
  const { token, expiresAt } = webIdentityToken(tokens, provider);
  if (!token || expiresAt === undefined) return false;
  const margin = options.justIssued ? 0 : tokenMargin(expiresAt, tokens.receivedAt);
  return expiresAt - nowMs / 1000 > margin;
}
