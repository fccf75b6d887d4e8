/**
 * What ID tokens and JWT access tokens share: the IdP's key set, and one
 * translation of jose's failures into errors that say which token was refused
 * and what to check.
 */
import { createRemoteJWKSet, customFetch, errors } from "jose";
import { AwsOidcError } from "../errors.ts";
import { DEFAULT_HTTP_TIMEOUT } from "../config/defaults.ts";
import { limitedFetch } from "./http.ts";

/** The IdP's JWKS, fetched through the size-limited fetch and refetched once on an unknown `kid`. */
export function remoteKeySet(jwksUri: string, timeoutMs?: number): ReturnType<typeof createRemoteJWKSet> {
  return createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: timeoutMs ?? DEFAULT_HTTP_TIMEOUT * 1000,
    [customFetch]: limitedFetch,
    cooldownDuration: 0,
  });
}

/** The token being verified, and how its refusals read. */
export interface TokenKind {
  /** As named in messages: "ID token", "access token". */
  name: string;
  /** The class a refusal is raised as. */
  refusal: new (message: string, options: { hint?: string; cause?: unknown }) => AwsOidcError;
  /** The hint for an expired token. */
  expiredHint: string;
  /** Hints for a failed claim, by claim name. */
  claimHints: Record<string, string>;
  /** The hint when no single JWKS key matches; the general one when absent. */
  noMatchingKeyHint?: string;
  /** The error for a token that is not a JWS at all; a plain refusal when absent. */
  malformed?: () => AwsOidcError;
}

/** The token failed a check: `reason` says which, `hint` what to do (a general one when undefined). */
export function refused(kind: TokenKind, reason: string, hint: string | undefined, cause?: unknown): AwsOidcError {
  return new kind.refusal(`The identity provider's ${kind.name} was refused: ${reason}`, {
    hint: hint ?? "check the provider's configuration; nothing was sent to AWS",
    cause,
  });
}

/** Translates what `jwtVerify` (or the key set) threw; our own errors pass through. */
export function verifyError(kind: TokenKind, error: unknown): AwsOidcError {
  if (error instanceof AwsOidcError) return error;
  if (error instanceof errors.JWTExpired) return refused(kind, "it has expired", kind.expiredHint, error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return refused(kind, `claim "${error.claim}" failed (${error.reason})`, kind.claimHints[error.claim], error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return refused(kind, "its signature does not verify against the IdP's published keys", undefined, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return refused(kind, "it is signed with an algorithm that is not allowed", undefined, error);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return refused(kind, "no single key in the IdP's JWKS matches its signature", kind.noMatchingKeyHint, error);
  }
  if (error instanceof errors.JWKSTimeout) {
    return new AwsOidcError("The identity provider's key set (JWKS) did not answer in time", {
      hint: "check the network, then try again",
      cause: error,
    });
  }
  if (kind.malformed && (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid)) {
    return kind.malformed();
  }
  if (error instanceof errors.JOSEError) return refused(kind, error.message, undefined, error);
  return new AwsOidcError(`Cannot fetch the identity provider's keys: ${(error as Error).message}`, {
    hint: "check the network and provider_url",
    cause: error,
  });
}
