import assert from "node:assert/strict";
import { callbackHosts, startLoopbackListener } from "../../src/oidc/_loopback.ts";
import type { AwsOidcError } from "../../src/errors.ts";

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
  return { listener, result, strays, base: new URL(listener.startUrl).origin };
}

Deno.test("binds 127.0.0.1 on a fresh port and redirects its random start path, once, to the IdP", async () => {
  const { listener, result, base, strays } = listen();
  assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/);
  assert.match(listener.startUrl, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{24}$/, "144 random bits in the path");
  assert.equal((await get(base + "/")).status, 404, "/ says nothing");
  const start = await get(listener.startUrl);
  assert.equal(start.status, 302);
  assert.equal(start.headers.get("location"), AUTHORIZE.href);
  const second = await get(listener.startUrl);
  assert.equal(second.status, 410, "a second requester learns nothing");
  assert.equal(second.headers.get("location"), null);
  assert.doesNotMatch(second.body, /idp\.example|state|client_id/);
  assert.match(strays.join(), /second request for the login's start URL/);
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
  await assert.rejects(wait, (error: AwsOidcError) => {
    assert.match(error.message, /No login arrived within 0.2 s/);
    assert.match(
      error.hint!,
      /if the IdP compares redirect URIs with the port \(against RFC 8252 §7\.3\), register one/,
    );
    return true;
  });
  await listener.close();
});

Deno.test("with a fixed port, the timeout's advice does not suggest fixing one", async () => {
  const port = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port: free } = port.addr as Deno.NetAddr;
  port.close();
  const listener = startLoopbackListener(`http://127.0.0.1:${free}/auth/callback`);
  const wait = listener.waitForCallback({
    authorizationUrl: AUTHORIZE,
    state: "s",
    timeoutSeconds: 0.2,
    validate: (p) => p,
  });
  await assert.rejects(wait, (error: AwsOidcError) => !/compares redirect URIs with the port/.test(error.hint!));
  await listener.close();
});

Deno.test("an oversized query string is refused without ending the wait", async () => {
  const { result, base } = listen();
  const response = await get(`${base}/auth/callback?state=expected-state&code=${"x".repeat(20000)}`);
  assert.ok(response.status >= 400);
  await get(`${base}/auth/callback?code=c&state=expected-state`);
  assert.equal((await result).get("code"), "c");
});

/** Sends a raw HTTP/1.1 request, so the Host header is ours to choose. */
async function rawGet(port: number, target: string, host: string, address = "127.0.0.1"): Promise<string> {
  const conn = await Deno.connect({ hostname: address, port });
  await conn.write(new TextEncoder().encode(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
  return new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
}

Deno.test("DNS rebinding: every Host that is not this listener's address and port is refused", async () => {
  const { result, base, strays } = listen();
  const port = Number(new URL(base).port);
  const target = "/auth/callback?code=c&state=expected-state";
  const hosts = [
    `localhost:${port}`,
    `127.0.0.1:${port + 1}`,
    "127.0.0.1",
    `evil.example`,
    `127.0.0.1.evil.example:${port}`,
  ];
  for (const host of hosts) {
    assert.match(await rawGet(port, target, host), /^HTTP\/1.1 403/, host);
  }
  assert.equal(strays.length, hosts.length);
  assert.match(
    await rawGet(port, "/auth/callback?code=right&state=expected-state", `127.0.0.1:${port}`),
    /^HTTP\/1.1 200/,
  );
  assert.equal((await result).get("code"), "right");
});

Deno.test("a request before the browser was opened: 503 before the wait starts, ignored after", async () => {
  const listener = startLoopbackListener("http://127.0.0.1:{port}/auth/callback");
  const base = new URL(listener.startUrl).origin;
  const early = await get(`${base}/auth/callback?code=early&state=expected-state`);
  assert.equal(early.status, 503, "nothing is accepted before the login has a state");
  const strays: string[] = [];
  const result = listener.waitForCallback({
    authorizationUrl: AUTHORIZE,
    state: "expected-state",
    timeoutSeconds: 5,
    validate: (params) => params,
    onStray: (reason) => strays.push(reason),
  });
  // A local process racing the browser cannot guess the state.
  assert.equal((await get(`${base}/auth/callback?code=racer&state=guess`)).status, 400);
  assert.equal((await get(`${base}/auth/callback?code=late&state=expected-state`)).status, 200);
  assert.equal((await result).get("code"), "late");
  assert.equal(strays.length, 1);
});

Deno.test("error=access_denied with a wrong state is ignored: a web page cannot abort the login", async () => {
  let validated = 0;
  const { result, base, strays } = listen((params) => {
    validated++;
    return params;
  });
  for (const state of ["wrong", "", "expected-state-x"]) {
    const response = await get(`${base}/auth/callback?error=access_denied&state=${state}`);
    assert.equal(response.status, 400);
  }
  assert.equal(validated, 0, "never passed on to validation");
  assert.equal(strays.length, 3);
  await get(`${base}/auth/callback?code=c&state=expected-state`);
  assert.equal((await result).get("code"), "c");
});

Deno.test("repeated callbacks: the first one with the state wins, the others change nothing", async () => {
  const { result, base } = listen();
  const codes = Array.from({ length: 10 }, (_, i) => `code-${i}`);
  const answers = await Promise.allSettled(
    codes.map((code) => get(`${base}/auth/callback?code=${code}&state=expected-state`)),
  );
  const statuses = answers.map((answer) => answer.status === "fulfilled" ? answer.value.status : "closed");
  assert.equal(statuses.filter((status) => status === 200).length, 1, String(statuses));
  assert.ok(statuses.every((status) => status === 200 || status === 400 || status === "closed"), String(statuses));
  const winner = codes[statuses.indexOf(200)];
  assert.equal((await result).get("code"), winner);
});

Deno.test("nothing from the request is reflected into any page", async () => {
  const payload = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
  const q = encodeURIComponent(payload);
  const { base, result } = listen(() => {
    throw new Error(payload);
  });
  const port = Number(new URL(base).port);
  const bodies = [
    (await get(`${base}/auth/callback?code=${q}&state=${q}`)).body,
    (await get(`${base}/${q}?x=${q}`)).body,
    (await get(`${base}/auth/callback?state=${q}&error=${q}&error_description=${q}`)).body,
    await rawGet(port, `/auth/callback?state=${q}`, `${q}:${port}`),
    (await get(`${base}/auth/callback?code=c&state=expected-state&error_description=${q}`)).body,
  ];
  await assert.rejects(result);
  for (const body of bodies) {
    assert.match(body, /aws-oidc/);
    assert.doesNotMatch(body, /<script|onerror|alert\(/);
  }
});

Deno.test("other methods than GET get 405 and the wait goes on", async () => {
  const { base, result } = listen();
  for (const method of ["POST", "PUT", "DELETE"]) {
    const response = await fetch(`${base}/auth/callback?code=c&state=expected-state`, { method, body: "x" });
    await response.body?.cancel();
    assert.equal(response.status, 405, method);
  }
  await get(`${base}/auth/callback?code=c&state=expected-state`);
  assert.equal((await result).get("code"), "c");
});

Deno.test("callbackHosts: on port 80 the Host without a port is this listener too (browsers leave :80 out)", () => {
  const fixed = callbackHosts(new URL("http://127.0.0.1/auth/callback"), 80);
  assert.deepEqual([...fixed].sort(), ["127.0.0.1", "127.0.0.1:80"]);
  assert.equal(new URL("http://127.0.0.1:80/auth/callback").host, "127.0.0.1", "what a browser sends as Host");
  const named = callbackHosts(new URL("http://localhost:80/cb"), 80);
  assert.deepEqual([...named].sort(), ["127.0.0.1", "127.0.0.1:80", "localhost", "localhost:80"]);
  assert.deepEqual([...callbackHosts(new URL("http://127.0.0.1:8080/cb"), 8080)], ["127.0.0.1:8080"]);
});

Deno.test("with localhost the listener holds its port on ::1 too, so no other program can answer the browser there", async () => {
  await using listener = startLoopbackListener("http://localhost:{port}/auth/callback");
  const result = listener.waitForCallback({
    authorizationUrl: AUTHORIZE,
    state: "expected-state",
    timeoutSeconds: 5,
    validate: (params) => params,
  });
  const port = Number(new URL(listener.redirectUri).port);
  assert.throws(() => Deno.listen({ hostname: "::1", port }), Deno.errors.AddrInUse);
  assert.throws(() => Deno.listen({ hostname: "127.0.0.1", port }), Deno.errors.AddrInUse);
  // What a browser sends when localhost resolved to ::1.
  const viaV6 = await rawGet(port, "/auth/callback?code=v6&state=expected-state", `localhost:${port}`, "::1");
  assert.match(viaV6, /^HTTP\/1.1 200/);
  assert.equal((await result).get("code"), "v6");
});

Deno.test("with localhost and a fixed port already held on ::1, the login refuses clearly", () => {
  using squatter = Deno.listen({ hostname: "::1", port: 0 });
  const port = (squatter.addr as Deno.NetAddr).port;
  assert.throws(
    () => startLoopbackListener(`http://localhost:${port}/auth/callback`),
    (error: Error) => /Cannot listen on \[::1\]:\d+ .*another program holds it/.test(error.message),
  );
});
