/**
 * Machine to machine: the client credentials grant. No person, no browser, no
 * terminal: the client authenticates with `private_key_jwt` (or a secret) and
 * receives an access token, which must be a JWT because it is what goes to
 * STS. It is verified here like an ID token (signature against the IdP's
 * JWKS, `iss`, `exp`), except that its audience is the resource's, which STS
 * checks against the IAM OIDC provider's client ids.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4 (client credentials grant)
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2 (private_key_jwt)
 * @see https://www.rfc-editor.org/rfc/rfc9068 (JWT access tokens)
 */
import * as oauth from "oauth4webapi";
import { type JWTPayload, jwtVerify } from "jose";
import { AwsOidcError, ConfigError } from "../errors.ts";
import { type Log, printable } from "../log.ts";
import type { Provider } from "../config/provider.ts";
import { unreachable } from "./http.ts";
import { connect } from "./_connect.ts";
import { hasClientKey, PRIVATE_KEY_ENV } from "./_client_key.ts";
import { tokenEndpointError } from "./_endpoint_errors.ts";
import { ALLOWED_ALGORITHMS, CLOCK_LEEWAY, type IdTokenClaims } from "./tokens.ts";
import { remoteKeySet, type TokenKind, verifyError } from "./_jwt.ts";
import type { Tokens } from "./tokens.ts";

/** OpenID Connect scopes: about a person, so meaningless (and often refused) without one. */
const OIDC_SCOPES = new Set(["openid", "profile", "email", "address", "phone", "offline_access"]);

/**
 * Obtains an access token with the client credentials grant and verifies it.
 * The result has no ID token: `claims` are the access token's.
 */
export async function loginWithClientCredentials(provider: Provider, deps: { log: Log }): Promise<Tokens> {
  if (!hasClientKey(provider) && !provider.clientSecret) {
    throw new ConfigError(`Provider "${provider.name}" uses flow "client_credentials" but has no client credentials`, {
      hint: `set private_key_file (or ${PRIVATE_KEY_ENV}) and key_id for private_key_jwt, or client_secret`,
    });
  }
  const { as, client, clientAuth, http } = await connect(provider);
  const grants = as.grant_types_supported;
  if (Array.isArray(grants) && !grants.includes("client_credentials")) {
    throw new AwsOidcError(
      `The identity provider does not offer the client credentials grant (it lists ${grants.join(", ")})`,
      { hint: 'enable the client_credentials grant at the IdP, or use flow = "device" or "browser"' },
    );
  }
  const parameters = clientCredentialsParameters(provider);
  deps.log.debug(`client credentials grant at ${as.token_endpoint} (${parameters.toString() || "no parameters"})`);
  let result: oauth.TokenEndpointResponse;
  try {
    const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, parameters, http)
      .catch((error) => {
        throw unreachable(provider.providerUrl, error);
      });
    result = await oauth.processClientCredentialsResponse(as, client, response);
  } catch (error) {
    throw clientCredentialsError(error, provider);
  }
  const claims = await verifyAccessToken(result.access_token, {
    issuer: as.issuer,
    jwksUri: as.jwks_uri!,
    timeoutMs: http.timeoutMs,
  });
  return {
    claims,
    accessToken: result.access_token,
    accessTokenExpiresAt: claims.exp,
    refreshToken: result.refresh_token,
  };
}

/**
 * The token request's parameters: the configured scopes without the OpenID
 * Connect ones (none left: no `scope`, the IdP's default), then `auth_params`
 * (e.g. `audience` for Auth0, `resource` for RFC 8707).
 */
export function clientCredentialsParameters(provider: Pick<Provider, "scopes" | "authParams">): URLSearchParams {
  const parameters = new URLSearchParams();
  const scopes = provider.scopes.filter((scope) => !OIDC_SCOPES.has(scope));
  if (scopes.length) parameters.set("scope", scopes.join(" "));
  for (const [key, value] of Object.entries(provider.authParams)) parameters.set(key, value);
  return parameters;
}

/** What an access token for STS must match. */
export interface AccessTokenExpectations {
  issuer: string;
  jwksUri: string;
  /** Network timeout for the JWKS fetch. */
  timeoutMs?: number;
}

/**
 * Verifies a JWT access token: signature (asymmetric algorithms only) against
 * the IdP's JWKS, `iss`, `exp`, and the presence of `sub` and `aud`. The
 * audience is not compared: STS does that against the IAM OIDC provider.
 *
 * @throws {AwsOidcError} when the token is opaque or does not verify.
 */
export async function verifyAccessToken(token: string, expected: AccessTokenExpectations): Promise<IdTokenClaims> {
  if (token.split(".").length !== 3) throw opaqueAccessToken();
  const jwks = remoteKeySet(expected.jwksUri, expected.timeoutMs);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, jwks, {
      issuer: expected.issuer,
      algorithms: ALLOWED_ALGORITHMS,
      clockTolerance: CLOCK_LEEWAY,
      requiredClaims: ["iss", "sub", "aud", "exp"],
    }));
  } catch (error) {
    throw verifyError(ACCESS_TOKEN, error);
  }
  return payload as IdTokenClaims;
}

/** How a refused access token reads. */
const ACCESS_TOKEN: TokenKind = {
  name: "access token",
  refusal: AwsOidcError,
  expiredHint: "check this machine's clock, then try again",
  claimHints: {
    iss: "provider_url must be exactly the IdP's issuer",
    nbf: "check this machine's clock",
  },
  noMatchingKeyHint:
    "the resource's tokens may be signed with keys the issuer does not publish; STS would refuse them too",
  malformed: opaqueAccessToken,
};

/** STS only takes JWTs; an opaque access token can only be fixed at the IdP. */
export function opaqueAccessToken(): AwsOidcError {
  return new AwsOidcError("The identity provider issued an opaque access token; STS needs a JWT", {
    hint: "configure the IdP (or the resource/audience requested) to issue JWT access tokens, " +
      'or use token = "id_token" with a browser or device login',
  });
}

/** Token endpoint refusals, explained for this grant. */
function clientCredentialsError(error: unknown, provider: Provider): AwsOidcError {
  if (!(error instanceof oauth.ResponseBodyError)) return tokenEndpointError(error);
  const detail = `${printable(error.error)}${error.error_description ? `: ${printable(error.error_description)}` : ""}`;
  const grantRefused = error.error === "unauthorized_client" || error.error === "unsupported_grant_type" ||
    (error.error === "invalid_request" && /grant/i.test(error.error_description ?? ""));
  if (grantRefused) {
    return new AwsOidcError(
      `The identity provider does not allow the client credentials grant for client "${provider.clientId}" (${detail})`,
      {
        hint: "register the client at the IdP for the client_credentials grant, as a confidential client " +
          "authenticated with private_key_jwt or a client secret",
        cause: error,
      },
    );
  }
  if (error.error === "invalid_client") {
    return new AwsOidcError(
      `The identity provider refused the authentication of client "${provider.clientId}" (${detail})`,
      {
        hint: hasClientKey(provider)
          ? "check client_id and key_id, and that the IdP holds the public half of this private key"
          : "check client_id and client_secret",
        cause: error,
      },
    );
  }
  if (error.error === "invalid_scope") {
    return new AwsOidcError(`The identity provider refused the requested scopes (${detail})`, {
      hint: "check scopes: with client credentials only the client's own API scopes apply",
      cause: error,
    });
  }
  return tokenEndpointError(error);
}
