/** The tokens a login or refresh yields, in the shape the rest of aws-oidc uses. */
import type { IdTokenClaims } from "./id_token.ts";
import { AwsOidcError } from "../errors.ts";

/**
 * The IdP sent an ID token that fails validation. After a refresh this ends
 * the command instead of falling back to a browser login: the IdP misbehaves,
 * and logging in again at it is not the fix. No npm imports: the credential
 * pipeline checks for it.
 */
export class IdTokenRefused extends AwsOidcError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = "IdTokenRefused";
  }
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
