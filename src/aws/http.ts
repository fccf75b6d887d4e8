/**
 * The HTTP transport of the AWS SDK clients: `fetch`. In Deno, the SDK's
 * default (node:https) ignores `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`,
 * while Deno's fetch honours them, and trusts the same certificates
 * (`DENO_CERT`, the OS store: see src/tls.ts). So STS and IAM calls go out
 * the same way as the IdP's, through a corporate proxy too.
 *
 * @see https://docs.deno.com/runtime/reference/env_variables/#proxies
 */
import type { FetchHttpHandler } from "@smithy/fetch-http-handler";

/** A request handler for an SDK client's `requestHandler` option. */
export async function fetchHandler(): Promise<FetchHttpHandler> {
  const { FetchHttpHandler } = await import("@smithy/fetch-http-handler");
  return new FetchHttpHandler();
}
