/** The tokens a login or refresh yields, in the shape the rest of aws-oidc uses. */
import type { IdTokenClaims } from "./id_token.ts";

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
