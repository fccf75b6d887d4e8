/**
 * Full ID token validation, signature included even though the token came over
 * TLS: it is cached and forwarded to STS, so it must stand on its own.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
import { type JWTPayload, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import type { AwsOidcError } from "../errors.ts";
import type { IdpConnection } from "./_connect.ts";
import { refused, remoteKeySet, type TokenKind, verifyError } from "./_jwt.ts";
import { ALLOWED_ALGORITHMS, CLOCK_LEEWAY, type IdTokenClaims, IdTokenRefused } from "./tokens.ts";

/** How a refused ID token reads; it is raised as {@link IdTokenRefused}, which ends a refresh. */
const ID_TOKEN: TokenKind = {
  name: "ID token",
  refusal: IdTokenRefused,
  expiredHint: "check this machine's clock, then log in again",
  claimHints: {
    iss: "provider_url must be exactly the IdP's issuer",
    aud: "client_id must be the client the IdP issued the token for",
    iat: "check this machine's clock",
    nbf: "check this machine's clock",
  },
};

/** What an ID token must match. */
export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  jwksUri: string;
  /**
   * The nonce the request sent, or oauth4webapi's `expectNoNonce` when it sent
   * none (the device grant, a refresh, a provider with `disable_nonce`): then the
   * token's nonce is not compared here.
   */
  nonce: string | typeof oauth.expectNoNonce;
  /** The IdP's `id_token_signing_alg_values_supported`, narrowed to {@link ALLOWED_ALGORITHMS}. */
  algorithms?: string[];
  /** Network timeout for the JWKS fetch. */
  timeoutMs?: number;
}

/**
 * Verifies an ID token that `idp` issued to `clientId` against what its
 * discovery says: the issuer, the key set (JWKS) and the signing algorithms.
 */
export async function verifyIdTokenFrom(
  idp: Pick<IdpConnection, "as" | "http">,
  token: string,
  expected: Pick<IdTokenExpectations, "clientId" | "nonce">,
): Promise<IdTokenClaims> {
  return await verifyIdToken(token, {
    issuer: idp.as.issuer,
    clientId: expected.clientId,
    jwksUri: idp.as.jwks_uri!,
    timeoutMs: idp.http.timeoutMs,
    nonce: expected.nonce,
    algorithms: idp.as.id_token_signing_alg_values_supported,
  });
}

/** Verifies signature (via the JWKS, refetched once on an unknown `kid`) and claims. */
export async function verifyIdToken(token: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  const algorithms = (expected.algorithms ?? ALLOWED_ALGORITHMS).filter((alg) => ALLOWED_ALGORITHMS.includes(alg));
  const jwks = remoteKeySet(expected.jwksUri, expected.timeoutMs);
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
    throw verifyError(ID_TOKEN, error);
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

function checkNonce(payload: JWTPayload, nonce: string | typeof oauth.expectNoNonce): void {
  if (nonce === oauth.expectNoNonce) return;
  if (payload.nonce !== nonce) {
    throw rejected(
      payload.nonce === undefined ? "it has no nonce" : "its nonce does not match the one sent",
      "start the login again; if it persists the IdP is replaying tokens",
    );
  }
}

function rejected(reason: string, hint: string | undefined): AwsOidcError {
  return refused(ID_TOKEN, reason, hint);
}
