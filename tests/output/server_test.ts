import assert from "node:assert/strict";
import { join } from "node:path";
import type { CredentialEntry } from "../../src/cache/entries.ts";
import { type Log, redact } from "../../src/log.ts";
import { type CredentialServer, startCredentialServer } from "../../src/output/server.ts";
import { cleanEnv } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";
import { runCommand } from "../helpers/command.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLIENT = join(ROOT, "tests", "fixtures", "sdk_container_client.ts");

/** Entries that rotate: call n carries `AKIATEST…n`, so a client seeing a new key proves a new fetch. */
function rotatingCredentials(lifetimeMs = 3600_000) {
  const calls = { count: 0 };
  const credentials = (): Promise<CredentialEntry> => {
    calls.count++;
    const n = String(calls.count).padStart(4, "0");
    return Promise.resolve({
      provider: "test",
      issuer: "https://idp.example",
      clientId: "client",
      roleArn: "arn:aws:iam::123456789012:role/test",
      region: "eu-west-1",
      duration: 3600,
      sub: "alice",
      sessionName: "alice",
      accessKeyId: `AKIATEST${n}`,
      secretAccessKey: `secret-access-key-${n}`,
      sessionToken: `session-token-${n}`,
      expiration: new Date(Date.now() + lifetimeMs).toISOString(),
    });
  };
  return { calls, credentials };
}

/** A log that keeps every message as given (before any redaction), to prove nothing secret reaches it. */
function recordingLog() {
  const lines: string[] = [];
  const secrets: string[] = [];
  const log: Log = {
    debugEnabled: true,
    info: (message) => lines.push(message),
    notice: (message) => lines.push(message),
    warn: (message) => lines.push(`warning: ${message}`),
    debug: (message) => lines.push(`debug: ${message}`),
    secret: (value) => value && secrets.push(value),
  };
  return { log, lines, secrets };
}

async function withServer(
  options: Parameters<typeof startCredentialServer>[0],
  fn: (server: CredentialServer) => Promise<void>,
): Promise<void> {
  await using server = startCredentialServer(options);
  await fn(server);
}

/** One HTTP/1.1 request over a raw TCP connection, so the Host header is ours to choose. */
async function rawRequest(url: string, lines: string[]): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  const connection = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  try {
    await connection.write(new TextEncoder().encode([...lines, "Connection: close", "", ""].join("\r\n")));
    const text = await new Response(connection.readable).text();
    return { status: Number(text.split(" ")[1]), text };
  } catch (error) {
    connection.close();
    throw error;
  }
}

Deno.test("credential server: authorized GET returns the container credentials shape, not cached", async () => {
  const { calls, credentials } = rotatingCredentials();
  await withServer({ credentials }, async (server) => {
    const response = await fetch(server.url, { headers: { authorization: server.token } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ["AccessKeyId", "Expiration", "SecretAccessKey", "Token"]);
    assert.equal(body.AccessKeyId, "AKIATEST0001");
    assert.equal(body.SecretAccessKey, "secret-access-key-0001");
    assert.equal(body.Token, "session-token-0001");
    assert.match(body.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.equal(calls.count, 1);
  });
});

Deno.test("credential server: URL, token and the two variables", async () => {
  const { credentials } = rotatingCredentials();
  await withServer({ credentials }, async (first) => {
    await withServer({ credentials }, (second) => {
      assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+\/creds\/[\w-]{22}$/);
      assert.match(first.token, /^[\w-]{43}$/);
      assert.deepEqual(first.variables, {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: first.url,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: first.token,
      });
      assert.notEqual(first.token, second.token);
      assert.notEqual(new URL(first.url).pathname, new URL(second.url).pathname);
      assert.notEqual(new URL(first.url).port, new URL(second.url).port);
      return Promise.resolve();
    });
  });
});

Deno.test("credential server: a request without Authorization gets 401 and no credentials", async () => {
  const { calls, credentials } = rotatingCredentials();
  await withServer({ credentials }, async (server) => {
    const response = await fetch(server.url);
    assert.equal(response.status, 401);
    const body = await response.json();
    assert.equal(body.Code, "Unauthorized");
    assert.equal(typeof body.Message, "string");
    assert.equal(calls.count, 0);
  });
});

Deno.test("credential server: a wrong token gets 403 and no credentials", async () => {
  const { calls, credentials } = rotatingCredentials();
  await withServer({ credentials }, async (server) => {
    const flipped = (server.token[0] === "A" ? "B" : "A") + server.token.slice(1);
    for (const wrong of ["", "x", flipped, `Bearer ${server.token}`, `${server.token}x`, server.token.slice(0, -1)]) {
      const response = await fetch(server.url, { headers: { authorization: wrong } });
      assert.equal(response.status, 403, `token ${JSON.stringify(wrong)}`);
      const body = await response.json();
      assert.equal(body.Code, "Forbidden");
      assert.equal(typeof body.Message, "string");
    }
    assert.equal(calls.count, 0);
  });
});

Deno.test("credential server: a foreign Host header gets 403 even with the right token (DNS rebinding)", async () => {
  const { calls, credentials } = rotatingCredentials();
  await withServer({ credentials }, async (server) => {
    const { port, pathname } = new URL(server.url);
    for (const host of [`rebind.example:${port}`, `localhost:${port}`, "127.0.0.1", `127.0.0.1:${Number(port) + 1}`]) {
      const response = await rawRequest(server.url, [
        `GET ${pathname} HTTP/1.1`,
        `Host: ${host}`,
        `Authorization: ${server.token}`,
      ]);
      assert.equal(response.status, 403, `Host ${host}`);
      assert.match(response.text, /"Code":"Forbidden"/);
      assert.doesNotMatch(response.text, /AKIA/);
    }
    // The same raw request with the right Host is served: the refusals above are the Host check.
    const good = await rawRequest(server.url, [
      `GET ${pathname} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      `Authorization: ${server.token}`,
    ]);
    assert.equal(good.status, 200);
    assert.match(good.text, /"AccessKeyId":"AKIATEST0001"/);
    assert.equal(calls.count, 1);
  });
});

Deno.test("credential server: other paths get 404, other methods 405", async () => {
  const { calls, credentials } = rotatingCredentials();
  await withServer({ credentials }, async (server) => {
    const headers = { authorization: server.token };
    const base = new URL(server.url);
    for (const path of ["/", "/creds/", `${base.pathname}/`, `${base.pathname}x`, base.pathname.toUpperCase()]) {
      const response = await fetch(new URL(path, base), { headers });
      assert.equal(response.status, 404, path);
      assert.equal((await response.json()).Code, "NotFound");
    }
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await fetch(server.url, { method, headers });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get("allow"), "GET");
      assert.equal((await response.json()).Code, "MethodNotAllowed");
      const elsewhere = await fetch(new URL("/", base), { method, headers });
      assert.equal(elsewhere.status, 404, `${method} /`);
      await elsewhere.body?.cancel();
    }
    assert.equal(calls.count, 0);
  });
});

Deno.test("credential server: a failing source gets 500 CredentialsUnavailable, logged without secrets", async () => {
  const { log, lines, secrets } = recordingLog();
  const errors: unknown[] = [];
  const idToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
  const failure = new Error(`The identity provider refused the refresh token for ${idToken}`);
  await withServer({
    credentials: () => Promise.reject(failure),
    log,
    onError: (error) => errors.push(error),
  }, async (server) => {
    const response = await fetch(server.url, { headers: { authorization: server.token } });
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const body = await response.json();
    assert.equal(body.Code, "CredentialsUnavailable");
    assert.match(body.Message, /refused the refresh token/);
    assert.ok(!body.Message.includes(idToken));
    assert.deepEqual(errors, [failure]);
    assert.ok(lines.some((line) => line.startsWith("warning:") && line.includes("refused the refresh token")));
    assert.ok(secrets.includes(server.token));
    for (const line of lines) {
      assert.ok(!line.includes(server.token), line);
      assert.ok(!line.includes(idToken), line);
    }
  });
});

Deno.test("credential server: nothing secret reaches the log, refused or served", async () => {
  const { log, lines } = recordingLog();
  const { credentials } = rotatingCredentials();
  await withServer({ credentials, log }, async (server) => {
    await (await fetch(server.url)).body?.cancel();
    await (await fetch(server.url, { headers: { authorization: "wrong" } })).body?.cancel();
    await (await fetch(server.url, { headers: { authorization: server.token } })).body?.cancel();
    assert.ok(lines.length >= 3, lines.join("\n"));
    const forbidden = [server.token, new URL(server.url).pathname, "secret-access-key-0001", "session-token-0001"];
    for (const line of lines) {
      for (const value of forbidden) assert.ok(!line.includes(value), `${line} contains ${value}`);
      assert.equal(redact(line), line);
    }
  });
});

Deno.test("credential server: concurrent requests share one call of the source", async () => {
  const { promise: gate, resolve: open } = Promise.withResolvers<void>();
  const { calls, credentials } = rotatingCredentials();
  const slow = async () => {
    await gate;
    return await credentials();
  };
  await withServer({ credentials: slow }, async (server) => {
    const requests = [1, 2, 3].map(() => fetch(server.url, { headers: { authorization: server.token } }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    open();
    const bodies = await Promise.all(requests.map(async (request) => (await (await request).json()).AccessKeyId));
    assert.deepEqual(bodies, ["AKIATEST0001", "AKIATEST0001", "AKIATEST0001"]);
    assert.equal(calls.count, 1);
    // Once settled, the next request asks the source again.
    const next = await fetch(server.url, { headers: { authorization: server.token } });
    assert.equal((await next.json()).AccessKeyId, "AKIATEST0002");
  });
});

Deno.test("credential server: close is idempotent and stops listening", async () => {
  const { credentials } = rotatingCredentials();
  const server = startCredentialServer({ credentials });
  await server.close();
  await server.close();
  await assert.rejects(fetch(server.url, { headers: { authorization: server.token } }));
});

// --- The AWS SDK's own providers, in a child process with only the two variables ---

interface ChildCall {
  accessKeyId: string;
  expiration: string;
  /** The SDK's credential feature ids: which provider answered. */
  features: string[];
}

async function runSdkClient(server: CredentialServer, args: string[]): Promise<ChildCall[]> {
  const home = await Deno.makeTempDir({ prefix: "aws-oidc-sdk-client-" });
  await using _home = removing(home);
  const output = await runCommand(
    Deno.execPath(),
    [
      "run",
      "--quiet",
      "--allow-env",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-sys",
      CLIENT,
      ...args,
    ],
    { cwd: ROOT, env: cleanEnv(home, server.variables) },
  );
  const { stdout, stderr } = output;
  assert.equal(output.code, 0, `child failed:\n${stderr}`);
  assert.ok(!stderr.includes(server.token), "the child's stderr shows the token");
  return stdout.trim().split("\n").map((line) => JSON.parse(line));
}

Deno.test("credential server: the SDK's fromHttp reads it, and sees rotated keys on each fetch", async () => {
  const { calls, credentials } = rotatingCredentials();
  await withServer({ credentials }, async (server) => {
    const seen = await runSdkClient(server, ["http", "2"]);
    assert.deepEqual(seen.map((call) => call.accessKeyId), ["AKIATEST0001", "AKIATEST0002"]);
    assert.deepEqual(seen[0].features, ["CREDENTIALS_HTTP"]);
    assert.equal(calls.count, 2);
    const again = await runSdkClient(server, ["http", "1"]);
    assert.deepEqual(again.map((call) => call.accessKeyId), ["AKIATEST0003"]);
  });
});

Deno.test("credential server: the SDK's fromContainerMetadata reads it too", async () => {
  const { credentials } = rotatingCredentials();
  await withServer({ credentials }, async (server) => {
    const seen = await runSdkClient(server, ["container", "2"]);
    assert.deepEqual(seen.map((call) => call.accessKeyId), ["AKIATEST0001", "AKIATEST0002"]);
  });
});

Deno.test("credential server: the SDK's default chain picks it up, memoizes, and refreshes on demand", async () => {
  const { calls, credentials } = rotatingCredentials();
  await withServer({ credentials }, async (server) => {
    // An hour left: the chain keeps what it has.
    const memoized = await runSdkClient(server, ["chain", "2"]);
    assert.deepEqual(memoized.map((call) => call.accessKeyId), ["AKIATEST0001", "AKIATEST0001"]);
    // The chain reached us through fromHttp (it falls back to fromContainerMetadata only when that fails).
    assert.ok(memoized[0].features.includes("CREDENTIALS_HTTP"), memoized[0].features.join(" "));
    assert.equal(calls.count, 1);
    const forced = await runSdkClient(server, ["chain", "2", "--force-refresh"]);
    assert.deepEqual(forced.map((call) => call.accessKeyId), ["AKIATEST0002", "AKIATEST0003"]);
  });
});

Deno.test("credential server: the SDK's default chain fetches new keys by itself as expiry nears", async () => {
  // Two minutes left is inside the JS SDK's five-minute window: the chain hands out what it has and
  // refetches in the background, so a later use sees the next key, as in a long run.
  const { calls, credentials } = rotatingCredentials(120_000);
  await withServer({ credentials }, async (server) => {
    const seen = (await runSdkClient(server, ["chain", "4", "--pause-ms=300"])).map((call) => call.accessKeyId);
    assert.equal(seen[0], "AKIATEST0001");
    assert.notEqual(seen.at(-1), "AKIATEST0001", seen.join(" "));
    assert.deepEqual(seen, seen.toSorted(), "keys only move forward");
    assert.ok(calls.count >= 3, `the server was asked ${calls.count} times`);
  });
});
