/**
 * Real networks: an HTTPS identity provider whose certificate comes from a
 * private CA (as behind a TLS-inspecting proxy), trusted through `DENO_CERT`
 * or the operating system's store; and every request (IdP and STS alike)
 * through `HTTP_PROXY` unless `NO_PROXY` says otherwise.
 *
 * tests/fixtures/tls: a test CA (its key was thrown away) and a certificate
 * for 127.0.0.1 it signed, valid 2000–2100, made with `openssl ca`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startIdp, type TestIdp } from "../fixtures/idp.ts";
import { startSts, type StsStandIn } from "../fixtures/sts.ts";
import { cleanEnv, makeHome, runCli } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";

const TLS = new URL("../fixtures/tls/", import.meta.url).pathname;
const CA = join(TLS, "ca.pem");
const ROLE = "arn:aws:iam::123456789012:role/ci-deploy";

/** An HTTPS server on 127.0.0.1 that counts the requests it got (a request means the TLS handshake passed). */
function httpsIdp(): { url: string; requests: () => number } & AsyncDisposable {
  let requests = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(join(TLS, "server.pem")),
    key: Deno.readTextFileSync(join(TLS, "server.key")),
    onListen() {},
  }, () => {
    requests++;
    return new Response("not an IdP", { status: 404 });
  });
  return {
    url: `https://127.0.0.1:${server.addr.port}`,
    requests: () => requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("TLS: a private CA is trusted through DENO_CERT or the OS store, and refused otherwise", async () => {
  await using idp = httpsIdp();
  const home = await makeHome(`
[[AuthProvider]]
name = "corp"
role_arn = "${ROLE}"
provider_url = "${idp.url}"
client_id = "c"
client_secret = "s"
flow = "client_credentials"
`);
  const attempt = async (extra: Record<string, string>) => {
    const before = idp.requests();
    const run = await runCli(["auth", "corp"], cleanEnv(home, extra));
    assert.notEqual(run.code, 0, "the server is no IdP: the login fails either way");
    assert.equal(run.stdout, "");
    return { reached: idp.requests() > before, stderr: run.stderr };
  };
  await using _home = removing(home);
  const untrusted = await attempt({});
  assert.equal(untrusted.reached, false, "an unknown CA fails the handshake");
  assert.match(untrusted.stderr, /Cannot reach the identity provider .*certificate.*hint: .*DENO_CERT/);
  assert.equal((await attempt({ DENO_CERT: CA })).reached, true, "DENO_CERT adds the CA");
  if (Deno.build.os === "linux") {
    // On Linux the OS store is the system bundle, which SSL_CERT_FILE replaces (rustls-native-certs).
    assert.equal((await attempt({ SSL_CERT_FILE: CA })).reached, true, "the OS store is trusted");
    assert.equal(
      (await attempt({ SSL_CERT_FILE: CA, DENO_TLS_CA_STORE: "mozilla" })).reached,
      false,
      "an explicit DENO_TLS_CA_STORE is the user's choice",
    );
  }
});

/** A forward proxy for http:// URLs: records each request's URL and passes it on. */
function forwardProxy(): { url: string; seen: string[] } & AsyncDisposable {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    seen.push(`${request.method} ${request.url}`);
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
    });
    return new Response(response.body, { status: response.status, headers: response.headers });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, [Symbol.asyncDispose]: () => server.shutdown() };
}

function m2mConfig(idp: TestIdp, sts: StsStandIn): string {
  return `[[AuthProvider]]
name = "ci"
role_arn = "${ROLE}"
provider_url = "${idp.issuer}"
client_id = "${idp.m2mClient.id}"
key_id = "${idp.m2mClient.keyId}"
flow = "client_credentials"
sts_endpoint = "${sts.url}"
`;
}

Deno.test("proxies: IdP and STS requests go through HTTP_PROXY, and around it for NO_PROXY hosts", async () => {
  await using idp = await startIdp();
  await using sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.m2mClient.audience] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.m2mClient.audience } }],
  });
  await using proxy = forwardProxy();
  const home = await makeHome(m2mConfig(idp, sts));
  await using _home = removing(home);
  const key = { AWS_OIDC_PRIVATE_KEY: idp.m2mClient.privateKeyPem };
  const run = await runCli(["auth", "ci"], cleanEnv(home, { ...key, HTTP_PROXY: proxy.url, http_proxy: proxy.url }));
  assert.equal(run.code, 0, run.stderr);
  const output = JSON.parse(run.stdout);
  assert.ok(sts.issued(output.AccessKeyId, output.SecretAccessKey, output.SessionToken));
  assert.ok(proxy.seen.some((r) => r.startsWith(`GET ${idp.issuer}/.well-known/openid-configuration`)), "discovery");
  assert.ok(proxy.seen.some((r) => r.startsWith(`POST ${idp.issuer}/`)), "the token request");
  assert.ok(proxy.seen.some((r) => r.startsWith(`POST ${sts.url}`)), `STS, through the SDK: ${proxy.seen}`);

  const through = proxy.seen.length;
  const direct = await runCli(
    ["auth", "ci", "--no-cache"],
    cleanEnv(home, {
      ...key,
      HTTP_PROXY: proxy.url,
      http_proxy: proxy.url,
      NO_PROXY: "127.0.0.1",
      no_proxy: "127.0.0.1",
    }),
  );
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(proxy.seen.length, through, "NO_PROXY hosts are reached directly");
});
