/**
 * Asking the IdP about a token it issued: OAuth 2.0 Token Introspection, used
 * to tell how long the cached refresh token has left.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662 (token introspection)
 */
import * as oauth from "oauth4webapi";
import { AwsOidcError } from "../errors.ts";
import type { Provider } from "../config/provider.ts";
import { unreachable } from "./http.ts";
import { connect, endpointAllows, notAllowedError } from "./_connect.ts";
import { errorCode, tokenEndpointError } from "./_endpoint_errors.ts";

/** What the IdP says about a token; `expiresAt` (epoch seconds) only when it said. */
export interface Introspection {
  active: boolean;
  expiresAt?: number;
}

/**
 * Introspects `refreshToken` at the provider's introspection endpoint, with
 * the same client authentication as the token endpoint. When the IdP's
 * metadata lists the methods that endpoint accepts and ours is not among them,
 * no request is sent.
 *
 * @throws {AwsOidcError} when the IdP publishes no introspection endpoint, does not allow it for this client,
 * cannot be reached, or refuses.
 */
export async function introspectRefreshToken(provider: Provider, refreshToken: string): Promise<Introspection> {
  const { as, client, clientAuth, authMethod, http } = await connect(provider);
  if (typeof as.introspection_endpoint !== "string") {
    throw new AwsOidcError(`The identity provider "${provider.providerUrl}" publishes no introspection_endpoint`, {
      hint: "it does not offer RFC 7662 token introspection, so the refresh token's lifetime cannot be asked for",
    });
  }
  // RFC 7662 §2.1: the caller must be authorised; the metadata says in advance who is.
  if (endpointAllows(as, "introspection", authMethod) === false) throw notAllowedError(as, "introspection", authMethod);
  let result: oauth.IntrospectionResponse;
  try {
    const response = await oauth.introspectionRequest(as, client, clientAuth, refreshToken, {
      ...http,
      additionalParameters: { token_type_hint: "refresh_token" },
    }).catch((error) => {
      throw unreachable(provider.providerUrl, error);
    });
    result = await oauth.processIntrospectionResponse(as, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      throw new AwsOidcError(`The identity provider refused the introspection request: ${errorCode(error)}`, {
        hint: error.error === "invalid_client"
          ? "check client_id, and client_secret if the IdP requires one (some IdPs introspect only for confidential clients)"
          : "the IdP does not let this client introspect its tokens",
        cause: error,
      });
    }
    throw tokenEndpointError(error, { endpoint: "introspection endpoint", authMethod });
  }
  return { active: result.active, expiresAt: typeof result.exp === "number" ? result.exp : undefined };
}
