/**
 * The browser login: authorization code flow with PKCE (S256), state and nonce
 * on a loopback redirect, then the code redeemed and the ID token validated.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252 (OAuth for native apps)
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE)
 * @see https://www.rfc-editor.org/rfc/rfc9207 (authorization response iss)
 */
import * as oauth from "oauth4webapi";
import { AwsOidcError } from "../errors.ts";
import { type Log, printable } from "../log.ts";
import type { ClientAuthMethod, Provider } from "../config/provider.ts";
import type { HttpOptions } from "./discovery.ts";
import { unreachable } from "./http.ts";
import { connect } from "./_connect.ts";
import { startLoopbackListener } from "./_loopback.ts";
import { verifyIdTokenFrom } from "./_id_token.ts";
import { expiresAt, type Tokens } from "./tokens.ts";
import { tokenEndpointError } from "./_endpoint_errors.ts";
import { requestedScopes } from "./_scopes.ts";

/** The outside world the browser login touches. */
export interface BrowserLoginDeps {
  log: Log;
  /** Opens the URL in a browser; throws when the browser cannot start. */
  openBrowser: (url: string) => void;
}

/**
 * PKCE as the login uses it: S256 with a fresh verifier, or none at all with
 * the provider's `disable_pkce` (a documented risk, for IdPs that refuse the
 * parameters). Never `plain`.
 */
export type Pkce = { method: "S256"; verifier: string } | { method: "disabled" };

/**
 * The nonce sent, or oauth4webapi's `expectNoNonce` with the provider's
 * `disable_nonce` (a documented risk): then none is sent, and a token carrying
 * one is refused.
 */
export type Nonce = string | typeof oauth.expectNoNonce;

/** Runs the whole browser login for a provider. */
export async function loginWithBrowser(provider: Provider, deps: BrowserLoginDeps): Promise<Tokens> {
  const { as, client, clientAuth, authMethod, http } = await connect(provider);

  const pkce: Pkce = provider.disablePkce
    ? { method: "disabled" }
    : { method: "S256", verifier: oauth.generateRandomCodeVerifier() };
  const state = oauth.generateRandomState();
  const nonce: Nonce = provider.disableNonce ? oauth.expectNoNonce : oauth.generateRandomNonce();

  let params: URLSearchParams;
  let redirectUri: string;
  {
    await using listener = startLoopbackListener(provider.redirectUri);
    redirectUri = listener.redirectUri;
    const authorizationUrl = await buildAuthorizationUrl(provider, as, {
      redirectUri: listener.redirectUri,
      state,
      nonce,
      pkce,
    });
    deps.log.debug(`authorization endpoint ${as.authorization_endpoint}, redirect ${listener.redirectUri}`);
    const callback = listener.waitForCallback({
      authorizationUrl,
      state,
      timeoutSeconds: provider.timeout,
      validate: (received) => validateCallback(as, client, received, state),
      onStray: (reason) => deps.log.warn(`Ignored ${reason} on the login listener`),
    });
    deps.log.notice(
      `Log in to "${provider.name}" in your browser. If it does not open, visit: ${listener.startUrl}`,
    );
    try {
      deps.openBrowser(listener.startUrl);
    } catch (error) {
      const hint = error instanceof AwsOidcError && error.hint ? ` (${error.hint})` : "";
      deps.log.notice(`${(error as Error).message}${hint}; open the URL above by hand`);
    }
    params = await callback;
  }
  return await redeemCode(provider, as, client, clientAuth, {
    params,
    redirectUri,
    pkce,
    nonce,
    http,
    authMethod,
  });
}

/**
 * The authorization request: the provider's `auth_params`, then ours (client,
 * redirect, scopes, state, and the nonce and S256 challenge unless opted out).
 */
export async function buildAuthorizationUrl(
  provider: Provider,
  as: oauth.AuthorizationServer,
  request: { redirectUri: string; state: string; nonce: Nonce; pkce: Pkce },
): Promise<URL> {
  const url = new URL(as.authorization_endpoint!);
  // Reserved keys were refused when the config was resolved.
  for (const [key, value] of Object.entries(provider.authParams)) url.searchParams.set(key, value);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", provider.clientId);
  url.searchParams.set("redirect_uri", request.redirectUri);
  url.searchParams.set("scope", requestedScopes(provider, as).join(" "));
  url.searchParams.set("state", request.state);
  if (request.nonce !== oauth.expectNoNonce) url.searchParams.set("nonce", request.nonce);
  if (request.pkce.method === "S256") {
    const methods = as.code_challenge_methods_supported;
    if (methods && !methods.includes("S256")) {
      throw new AwsOidcError(`The identity provider does not support PKCE with S256 (only ${methods.join(", ")})`, {
        hint: "aws-oidc never falls back to plain; set disable_pkce = true only if you accept the risk",
      });
    }
    url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(request.pkce.verifier));
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url;
}

/**
 * Checks state (again) and, when advertised, the RFC 9207 `iss`; surfaces
 * `error=` responses; requires exactly one `code`. Throws only {@link AwsOidcError}.
 */
export function validateCallback(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  params: URLSearchParams,
  state: string,
): URLSearchParams {
  let valid: URLSearchParams;
  try {
    valid = oauth.validateAuthResponse(as, client, params, state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      const description = error.error_description ? `: ${printable(error.error_description)}` : "";
      throw new AwsOidcError(`The identity provider refused the login (${printable(error.error)})${description}`, {
        hint: error.error === "access_denied"
          ? "the login was cancelled or your account may not use this client"
          : "check client_id, redirect_uri and scopes at the IdP",
        cause: error,
      });
    }
    if (
      error instanceof oauth.OperationProcessingError && error.code === oauth.INVALID_RESPONSE &&
      issuerRefused(as, params)
    ) {
      throw new AwsOidcError("The login response names a different issuer (RFC 9207 iss check failed)", {
        hint: "another identity provider answered this login (mix-up attack?); nothing was sent to AWS",
        cause: error,
      });
    }
    throw new AwsOidcError(`The login response is invalid: ${printable((error as Error).message)}`, {
      hint: "start the login again; if it persists, check the IdP",
      cause: error,
    });
  }
  if (valid.getAll("code").length !== 1 || !valid.get("code")) {
    throw new AwsOidcError("The login response carries no authorization code", {
      hint: "start the login again; if it persists, check that the IdP's client uses the authorization code flow",
    });
  }
  return valid;
}

/**
 * Whether RFC 9207's `iss` is what validateAuthResponse refused. oauth4webapi
 * reports it as INVALID_RESPONSE, as it does a wrong `state`, without naming the
 * parameter; so its check is read again on the parameters it saw: `iss` sent
 * twice, absent (or empty) where the IdP advertises it, or not the issuer.
 */
function issuerRefused(as: oauth.AuthorizationServer, params: URLSearchParams): boolean {
  const iss = params.getAll("iss");
  if (iss.length > 1) return true;
  if (!iss[0]) return as.authorization_response_iss_parameter_supported === true;
  return iss[0] !== as.issuer;
}

async function redeemCode(
  provider: Provider,
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  clientAuth: oauth.ClientAuth,
  code: {
    params: URLSearchParams;
    redirectUri: string;
    pkce: Pkce;
    nonce: Nonce;
    http: HttpOptions;
    authMethod: ClientAuthMethod;
  },
): Promise<Tokens> {
  let result: oauth.TokenEndpointResponse;
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      code.params,
      code.redirectUri,
      code.pkce.method === "S256" ? code.pkce.verifier : oauth.nopkce,
      code.http,
    ).catch((error) => {
      throw unreachable(provider.providerUrl, error);
    });
    result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: code.nonce,
      requireIdToken: true,
    });
  } catch (error) {
    throw tokenEndpointError(error, { authMethod: code.authMethod });
  }
  const claims = await verifyIdTokenFrom({ as, http: code.http }, result.id_token!, {
    clientId: provider.clientId,
    nonce: code.nonce,
  });
  return {
    idToken: result.id_token!,
    claims,
    accessToken: result.access_token,
    accessTokenExpiresAt: expiresAt(result.expires_in),
    refreshToken: result.refresh_token,
  };
}
