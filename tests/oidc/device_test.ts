/**
 * The device authorization grant against a scripted IdP stand-in on
 * 127.0.0.1:0 (each token endpoint answer chosen by the test), with the clock
 * and the waits injected so nothing sleeps; plus what the real oidc-provider
 * fixture says when the grant is not allowed for a client.
 */
import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { loginWithDevice, SLOW_DOWN_STEP } from "../../src/oidc/device.ts";
import { loginByFlow, noBrowserReason } from "../../src/oidc/flows.ts";
import type { Platform } from "../../src/oidc/open_browser.ts";
import { qrLines } from "../../src/oidc/_qr.ts";
import { createLog } from "../../src/log.ts";
import { AwsOidcError } from "../../src/errors.ts";
import type { Provider } from "../../src/config/provider.ts";
import { startIdp } from "../fixtures/idp.ts";
import { testProvider } from "../helpers/provider.ts";

const DEVICE_CODE = "device-code-that-is-a-secret";
const USER_CODE = "WDJB-MJHT";

type Answer = { status: number; body: Record<string, unknown> } | "id_token";

interface StandIn extends AsyncDisposable {
  issuer: string;
  /** Form bodies received at the device authorization and token endpoints. */
  deviceRequests: URLSearchParams[];
  tokenRequests: URLSearchParams[];
}

/** An IdP whose token endpoint gives `answers` in turn (the last one repeats). */
async function standIn(options: {
  answers: Answer[];
  deviceEndpoint?: boolean;
  deviceAnswer?: (issuer: string) => { status: number; body: Record<string, unknown> };
}): Promise<StandIn> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = { ...await exportJWK(publicKey), kid: "k1", alg: "ES256", use: "sig" };
  const deviceRequests: URLSearchParams[] = [];
  const tokenRequests: URLSearchParams[] = [];
  let issuer = "";
  const json = (status: number, body: unknown) =>
    Response.json(body, { status, headers: { "cache-control": "no-store" } });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/.well-known/openid-configuration") {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        ...(options.deviceEndpoint === false ? {} : { device_authorization_endpoint: `${issuer}/device/auth` }),
        id_token_signing_alg_values_supported: ["ES256"],
      });
    }
    if (path === "/jwks") return json(200, { keys: [jwk] });
    if (path === "/device/auth") {
      deviceRequests.push(new URLSearchParams(await request.text()));
      const answer = options.deviceAnswer?.(issuer) ?? {
        status: 200,
        body: {
          device_code: DEVICE_CODE,
          user_code: USER_CODE,
          verification_uri: `${issuer}/device`,
          verification_uri_complete: `${issuer}/device?user_code=${USER_CODE}`,
          expires_in: 600,
          interval: 2,
        },
      };
      return json(answer.status, answer.body);
    }
    if (path === "/token") {
      tokenRequests.push(new URLSearchParams(await request.text()));
      const answer = options.answers[Math.min(tokenRequests.length, options.answers.length) - 1];
      if (answer !== "id_token") return json(answer.status, answer.body);
      const idToken = await new SignJWT({ email: "person@example.test" })
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setIssuer(issuer)
        .setAudience("client")
        .setSubject("person")
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey);
      return json(200, { access_token: "at", token_type: "Bearer", expires_in: 3600, id_token: idToken });
    }
    return json(404, {});
  });
  issuer = `http://127.0.0.1:${server.addr.port}`;
  return { issuer, deviceRequests, tokenRequests, [Symbol.asyncDispose]: () => server.shutdown() };
}

const pending = { status: 400, body: { error: "authorization_pending" } };
const slowDown = { status: 400, body: { error: "slow_down" } };

function providerFor(issuer: string, overrides: Partial<Provider> = {}): Provider {
  return testProvider({
    name: "dev",
    providerUrl: issuer,
    scopes: ["openid", "email"],
    timeout: 300,
    authParams: { audience: "aws" },
    flow: "device",
    ...overrides,
  });
}

/** A log that records what it writes, and a clock that the injected sleep advances. */
function world() {
  const written: string[] = [];
  const sleeps: number[] = [];
  let clock = 1_700_000_000_000;
  return {
    written,
    sleeps,
    deps: {
      log: createLog({ debug: true, stderr: (text) => written.push(text), terminal: undefined }),
      now: () => clock,
      sleep: (ms: number) => {
        sleeps.push(ms);
        clock += ms;
        return Promise.resolve();
      },
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<AwsOidcError> {
  const error = await promise.then(() => undefined, (error) => error);
  assert.ok(error instanceof AwsOidcError, `expected an AwsOidcError, got ${error}`);
  return error;
}

Deno.test("device flow: authorization_pending waits the interval, slow_down adds 5 s for good, then tokens", async () => {
  await using idp = await standIn({ answers: [pending, slowDown, pending, "id_token"] });
  const w = world();
  const tokens = await loginWithDevice(providerFor(idp.issuer), w.deps);
  assert.equal(tokens.claims.sub, "person");
  assert.equal(tokens.accessToken, "at");
  assert.deepEqual(w.sleeps, [2000, 2000, 2000 + SLOW_DOWN_STEP * 1000, 2000 + SLOW_DOWN_STEP * 1000]);
  assert.equal(idp.tokenRequests.length, 4);
  for (const request of idp.tokenRequests) {
    assert.equal(request.get("grant_type"), "urn:ietf:params:oauth:grant-type:device_code");
    assert.equal(request.get("device_code"), DEVICE_CODE);
    assert.equal(request.get("client_id"), "client");
  }
  const [device] = idp.deviceRequests;
  assert.equal(device.get("client_id"), "client");
  assert.equal(device.get("scope"), "openid email");
  assert.equal(device.get("audience"), "aws", "auth_params travel with the device authorization request");

  const text = w.written.join("");
  assert.match(text, new RegExp(`open this URL on any device: ${idp.issuer}/device\\?user_code=${USER_CODE}`));
  assert.match(text, new RegExp(`go to ${idp.issuer}/device and enter the code ${USER_CODE}`));
  assert.ok(text.includes(qrLines(`${idp.issuer}/device?user_code=${USER_CODE}`).join("\n")), "the QR code");
  assert.match(text, new RegExp(`Waiting for you to approve the login at ${idp.issuer}/device…`));
  assert.match(text, /polling every 7 s/);
  assert.ok(!text.includes(DEVICE_CODE), "the device code is a secret, even in debug output");
});

Deno.test("device flow: no interval named means 5 s; no complete URL means URL and code", async () => {
  await using idp = await standIn({
    answers: [pending, "id_token"],
    deviceAnswer: (issuer) => ({
      status: 200,
      body: { device_code: DEVICE_CODE, user_code: USER_CODE, verification_uri: `${issuer}/device`, expires_in: 600 },
    }),
  });
  const w = world();
  await loginWithDevice(providerFor(idp.issuer), w.deps);
  assert.deepEqual(w.sleeps, [5000, 5000]);
  const text = w.written.join("");
  assert.match(text, new RegExp(`go to ${idp.issuer}/device on any device and enter the code ${USER_CODE}`));
  assert.ok(text.includes(qrLines(`${idp.issuer}/device`).join("\n")));
});

Deno.test("device flow: access_denied ends the wait with a clear error", async () => {
  await using idp = await standIn({ answers: [pending, { status: 400, body: { error: "access_denied" } }] });
  const error = await rejection(loginWithDevice(providerFor(idp.issuer), world().deps));
  assert.equal(error.message, 'The login to "dev" was denied at the identity provider');
  assert.match(error.hint!, /declined/);
  assert.equal(idp.tokenRequests.length, 2);
});

Deno.test("device flow: expired_token says to start again", async () => {
  await using idp = await standIn({ answers: [{ status: 400, body: { error: "expired_token" } }] });
  const error = await rejection(loginWithDevice(providerFor(idp.issuer), world().deps));
  assert.equal(error.message, "The device code expired before the login was approved");
});

Deno.test("device flow: the wait ends at timeout when it comes before the code expires", async () => {
  await using idp = await standIn({ answers: [pending] });
  const w = world();
  const error = await rejection(loginWithDevice(providerFor(idp.issuer, { timeout: 9 }), w.deps));
  assert.equal(error.message, "The login was not approved within 9 seconds");
  assert.deepEqual(w.sleeps, [2000, 2000, 2000, 2000, 1000], "the last wait stops at the deadline");
  assert.equal(idp.tokenRequests.length, 5);
});

Deno.test("device flow: another token endpoint error is reported as such", async () => {
  await using idp = await standIn({ answers: [{ status: 400, body: { error: "invalid_client" } }] });
  const error = await rejection(loginWithDevice(providerFor(idp.issuer), world().deps));
  assert.match(error.message, /token endpoint refused: invalid_client/);
});

Deno.test("device flow: an IdP without device_authorization_endpoint is refused before any request", async () => {
  await using idp = await standIn({ answers: ["id_token"], deviceEndpoint: false });
  const error = await rejection(loginWithDevice(providerFor(idp.issuer), world().deps));
  assert.equal(error.message, `The identity provider "${idp.issuer}" publishes no device_authorization_endpoint`);
  assert.match(error.hint!, /flow = "browser"/);
  assert.equal(idp.deviceRequests.length + idp.tokenRequests.length, 0);
});

Deno.test("device flow: unauthorized_client at the device endpoint names the grant to allow", async () => {
  await using idp = await standIn({
    answers: ["id_token"],
    deviceAnswer: () => ({ status: 400, body: { error: "unauthorized_client" } }),
  });
  const error = await rejection(loginWithDevice(providerFor(idp.issuer), world().deps));
  assert.equal(error.message, 'The identity provider does not allow the device flow for client "client"');
  assert.match(error.hint!, /urn:ietf:params:oauth:grant-type:device_code/);
});

Deno.test("device flow: a verification URL that is not http(s) on the issuer's terms is refused", async () => {
  await using idp = await standIn({
    answers: ["id_token"],
    deviceAnswer: () => ({
      status: 200,
      body: { device_code: DEVICE_CODE, user_code: USER_CODE, verification_uri: "javascript:alert(1)", expires_in: 60 },
    }),
  });
  const error = await rejection(loginWithDevice(providerFor(idp.issuer), world().deps));
  assert.match(error.message, /device verification URL is refused: "javascript:alert\(1\)" is neither https/);
  assert.equal(idp.tokenRequests.length, 0);
});

Deno.test("device flow: the oidc-provider fixture's confidential client may not use the grant", async () => {
  await using idp = await startIdp();
  const provider = providerFor(idp.issuer, {
    clientId: idp.confidentialClient.id,
    clientSecret: idp.confidentialClient.secret,
    authParams: {},
  });
  const error = await rejection(loginWithDevice(provider, world().deps));
  assert.equal(
    error.message,
    `The identity provider does not allow the device flow for client "${provider.clientId}"`,
  );
  assert.equal(idp.counters.deviceAuthorizations, 0);
});

const platform = (os: typeof Deno.build.os, env: Record<string, string> = {}, wsl = false): Platform => ({
  os,
  env: (name: string) => env[name],
  wsl,
});

Deno.test("no browser: SSH sessions and display-less Unix, unless an agent, BROWSER, WSL, macOS or Windows", () => {
  const none = {};
  assert.equal(noBrowserReason(none, platform("linux")), "there is no display");
  assert.equal(noBrowserReason(none, platform("freebsd")), "there is no display");
  assert.equal(
    noBrowserReason(none, platform("linux", { SSH_CONNECTION: "10.0.0.1 5 10.0.0.2 22" })),
    "this is an SSH session",
  );
  assert.equal(noBrowserReason(none, platform("darwin", { SSH_TTY: "/dev/ttys001" })), "this is an SSH session");
  assert.equal(
    noBrowserReason(none, platform("linux", { DISPLAY: ":0", SSH_CLIENT: "10.0.0.1 5 22" })),
    "this is an SSH session",
  );
  assert.equal(noBrowserReason(none, platform("linux", { DISPLAY: ":0" })), undefined);
  assert.equal(noBrowserReason(none, platform("linux", { WAYLAND_DISPLAY: "wayland-0" })), undefined);
  assert.equal(noBrowserReason(none, platform("linux", {}, true)), undefined);
  assert.equal(noBrowserReason(none, platform("darwin")), undefined);
  assert.equal(noBrowserReason(none, platform("windows")), undefined);
  assert.equal(noBrowserReason(none, platform("linux", { BROWSER: "w3m" })), undefined);
  assert.equal(noBrowserReason({ agent: ["firefox"] }, platform("linux", { SSH_TTY: "/dev/pts/1" })), undefined);
});

Deno.test("automatic choice: no display and a device endpoint means the device flow, and says so", async () => {
  await using idp = await standIn({ answers: ["id_token"] });
  const w = world();
  const opened: string[] = [];
  const tokens = await loginByFlow(providerFor(idp.issuer, { flow: "browser" }), {
    ...w.deps,
    openBrowser: (url) => opened.push(url),
    platform: platform("linux"),
  });
  assert.equal(tokens.claims.sub, "person");
  assert.deepEqual(opened, []);
  assert.match(w.written.join(""), /No browser can be opened here \(there is no display\): using the device flow/);
  assert.equal(idp.deviceRequests.length, 1);
});

Deno.test("automatic choice: without a device endpoint the browser flow still runs", async () => {
  await using idp = await standIn({ answers: ["id_token"], deviceEndpoint: false });
  const opened: string[] = [];
  const error = await rejection(
    loginByFlow(providerFor(idp.issuer, { flow: "browser", timeout: 1 }), {
      ...world().deps,
      openBrowser: (url) => opened.push(url),
      platform: platform("linux", { SSH_CONNECTION: "10.0.0.1 5 10.0.0.2 22" }),
    }),
  );
  assert.equal(opened.length, 1, "the browser was tried");
  assert.doesNotMatch(error.message, /device/);
  assert.equal(idp.deviceRequests.length, 0);
});

Deno.test("QR code: half blocks, two modules per line, with a light margin", () => {
  const lines = qrLines("http://127.0.0.1:40000/device?user_code=WDJB-MJHT");
  const width = lines[0].length;
  // Version 3 (29 modules) plus a 2-module margin each side.
  assert.equal(width, 33);
  assert.equal(lines.length, Math.ceil(width / 2));
  for (const line of lines) {
    assert.equal(line.length, width);
    assert.match(line, /^[█▀▄ ]+$/);
  }
  assert.equal(lines[0], "█".repeat(width), "the margin is drawn light");
  assert.ok(lines.some((line) => line.includes(" ")), "dark modules are blank");
});
