/**
 * Ending a session at the IdP: OAuth 2.0 Token Revocation of the cached
 * refresh token (or, without one, the access token).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009 (token revocation)
 */
import * as oauth from "oauth4webapi";
import { AwsOidcError } from "../errors.ts";
import type { Provider } from "../config/provider.ts";
import { unreachable } from "./http.ts";
import { connect, endpointAllows, notAllowedError } from "./_connect.ts";
import { bareRefusalStatus, errorCode, tokenEndpointError } from "./_endpoint_errors.ts";

/** Which kind of token is revoked (RFC 7009 §2.1 `token_type_hint`). */
export type TokenTypeHint = "refresh_token" | "access_token";

/**
 * Revokes `token` at the provider's revocation endpoint. Resolves to false,
 * without a request, when the IdP publishes no revocation endpoint.
 *
 * @throws {AwsOidcError} when the IdP cannot be reached or refuses the request, or its metadata says the
 * revocation endpoint does not accept this client's authentication method.
 */
export async function revokeToken(provider: Provider, token: string, hint: TokenTypeHint): Promise<boolean> {
  const { as, client, clientAuth, authMethod, http } = await connect(provider);
  if (typeof as.revocation_endpoint !== "string") return false;
  // A public client revokes with its client_id alone (RFC 7009 §2.1) even where the metadata lists no "none"
  // (Keycloak); so only its refusal is explained by the metadata. Any other unlisted method is not sent.
  const allowed = endpointAllows(as, "revocation", authMethod);
  if (allowed === false && authMethod !== "none") throw notAllowedError(as, "revocation", authMethod);
  try {
    const response = await oauth.revocationRequest(as, client, clientAuth, token, {
      ...http,
      additionalParameters: { token_type_hint: hint },
    }).catch((error) => {
      throw unreachable(provider.providerUrl, error);
    });
    await oauth.processRevocationResponse(response);
  } catch (error) {
    const refused = error instanceof oauth.ResponseBodyError || bareRefusalStatus(error) !== undefined;
    if (refused && allowed === false) throw notAllowedError(as, "revocation", authMethod, error);
    if (error instanceof oauth.ResponseBodyError) {
      throw new AwsOidcError(
        `The identity provider refused to revoke the ${hint.replace("_", " ")}: ${errorCode(error)}`,
        {
          hint: error.error === "invalid_client"
            ? "check client_id, and client_secret if the IdP requires one"
            : "end the session at the identity provider's account page instead",
          cause: error,
        },
      );
    }
    throw tokenEndpointError(error, { endpoint: "revocation endpoint", authMethod });
  }
  return true;
}
