/**
 * The device authorization grant, for machines that cannot open a browser (an
 * SSH session, a container): the IdP hands out a user code and a verification
 * URL, the person approves on any device (the QR code carries the URL to a
 * phone), and meanwhile the token endpoint is polled.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628 (OAuth 2.0 Device Authorization Grant)
 */
import * as oauth from "oauth4webapi";
import { AwsOidcError } from "../errors.ts";
import { type Log, printable } from "../log.ts";
import { isAllowedIssuerUrl } from "../config/oauth.ts";
import type { Provider } from "../config/provider.ts";
import { qrLines } from "./_qr.ts";
import { unreachable } from "./http.ts";
import { connect, type IdpConnection } from "./_connect.ts";
import { tokenEndpointError } from "./_endpoint_errors.ts";
import { requestedScopes } from "./_scopes.ts";
import { verifyIdTokenFrom } from "./_id_token.ts";
import { expiresAt, type Tokens } from "./tokens.ts";

/** Seconds between polls when the IdP names no `interval` (RFC 8628 §3.2). */
export const DEFAULT_INTERVAL = 5;
/** Seconds added to the interval on every `slow_down` (RFC 8628 §3.5). */
export const SLOW_DOWN_STEP = 5;
/** Network failures in a row, each doubling the interval, before the poll gives up. */
export const MAX_NETWORK_FAILURES = 3;

/** The outside world the device login touches. */
export interface DeviceDeps {
  log: Log;
  /** Waits `ms` milliseconds; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
}

/**
 * Runs the whole device login for a provider. `connection` saves a second
 * discovery when the caller has already connected (the automatic choice).
 */
export async function loginWithDevice(
  provider: Provider,
  deps: DeviceDeps,
  connection?: IdpConnection,
): Promise<Tokens> {
  const idp = connection ?? await connect(provider);
  requireDeviceEndpoint(provider, idp.as);
  const authorization = await requestDeviceAuthorization(provider, idp);
  deps.log.secret(authorization.device_code);
  deps.log.notice(verificationNotice(provider, authorization));
  const result = await pollForTokens(provider, idp, authorization, deps);
  if (!result.id_token) {
    throw new AwsOidcError("The identity provider's device flow answered without an ID token", {
      hint: 'request the "openid" scope for this client at the IdP; nothing was sent to AWS',
    });
  }
  const claims = await verifyIdTokenFrom(idp, result.id_token, {
    clientId: provider.clientId,
    // No authorization request carries a nonce in this grant.
    nonce: oauth.expectNoNonce,
  });
  return {
    idToken: result.id_token,
    claims,
    accessToken: result.access_token,
    accessTokenExpiresAt: expiresAt(result.expires_in),
    refreshToken: result.refresh_token,
  };
}

/** Refuses an IdP that does not publish the device authorization endpoint. */
export function requireDeviceEndpoint(provider: Provider, as: oauth.AuthorizationServer): void {
  if (typeof as.device_authorization_endpoint === "string") return;
  throw new AwsOidcError(
    `The identity provider "${provider.providerUrl}" publishes no device_authorization_endpoint`,
    { hint: 'it does not offer the device flow (RFC 8628); use flow = "browser" with an agent that can reach you' },
  );
}

async function requestDeviceAuthorization(
  provider: Provider,
  { as, client, clientAuth, http }: IdpConnection,
): Promise<oauth.DeviceAuthorizationResponse> {
  // Reserved keys were refused when the config was resolved; scope is ours to set.
  const parameters = new URLSearchParams(provider.authParams);
  parameters.set("scope", requestedScopes(provider, as).join(" "));
  const response = await oauth.deviceAuthorizationRequest(as, client, clientAuth, parameters, http).catch((error) => {
    throw unreachable(provider.providerUrl, error);
  });
  try {
    return await oauth.processDeviceAuthorizationResponse(as, client, response);
  } catch (error) {
    throw deviceEndpointError(provider, error);
  }
}

/** Turns device authorization endpoint failures into what to fix. */
function deviceEndpointError(provider: Provider, error: unknown): AwsOidcError {
  if (error instanceof oauth.ResponseBodyError) {
    const description = error.error_description ?? "";
    // RFC 8628 says unauthorized_client; some IdPs (oidc-provider) answer invalid_request naming the grant.
    if (
      error.error === "unauthorized_client" ||
      (/device_code/.test(description) && /not (allowed|authori[sz]ed|permitted)|unauthori[sz]ed/i.test(description))
    ) {
      return new AwsOidcError(
        `The identity provider does not allow the device flow for client "${provider.clientId}"`,
        {
          hint: 'allow the grant "urn:ietf:params:oauth:grant-type:device_code" for this client at the IdP, ' +
            'or use flow = "browser"',
          cause: error,
        },
      );
    }
    const detail = description ? `: ${printable(description)}` : "";
    return new AwsOidcError(
      `The identity provider's device authorization endpoint refused: ${printable(error.error)}${detail}`,
      {
        hint: error.error === "invalid_scope"
          ? "check scopes against what the IdP allows this client"
          : "check client_id, client_secret and the client's registration at the IdP",
        cause: error,
      },
    );
  }
  return new AwsOidcError(`The identity provider's device authorization response is invalid: ${describe(error)}`, {
    hint: "check provider_url; nothing was sent to AWS",
    cause: error,
  });
}

/** What the person reads: where to go, the code to enter there, and the same URL as a QR code. */
export function verificationNotice(provider: Provider, authorization: oauth.DeviceAuthorizationResponse): string {
  const uri = verificationUrl(provider, authorization.verification_uri);
  const complete = authorization.verification_uri_complete === undefined
    ? undefined
    : verificationUrl(provider, authorization.verification_uri_complete);
  const code = printable(authorization.user_code);
  const lines = complete
    ? [
      `To log in to "${provider.name}", open this URL on any device: ${complete}`,
      `(or go to ${uri} and enter the code ${code})`,
    ]
    : [`To log in to "${provider.name}", go to ${uri} on any device and enter the code ${code}`];
  return [
    ...lines,
    "",
    ...qrLines(complete ?? uri),
    "",
    `Waiting for you to approve the login at ${uri}…`,
  ].join("\n");
}

/** An IdP-supplied URL fit to show: http(s) only, plain http only on loopback, as the issuer. */
function verificationUrl(provider: Provider, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidVerificationUri(provider, `"${printable(value)}" is not a URL`);
  }
  if (!isAllowedIssuerUrl(url)) {
    throw invalidVerificationUri(provider, `"${url.href}" is neither https nor http on a loopback address`);
  }
  // The serialised form percent-encodes anything that could steer a terminal.
  return url.href;
}

function invalidVerificationUri(provider: Provider, reason: string): AwsOidcError {
  return new AwsOidcError(`The identity provider's device verification URL is refused: ${reason}`, {
    hint: `check provider_url "${provider.providerUrl}"; nothing was sent to AWS`,
  });
}

/**
 * Polls the token endpoint until the person approves or denies, the code
 * expires, or `timeout` passes, whichever is first (RFC 8628 §3.4, §3.5).
 */
async function pollForTokens(
  provider: Provider,
  { as, client, clientAuth, http }: IdpConnection,
  authorization: oauth.DeviceAuthorizationResponse,
  deps: DeviceDeps,
): Promise<oauth.TokenEndpointResponse> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;
  const codeExpires = authorization.expires_in <= provider.timeout;
  const deadline = now() + Math.min(authorization.expires_in, provider.timeout) * 1000;
  let interval = authorization.interval ?? DEFAULT_INTERVAL;
  let networkFailures = 0;
  while (true) {
    const remaining = deadline - now();
    if (remaining <= 0) throw waitedTooLong(provider, codeExpires);
    await sleep(Math.min(interval * 1000, remaining));
    let response: Response;
    try {
      response = await oauth.deviceCodeGrantRequest(as, client, clientAuth, authorization.device_code, http);
    } catch (error) {
      // RFC 8628 §3.5: back off on connection failures rather than give up at once.
      if (++networkFailures >= MAX_NETWORK_FAILURES) throw unreachable(provider.providerUrl, error);
      interval *= 2;
      deps.log.debug(`token endpoint unreachable (${describe(error)}); polling every ${interval} s`);
      continue;
    }
    networkFailures = 0;
    try {
      return await oauth.processDeviceCodeResponse(as, client, response);
    } catch (error) {
      if (!(error instanceof oauth.ResponseBodyError)) throw tokenEndpointError(error);
      switch (error.error) {
        case "authorization_pending":
          continue;
        case "slow_down":
          interval += SLOW_DOWN_STEP;
          deps.log.debug(`the identity provider asked to slow down; polling every ${interval} s`);
          continue;
        case "access_denied":
          throw new AwsOidcError(`The login to "${provider.name}" was denied at the identity provider`, {
            hint: "the request was declined on the verification page, or your account may not use this client",
            cause: error,
          });
        case "expired_token":
          throw waitedTooLong(provider, true, error);
        default:
          throw tokenEndpointError(error);
      }
    }
  }
}

function waitedTooLong(provider: Provider, codeExpired: boolean, cause?: unknown): AwsOidcError {
  return codeExpired
    ? new AwsOidcError("The device code expired before the login was approved", {
      hint: "run the command again for a new code",
      cause,
    })
    : new AwsOidcError(`The login was not approved within ${provider.timeout} seconds`, {
      hint: "run the command again, or raise timeout",
    });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
