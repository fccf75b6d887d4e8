/**
 * OpenID Connect discovery: the IdP's metadata, checked to be for the issuer we
 * asked about.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
import * as oauth from "oauth4webapi";
import { AwsOidcError } from "../errors.ts";
import { DEFAULT_HTTP_TIMEOUT } from "../config/defaults.ts";
import { isAllowedIssuerUrl } from "../config/oauth.ts";

export { DEFAULT_HTTP_TIMEOUT };

/** Network options shared by every request to the IdP. */
export interface HttpOptions {
  timeoutMs: number;
  [oauth.allowInsecureRequests]?: boolean;
  signal?: () => AbortSignal;
  [oauth.customFetch]: typeof fetch;
}

/** The largest response accepted from the IdP; real documents and token responses are a few kilobytes. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

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

/** Statuses a Response may not have a body with. @see https://fetch.spec.whatwg.org/#null-body-status */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` that reads the whole body before resolving (so the request's abort
 * signal bounds the body too) and refuses one over {@link MAX_RESPONSE_BYTES}.
 */
export async function limitedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await response.body?.cancel().catch(() => {});
      throw new AwsOidcError(
        `The identity provider at "${new URL(response.url || String(input)).origin}" sent a response over ${
          MAX_RESPONSE_BYTES / 1024 / 1024
        } MiB`,
        { hint: "check provider_url; a proxy or a misbehaving server may be in the way" },
      );
    }
    chunks.push(chunk);
  }
  const body = NULL_BODY_STATUSES.has(response.status) ? null : new Blob(chunks as BlobPart[]);
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Fetches and checks the discovery document of `issuer`. */
export async function discover(issuer: string, options: HttpOptions): Promise<oauth.AuthorizationServer> {
  const issuerUrl = new URL(issuer);
  let response: Response;
  try {
    response = await oauth.discoveryRequest(issuerUrl, { ...options, algorithm: "oidc" });
  } catch (error) {
    throw unreachable(issuer, error);
  }
  return await processDiscovery(issuer, response);
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

/** An IdP that cannot be reached: network error or timeout. */
export function unreachable(issuer: string, error: unknown): AwsOidcError {
  if (error instanceof AwsOidcError) return error;
  // Deno's fetch says "fetch failed"; what failed is at the end of its cause ("…: invalid peer certificate: …").
  const detail = ((error as Error)?.cause as Error | undefined)?.message?.split("): ").at(-1);
  const reason = error instanceof DOMException && error.name === "TimeoutError"
    ? "it did not answer in time"
    : `${(error as Error).message}${detail ? ` (${detail})` : ""}`;
  const hint = /certificate/i.test(reason)
    ? "its certificate is not trusted: behind a TLS-inspecting proxy, add the proxy's root CA to the OS " +
      "certificate store, or set DENO_CERT to a PEM file holding it"
    : "check provider_url, the network and any proxy settings (HTTPS_PROXY, NO_PROXY)";
  return new AwsOidcError(`Cannot reach the identity provider at "${issuer}": ${reason}`, { hint, cause: error });
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
