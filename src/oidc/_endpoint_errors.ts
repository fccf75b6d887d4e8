/**
 * What the IdP's endpoints (token, introspection, revocation, device
 * authorization) answer when they refuse, turned into what to fix. Shared by
 * every grant; private to src/oidc/.
 */
import * as oauth from "oauth4webapi";
import { AwsOidcError } from "../errors.ts";
import { printable } from "../log.ts";
import type { ClientAuthMethod } from "../config/provider.ts";
import { IdTokenRefused } from "./tokens.ts";

/** Where a request to the IdP went, and how the client authenticated, for {@link tokenEndpointError}. */
export interface EndpointContext {
  /** e.g. "token endpoint" (the default), "introspection endpoint". */
  endpoint?: string;
  authMethod?: ClientAuthMethod;
}

/**
 * The HTTP status of a 4xx answer that carries no OAuth error body (empty, or
 * not JSON), as Glewlwyd sends for a revoked refresh token or a client it
 * does not let introspect; undefined for anything else.
 */
export function bareRefusalStatus(error: unknown): number | undefined {
  if (!(error instanceof oauth.OperationProcessingError) || !(error.cause instanceof Response)) return undefined;
  const { status } = error.cause;
  return status >= 400 && status < 500 ? status : undefined;
}

/** Turns failures at the token (or introspection, revocation) endpoint into what to fix. */
export function tokenEndpointError(error: unknown, context: EndpointContext = {}): AwsOidcError {
  if (error instanceof AwsOidcError) return error;
  const endpoint = context.endpoint ?? "token endpoint";
  const basic = context.authMethod === "client_secret_basic"
    ? '; if the IdP does not decode a form-encoded Basic header (an id or secret with - _ . ~), set token_endpoint_auth_method = "client_secret_post"'
    : "";
  if (error instanceof oauth.ResponseBodyError) {
    const hints: Record<string, string> = {
      invalid_client: `check client_id, and client_secret if the IdP requires one${basic}`,
      invalid_grant: "the code or token was refused; log in again",
      unauthorized_client: `the IdP does not allow this grant for this client, or did not recognise it${basic}`,
    };
    const description = error.error_description ? `: ${printable(error.error_description)}` : "";
    return new AwsOidcError(`The identity provider's ${endpoint} refused: ${printable(error.error)}${description}`, {
      hint: hints[error.error] ?? "check the client registration at the IdP",
      cause: error,
    });
  }
  const refused = bareRefusalStatus(error);
  if (refused !== undefined) {
    return new AwsOidcError(`The identity provider's ${endpoint} refused (HTTP ${refused}), without an OAuth error`, {
      hint: refused === 401
        ? `it did not accept this client's authentication (${
          context.authMethod ?? "unknown method"
        }): check client_id, client_secret and token_endpoint_auth_method${basic}`
        : "check the client registration at the IdP",
      cause: error,
    });
  }
  if (error instanceof oauth.OperationProcessingError) {
    if (error.code === oauth.RESPONSE_IS_NOT_JSON || error.code === oauth.PARSE_ERROR) {
      return new AwsOidcError(`The identity provider's ${endpoint} did not answer with JSON`, {
        hint: "check provider_url; a proxy or error page may be in the way",
        cause: error,
      });
    }
    if (error.code === oauth.RESPONSE_IS_NOT_CONFORM && error.cause instanceof Response) {
      const type = error.cause.headers.get("content-type")?.split(";")[0];
      return new AwsOidcError(
        `The identity provider's ${endpoint} answered HTTP ${error.cause.status}${
          type ? ` (${printable(type)})` : ""
        } instead of a ${endpoint === "token endpoint" ? "token response" : "valid response"}`,
        { hint: "the IdP or a proxy in front of it failed; try again later, or check provider_url", cause: error },
      );
    }
    if (refusesIdToken(error)) {
      return new IdTokenRefused(`The identity provider's ID token was refused: ${printable(error.message)}`, {
        hint: "nothing was sent to AWS; check provider_url and client_id",
        cause: error,
      });
    }
    const response = endpoint === "token endpoint" ? "token response" : `${endpoint}'s response`;
    return new AwsOidcError(`The identity provider's ${response} was refused: ${printable(error.message)}`, {
      hint: "nothing was sent to AWS; check provider_url and client_id",
      cause: error,
    });
  }
  const request = endpoint === "token endpoint" ? "Token request" : `Request to the ${endpoint}`;
  return new AwsOidcError(`${request} failed: ${(error as Error).message}`, { cause: error });
}

/**
 * Whether oauth4webapi refused the ID token in a token response rather than
 * the response itself: a claim it compared or timed (JWT_CLAIM_COMPARISON,
 * JWT_TIMESTAMP_CHECK, with `cause.claim` naming it), or a JWT it could not
 * accept (INVALID_RESPONSE with the JWT's claims or header as the cause, or the
 * JWS itself). A bad response body is INVALID_RESPONSE too, with `cause.body`.
 */
function refusesIdToken(error: oauth.OperationProcessingError): boolean {
  const cause = error.cause;
  const fields = typeof cause === "object" && cause !== null ? cause as Record<string, unknown> : {};
  switch (error.code) {
    case oauth.JWT_CLAIM_COMPARISON:
    case oauth.JWT_TIMESTAMP_CHECK:
      return typeof fields.claim === "string";
    case oauth.INVALID_RESPONSE:
      return typeof cause === "string" || "claims" in fields || "header" in fields;
    default:
      return false;
  }
}

/** The OAuth error code, reduced to the characters RFC 6749 allows in one. */
export function errorCode(error: oauth.ResponseBodyError): string {
  return error.error.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "").slice(0, 100);
}
