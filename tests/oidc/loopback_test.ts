import assert from "node:assert/strict";
import { startLoopbackListener } from "../../src/oidc/loopback.ts";

const AUTHORIZE = new URL("https://idp.example/authorize?client_id=x");

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { redirect: "manual", headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

function listen(validate = (params: URLSearchParams) => params) {
  const listener = startLoopbackListener("http://127.0.0.1:{port}/auth/callback");
  const strays: string[] = [];
  const result = listener.waitForCallback({
    authorizationUrl: AUTHORIZE,
    state: "expected-state",
    timeoutSeconds: 5,
    validate,
    onStray: (reason) => strays.push(reason),
  });
  return { listener, result, strays, base: listener.startUrl.replace(/\/$/, "") };
}

Deno.test("binds 127.0.0.1 on a fresh port and redirects / to the IdP", async () => {
  const { listener, result, base } = listen();
  assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/);
  const start = await get(base + "/");
  assert.equal(start.status, 302);
  assert.equal(start.headers.get("location"), AUTHORIZE.href);
  await get(`${base}/auth/callback?code=c&state=expected-state`);
  await result;
});

Deno.test("wrong, missing or repeated state gets 400 and the wait goes on", async () => {
  const { result, strays, base } = listen();
  for (const query of ["code=c&state=wrong", "code=c", "code=c&state=expected-state&state=x", "error=access_denied"]) {
    const response = await get(`${base}/auth/callback?${query}`);
    assert.equal(response.status, 400, query);
    assert.doesNotMatch(response.body, /wrong|access_denied/, "input is never reflected");
  }
  assert.equal(strays.length, 4);
  const ok = await get(`${base}/auth/callback?code=the-code&state=expected-state`);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("referrer-policy"), "no-referrer");
  assert.match(ok.headers.get("content-security-policy")!, /default-src 'none'/);
  assert.equal((await result).get("code"), "the-code");
});

Deno.test("a foreign Host header is refused (DNS rebinding)", async () => {
  const { result, base, strays } = listen();
  const port = new URL(base).port;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  const request = `GET /auth/callback?code=c&state=expected-state HTTP/1.1\r\nHost: evil.example:${port}\r\n` +
    "Connection: close\r\n\r\n";
  await conn.write(new TextEncoder().encode(request));
  const reply = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
  assert.match(reply, /^HTTP\/1.1 403/);
  assert.equal(strays.length, 1);
  await get(`${base}/auth/callback?code=c&state=expected-state`);
  await result;
});

Deno.test("a validation failure with the right state ends the login with that error", async () => {
  const { result, base } = listen(() => {
    throw new Error("the IdP said no");
  });
  const response = await get(`${base}/auth/callback?error=access_denied&state=expected-state`);
  assert.equal(response.status, 400);
  await assert.rejects(result, /the IdP said no/);
});

Deno.test("the wait times out with advice", async () => {
  const listener = startLoopbackListener("http://127.0.0.1:{port}/auth/callback");
  const wait = listener.waitForCallback({
    authorizationUrl: AUTHORIZE,
    state: "s",
    timeoutSeconds: 0.2,
    validate: (p) => p,
  });
  await assert.rejects(wait, /No login arrived within 0.2 s/);
  await listener.close();
});

Deno.test("an oversized query string is refused without ending the wait", async () => {
  const { result, base } = listen();
  const response = await get(`${base}/auth/callback?state=expected-state&code=${"x".repeat(20000)}`);
  assert.ok(response.status >= 400);
  await get(`${base}/auth/callback?code=c&state=expected-state`);
  assert.equal((await result).get("code"), "c");
});
