/** limitedFetch against a local server: the body limit, and statuses that carry no body. */
import assert from "node:assert/strict";
import { limitedFetch, MAX_RESPONSE_BYTES } from "../../src/oidc/http.ts";
import { AwsOidcError } from "../../src/errors.ts";

async function withServer(handler: (request: Request) => Response, run: (url: string) => Promise<void>) {
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  await run(`http://127.0.0.1:${server.addr.port}/`);
}

Deno.test("limitedFetch: null-body statuses (204, 205, 304) come back as they are", async () => {
  for (const status of [204, 205, 304]) {
    await withServer(() => new Response(null, { status }), async (url) => {
      const response = await limitedFetch(url);
      assert.equal(response.status, status);
      assert.equal(response.body, null);
    });
  }
});

Deno.test("limitedFetch: a body over the limit is refused", async () => {
  await withServer(() => new Response("x".repeat(MAX_RESPONSE_BYTES + 1)), async (url) => {
    await assert.rejects(
      () => limitedFetch(url),
      (error) => error instanceof AwsOidcError && /over 1 MiB/.test(error.message),
    );
  });
});
