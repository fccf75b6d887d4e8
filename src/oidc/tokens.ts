/**
 * The tokens a login or refresh yields, in the shape the rest of aws-oidc uses,
 * the refusals that end a refresh, and the rules every token is checked against. No npm imports: the credential pipeline
 * and the cache load this module (or only its types).
 */
import { AwsOidcError } from "../errors.ts";

/**
 * The IdP sent an ID token that fails validation. After a refresh this ends
 * the command instead of falling back to a browser login: the IdP misbehaves,
 * and logging in again at it is not the fix.
 */
export class IdTokenRefused extends AwsOidcError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = "IdTokenRefused";
  }
}

/** The refresh token was refused for good (expired, revoked): only a browser login helps. */
export class RefreshRejected extends AwsOidcError {
  constructor(message: string, cause?: unknown) {
    super(message, { hint: "log in again in the browser", cause });
    this.name = "RefreshRejected";
  }
}

/** Asymmetric algorithms only: never `none`, never an HMAC keyed with public data. */
export const ALLOWED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

/** Clock leeway for `exp`, `iat` and `nbf`, in seconds. */
export const CLOCK_LEEWAY = 60;

/** The claims aws-oidc relies on, of a validated ID token (or JWT access token). */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud?: string | string[];
  exp: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  nonce?: string;
  email?: string;
  preferred_username?: string;
  azp?: string;
  /** Any other claim the IdP sent. */
  [claim: string]: unknown;
}

/** When a token that lives `expiresIn` seconds (a token response's `expires_in`) expires, in epoch seconds. */
export function expiresAt(expiresIn: number | undefined): number | undefined {
  return expiresIn ? Math.floor(Date.now() / 1000) + expiresIn : undefined;
}

/** Validated OIDC tokens. */
export interface Tokens {
  /** Absent for the client credentials grant, which issues none. */
  idToken?: string;
  /** The validated claims of the ID token, or of the JWT access token when there is no ID token. */
  claims: IdTokenClaims;
  accessToken: string;
  /** Epoch seconds; absent when the IdP did not say. */
  accessTokenExpiresAt?: number;
  refreshToken?: string;
}

/**
 * The tokens of one client at one issuer, as kept between commands: what a
 * refresh starts from. Client credentials yield no ID token: then
 * `idTokenExpiresAt`, `sub`, `aud` and `claims` are the JWT access token's.
 * The cache's entry (cache/entries.ts) builds on it.
 */
export interface TokenSet {
  issuer: string;
  clientId: string;
  idToken?: string;
  /** Epoch seconds. */
  idTokenExpiresAt: number;
  /** The identity the tokens belong to; a refresh must keep it. */
  sub: string;
  aud: string[];
  /** The claims used for the RoleSessionName, kept so a refresh without an ID token can still name the session. */
  claims: Record<string, unknown>;
  accessToken: string;
  accessTokenExpiresAt?: number;
  refreshToken?: string;
}
