/**
 * Requests to the IdP without oauth4webapi: the size-limited fetch every one
 * of them goes through, and what an unreachable IdP reads as. No npm imports.
 */
import { AwsOidcError } from "../errors.ts";

/** The largest response accepted from the IdP; real documents and token responses are a few kilobytes. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

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
