/**
 * Renewing tokens without a browser: the refresh token grant. A refreshed ID
 * token is validated like a fresh one and must keep the original `iss`, `sub`
 * and `aud`; a response without an ID token keeps the old one.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
 */
import * as oauth from "oauth4webapi";
import type { Provider } from "../config/provider.ts";
import { unreachable } from "./http.ts";
import { connect } from "./_connect.ts";
import { bareRefusalStatus, tokenEndpointError } from "./_endpoint_errors.ts";
import { verifyIdTokenFrom } from "./_id_token.ts";
import {
  expiresAt,
  type IdTokenClaims,
  IdTokenRefused,
  RefreshRejected,
  type Tokens,
  type TokenSet,
} from "./tokens.ts";

/** What a refresh grant yields; `id` only when the IdP sent a new (validated) ID token. */
export interface RefreshedTokens {
  id?: Pick<Tokens, "idToken" | "claims">;
  accessToken: string;
  accessTokenExpiresAt?: number;
  refreshToken: string;
}

/** Uses the cached refresh token; resolves to the new tokens. */
export async function refreshTokens(provider: Provider, cached: TokenSet): Promise<RefreshedTokens> {
  if (!cached.refreshToken) throw new RefreshRejected("No refresh token is cached");
  const { as, client, clientAuth, authMethod, http } = await connect(provider);
  let result: oauth.TokenEndpointResponse;
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth,
      cached.refreshToken,
      http,
    ).catch((error) => {
      throw unreachable(provider.providerUrl, error);
    });
    result = await oauth.processRefreshTokenResponse(as, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === "invalid_grant") {
      throw new RefreshRejected("The identity provider no longer accepts the refresh token (invalid_grant)", error);
    }
    // Some IdPs (Glewlwyd) answer a revoked or expired refresh token with a bare 400 instead of invalid_grant.
    if (bareRefusalStatus(error) === 400) {
      throw new RefreshRejected("The identity provider no longer accepts the refresh token: refused (HTTP 400)", error);
    }
    throw tokenEndpointError(error, { authMethod });
  }
  let id: RefreshedTokens["id"];
  if (result.id_token) {
    const claims = await verifyIdTokenFrom({ as, http }, result.id_token, {
      clientId: provider.clientId,
      // The refresh request sends no nonce, so none is compared.
      nonce: oauth.expectNoNonce,
    });
    assertSameIdentity(cached, claims);
    id = { idToken: result.id_token, claims };
  }
  return {
    id,
    accessToken: result.access_token,
    accessTokenExpiresAt: expiresAt(result.expires_in),
    // Keep the old refresh token unless the IdP rotated it.
    refreshToken: result.refresh_token ?? cached.refreshToken,
  };
}

/** OIDC Core §12.2: a refreshed ID token must name the same issuer, subject and audience. */
function assertSameIdentity(cached: TokenSet, claims: IdTokenClaims): void {
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const sameAud = aud.length === cached.aud.length && aud.every((value) => cached.aud.includes(value as string));
  if (claims.iss !== cached.issuer || claims.sub !== cached.sub || !sameAud) {
    throw new IdTokenRefused(
      `The identity provider's refreshed ID token names a different ${
        claims.iss !== cached.issuer ? "issuer" : claims.sub !== cached.sub ? "subject" : "audience"
      } than the login did`,
      { hint: 'the IdP is misbehaving; nothing was sent to AWS; "aws-oidc logout" and log in again if it persists' },
    );
  }
}
