/**
 * OpenID Connect discovery: the IdP's metadata, checked to be for the issuer we
 * asked about.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
import * as oauth from "oauth4webapi";
import { AwsOidcError } from "../errors.ts";
import { limitedFetch, unreachable } from "./http.ts";
import { DEFAULT_HTTP_TIMEOUT } from "../config/defaults.ts";
import { isAllowedIssuerUrl } from "../config/oauth.ts";

/** Network options shared by every request to the IdP. */
export interface HttpOptions {
  timeoutMs: number;
  [oauth.allowInsecureRequests]?: boolean;
  signal?: () => AbortSignal;
  [oauth.customFetch]: typeof fetch;
}

/**
 * Request options for oauth4webapi: a timeout that covers the whole response,
 * a size limit, and http only for loopback issuers.
 */
export function httpOptions(issuer: string, timeoutMs = DEFAULT_HTTP_TIMEOUT * 1000): HttpOptions {
  const url = new URL(issuer);
  return {
    timeoutMs,
    signal: () => AbortSignal.timeout(timeoutMs),
    [oauth.customFetch]: limitedFetch,
    ...(url.protocol === "http:" && isAllowedIssuerUrl(url) ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/** Fetches and checks the discovery document of `issuer`. */
export async function discover(issuer: string, options: HttpOptions): Promise<oauth.AuthorizationServer> {
  let response: Response;
  try {
    response = await requestDiscovery(issuer, options);
  } catch (error) {
    throw unreachable(issuer, error);
  }
  return await processDiscovery(issuer, response);
}

/** The discovery request itself, its response unread (`doctor` reads its Date header); rejects as fetch does. */
export async function requestDiscovery(issuer: string, options: HttpOptions): Promise<Response> {
  return await oauth.discoveryRequest(new URL(issuer), { ...options, algorithm: "oidc" });
}

/** Checks a discovery response: the issuer it names must be `issuer`, and the endpoints we use must be there. */
export async function processDiscovery(issuer: string, response: Response): Promise<oauth.AuthorizationServer> {
  const issuerUrl = new URL(issuer);
  let metadata: oauth.AuthorizationServer;
  try {
    metadata = await oauth.processDiscoveryResponse(issuerUrl, response);
  } catch (error) {
    throw describeDiscoveryError(issuer, error);
  }
  for (const field of ["authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
    if (typeof metadata[field] !== "string") {
      throw new AwsOidcError(`The identity provider "${issuer}" publishes no ${field}`, {
        hint: "check provider_url; it must be an OpenID Connect issuer",
      });
    }
  }
  return metadata;
}

function describeDiscoveryError(issuer: string, error: unknown): AwsOidcError {
  if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
    const actual = (error.cause as { body?: { issuer?: string } })?.body?.issuer;
    return new AwsOidcError(
      `The identity provider's discovery document names issuer "${actual}", not "${issuer}"`,
      { hint: `set provider_url to exactly "${actual}" if that is the right IdP`, cause: error },
    );
  }
  if (error instanceof oauth.OperationProcessingError && error.code === oauth.RESPONSE_IS_NOT_CONFORM) {
    const status = (error.cause as Response | undefined)?.status;
    return new AwsOidcError(
      `No OpenID Connect discovery document at "${issuer}/.well-known/openid-configuration" (HTTP ${status})`,
      { hint: "check provider_url: it must be the issuer URL", cause: error },
    );
  }
  return new AwsOidcError(`The identity provider's discovery document is invalid: ${(error as Error).message}`, {
    hint: "check provider_url",
    cause: error,
  });
}
