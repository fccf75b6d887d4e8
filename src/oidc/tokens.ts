/** The tokens a login or refresh yields, in the shape the rest of aws-oidc uses. */
import type { IdTokenClaims } from "./id_token.ts";

/** Validated OIDC tokens. */
export interface Tokens {
  idToken: string;
  claims: IdTokenClaims;
  accessToken: string;
  /** Epoch seconds; absent when the IdP did not say. */
  accessTokenExpiresAt?: number;
  refreshToken?: string;
}
