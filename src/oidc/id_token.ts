/**
 * Full ID token validation, signature included even though the token came over
 * TLS: it is cached and forwarded to STS, so it must stand on its own.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
import { createRemoteJWKSet, customFetch, errors, type JWTPayload, jwtVerify } from "jose";
import { AwsOidcError } from "../errors.ts";
import { DEFAULT_HTTP_TIMEOUT, limitedFetch } from "./discovery.ts";
import { IdTokenRefused } from "./tokens.ts";

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

/** The claims aws-oidc relies on. */
export interface IdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  exp: number;
  nonce?: string;
  email?: string;
  preferred_username?: string;
  azp?: string;
}

/** What an ID token must match. */
export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  jwksUri: string;
  /** The nonce sent; undefined only when the provider has `disable_nonce`. */
  nonce?: string;
  /** The IdP's `id_token_signing_alg_values_supported`, narrowed to {@link ALLOWED_ALGORITHMS}. */
  algorithms?: string[];
  /** Network timeout for the JWKS fetch. */
  timeoutMs?: number;
}

/** Verifies signature (via the JWKS, refetched once on an unknown `kid`) and claims. */
export async function verifyIdToken(token: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  const algorithms = (expected.algorithms ?? ALLOWED_ALGORITHMS).filter((alg) => ALLOWED_ALGORITHMS.includes(alg));
  const jwks = createRemoteJWKSet(new URL(expected.jwksUri), {
    timeoutDuration: expected.timeoutMs ?? DEFAULT_HTTP_TIMEOUT * 1000,
    [customFetch]: limitedFetch,
    cooldownDuration: 0,
  });
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, jwks, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: algorithms.length ? algorithms : ALLOWED_ALGORITHMS,
      clockTolerance: CLOCK_LEEWAY,
      requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
    }));
  } catch (error) {
    throw idTokenError(error);
  }
  checkAuthorizedParty(payload, expected.clientId);
  checkNonce(payload, expected.nonce);
  if ((payload.iat as number) > Date.now() / 1000 + CLOCK_LEEWAY) {
    throw rejected("it was issued in the future (iat)", "check this machine's clock");
  }
  return payload as IdTokenClaims;
}

function checkAuthorizedParty(payload: JWTPayload, clientId: string): void {
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length > 1 && payload.azp === undefined) {
    throw rejected("it has several audiences and no azp claim", undefined);
  }
  if (payload.azp !== undefined && payload.azp !== clientId) {
    throw rejected(`its azp "${payload.azp}" is not our client id`, "check client_id");
  }
}

function checkNonce(payload: JWTPayload, nonce: string | undefined): void {
  if (nonce === undefined) return;
  if (payload.nonce !== nonce) {
    throw rejected(
      payload.nonce === undefined ? "it has no nonce" : "its nonce does not match the one sent",
      "start the login again; if it persists the IdP is replaying tokens",
    );
  }
}

function rejected(reason: string, hint: string | undefined, cause?: unknown): AwsOidcError {
  return new IdTokenRefused(`The identity provider's ID token was refused: ${reason}`, {
    hint: hint ?? "check the provider's configuration; nothing was sent to AWS",
    cause,
  });
}

function idTokenError(error: unknown): AwsOidcError {
  if (error instanceof AwsOidcError) return error;
  if (error instanceof errors.JWTExpired) {
    return rejected("it has expired", "check this machine's clock, then log in again", error);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const hints: Record<string, string> = {
      iss: "provider_url must be exactly the IdP's issuer",
      aud: "client_id must be the client the IdP issued the token for",
      iat: "check this machine's clock",
      nbf: "check this machine's clock",
    };
    return rejected(`claim "${error.claim}" failed (${error.reason})`, hints[error.claim], error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return rejected("its signature does not verify against the IdP's published keys", undefined, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return rejected("it is signed with an algorithm that is not allowed", undefined, error);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return rejected("no single key in the IdP's JWKS matches its signature", undefined, error);
  }
  if (error instanceof errors.JWKSTimeout) {
    return new AwsOidcError("The identity provider's key set (JWKS) did not answer in time", {
      hint: "check the network, then try again",
      cause: error,
    });
  }
  if (error instanceof errors.JOSEError) return rejected(error.message, undefined, error);
  return new AwsOidcError(`Cannot fetch the identity provider's keys: ${(error as Error).message}`, {
    hint: "check the network and provider_url",
    cause: error,
  });
}
