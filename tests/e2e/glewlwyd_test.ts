/**
 * Interop with a second, independently written OpenID Provider: Debian's
 * Glewlwyd (tests/fixtures/glewlwyd.ts), the real CLI, the STS stand-in and
 * real headless Chromium logging in at Glewlwyd's own login page
 * (tests/fixtures/glewlwyd_agent.ts). One server serves the whole suite.
 *
 * Glewlwyd's quirks, each met here: redirect URIs compared with the port
 * (fixed-port redirect_uri), no ID token on refresh, introspection and
 * revocation refused to public clients with an empty 401, `client_secret_basic`
 * not decoded from form encoding, an empty 400 for a revoked refresh token.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Glewlwyd, startGlewlwyd } from "../fixtures/glewlwyd.ts";
import { startSts, type StsStandIn } from "../fixtures/sts.ts";
import { cleanEnv, type CliRun, makeHome, runApprovingDevice, runCli } from "../helpers/cli.ts";

const ROLE = "arn:aws:iam::123456789012:role/glewlwyd";
const ACCESS_ROLE = "arn:aws:iam::123456789012:role/glewlwyd-access";
/** Glewlwyd's access tokens name the granted scope as their audience; an IAM OIDC provider can list it as a client id. */
const ACCESS_TOKEN_AUDIENCE = "openid";
const CONFIDENTIAL_ROLE = "arn:aws:iam::123456789012:role/glewlwyd-confidential";
const BASIC_ROLE = "arn:aws:iam::123456789012:role/glewlwyd-basic";
const AGENT = new URL("../fixtures/glewlwyd_agent.ts", import.meta.url).pathname;

/** The agent for one HOME: its own Chromium profile (so its Glewlwyd session lasts across runs) and a launch log. */
function agentArgv(glewlwyd: Glewlwyd, home: string): string[] {
  return [
    "/bin/sh",
    "-c",
    'echo launch >> "$0"; exec "$@"',
    join(home, "agent-launches"),
    Deno.execPath(),
    "run",
    "--allow-all",
    AGENT,
    join(home, "chromium-profile"),
    glewlwyd.url,
    glewlwyd.user.username,
    glewlwyd.user.password,
    "{}",
  ];
}

async function launches(home: string): Promise<number> {
  try {
    return (await Deno.readTextFile(join(home, "agent-launches"))).split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}

function assertCredentials(run: CliRun): void {
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  assert.match(json.AccessKeyId, /^ASIA/);
  assert.doesNotMatch(run.stderr, /eyJ/, "no token on stderr");
}

/** The token cache files under `home`, parsed, with their paths. */
async function tokenFiles(home: string): Promise<{ path: string; entry: Record<string, unknown> }[]> {
  const dir = join(home, ".aws-oidc", "cache");
  const files = [];
  for await (const file of Deno.readDir(dir)) {
    if (!file.name.startsWith("tokens-") || !file.name.endsWith(".json")) continue;
    const path = join(dir, file.name);
    files.push({ path, entry: JSON.parse(await Deno.readTextFile(path)) });
  }
  return files;
}

/** Makes the cached tokens expire (as time passing would) and drops the cached credentials, so the next run must renew. */
async function expireTokens(home: string): Promise<void> {
  const past = Math.floor(Date.now() / 1000) - 60;
  for (const { path, entry } of await tokenFiles(home)) {
    await Deno.writeTextFile(path, JSON.stringify({ ...entry, idTokenExpiresAt: past, accessTokenExpiresAt: past }));
  }
  const dir = join(home, ".aws-oidc", "cache");
  for await (const file of Deno.readDir(dir)) {
    if (file.name.startsWith("credentials-")) await Deno.remove(join(dir, file.name));
  }
}

/** The payload of a JWT, decoded (not verified: the STS stand-in does that). */
function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(decodeBase64Url(jwt.split(".")[1])));
}

function decodeBase64Url(text: string): Uint8Array {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function provider(name: string, settings: Record<string, string | number>, common: { sts: string; agent: string }) {
  const lines = Object.entries(settings).map(([key, value]) => `${key} = ${JSON.stringify(value)}`);
  return `
[[AuthProvider]]
name = "${name}"
${lines.join("\n")}
sts_endpoint = "${common.sts}"
agent = ${common.agent}${"timeout" in settings ? "" : "\ntimeout = 60"}
`;
}

interface Suite {
  glewlwyd: Glewlwyd;
  sts: StsStandIn;
  /** A fresh HOME whose config has the given providers (TOML), the agent and STS filled in. */
  home(
    providers: (common: { sts: string; agent: string }) => string,
  ): Promise<{ home: string; env: Record<string, string> }>;
}

Deno.test("Glewlwyd interop: browser, cache, refresh, device flow, confidential clients and refusals", async (t) => {
  await using glewlwyd = await startGlewlwyd();
  const { publicClient, confidentialClient, basicClient } = glewlwyd;
  const clientIds = [publicClient.id, confidentialClient.id, basicClient.id, ACCESS_TOKEN_AUDIENCE];
  await using sts = await startSts({
    providers: [{ url: glewlwyd.issuer, clientIds }],
    roles: [
      { arn: ROLE, trust: { issuer: glewlwyd.issuer, audience: publicClient.id } },
      { arn: ACCESS_ROLE, trust: { issuer: glewlwyd.issuer, audience: ACCESS_TOKEN_AUDIENCE } },
      { arn: CONFIDENTIAL_ROLE, trust: { issuer: glewlwyd.issuer, audience: confidentialClient.id } },
      { arn: BASIC_ROLE, trust: { issuer: glewlwyd.issuer, audience: basicClient.id } },
    ],
  });
  await using homes = new AsyncDisposableStack();
  const suite: Suite = {
    glewlwyd,
    sts,
    async home(providers) {
      const home = await makeHome("");
      homes.defer(() => Deno.remove(home, { recursive: true }).catch(() => {}));
      const config = providers({ sts: sts.url, agent: JSON.stringify(agentArgv(glewlwyd, home)) });
      await Deno.writeTextFile(join(home, ".aws-oidc", "config"), config);
      const env = cleanEnv(home);
      for (const name of ["DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]) delete env[name];
      return { home, env };
    },
  };
  const publicSettings = {
    provider_url: glewlwyd.issuer,
    client_id: publicClient.id,
    redirect_uri: publicClient.redirectUri,
  };
  await t.step(
    "public client: PKCE login on the fixed port, cache hit, refresh without ID token, refusals",
    async () => {
      const { home, env } = await suite.home((common) =>
        provider("glewlwyd", { ...publicSettings, role_arn: ROLE }, common) +
        provider("glewlwyd-random-port", {
          ...publicSettings,
          role_arn: ROLE,
          redirect_uri: "http://127.0.0.1:{port}/auth/callback",
          timeout: 8,
        }, common)
      );
      const before = sts.counters.assumeRoleWithWebIdentity;
      // Glewlwyd requires PKCE of public clients (pkce-required-public-client): this login proves it was sent.
      assertCredentials(await runCli(["auth", "glewlwyd"], env));
      assert.equal(await launches(home), 1);
      assert.equal(sts.counters.assumeRoleWithWebIdentity, before + 1);

      const again = await runCli(["auth", "glewlwyd"], env);
      assertCredentials(again);
      assert.equal(await launches(home), 1, "no browser on a cache hit");
      assert.equal(sts.counters.assumeRoleWithWebIdentity, before + 1, "no STS call on a cache hit");

      // Introspection: the discovery document lists only client_secret_basic, so no request is made.
      const ttl = await runCli(["check-refresh-ttl", "glewlwyd", "--debug"], env);
      assert.equal(ttl.code, 1);
      assert.equal(ttl.stdout, "");
      assert.match(
        ttl.stderr,
        /error: The identity provider does not allow introspection for this client: its introspection endpoint accepts only "client_secret_basic", and this client is public \(no client_secret\) \(hint: the IdP allows introspection only to confidential clients/,
      );

      // The ID token expires; Glewlwyd refreshes without an ID token: said once, remembered, browser again.
      await expireTokens(home);
      const renewed = await runCli(["auth", "glewlwyd"], env);
      assertCredentials(renewed);
      assert.match(
        renewed.stderr,
        /The identity provider sends no new ID token on refresh \(OIDC allows it\), so the expired ID token cannot go to STS; logging in again \(hint: if the role trusts the access token's audience, set token = "access_token"/,
      );
      assert.equal(await launches(home), 2);
      const [{ entry }] = await tokenFiles(home);
      assert.equal(entry.refreshSendsNoIdToken, true);

      const status = await runCli(["status", "--json"], env);
      assert.equal(status.code, 0, status.stderr);
      const tokens = JSON.parse(status.stdout).find((session: { kind: string }) => session.kind === "tokens");
      assert.equal(tokens.id_token_on_refresh, false);
      assert.match(
        status.stderr,
        /"glewlwyd(,glewlwyd-random-port)?" sends no ID token on refresh.*token = "access_token"/,
      );
      const doctor = await runCli(["doctor", "--provider", "glewlwyd"], env);
      assert.match(
        doctor.stdout + doctor.stderr,
        /! Provider "glewlwyd": its identity provider sends no ID token on refresh, so each time the ID token expires the browser opens/,
      );

      // Revocation: Glewlwyd refuses public clients with an empty 401, and its metadata says why.
      const [{ entry: cached }] = await tokenFiles(home);
      const logout = await runCli(["logout", "glewlwyd", "--debug"], env);
      assert.equal(logout.code, 1);
      assert.match(
        logout.stderr,
        /revocation failed: The identity provider does not allow revocation for this client: its revocation endpoint accepts only "client_secret_basic", and this client is public/,
      );
      assert.match(logout.stderr, /caused by: .*\n\s+caused by: HTTP 401/);
      assert.doesNotMatch(logout.stderr + ttl.stderr, /\[object |did not answer with JSON/);
      assert.doesNotMatch(logout.stderr + ttl.stderr, /eyJ/, "no token, even with --debug");
      assert.ok(!(logout.stderr + ttl.stderr).includes(cached.refreshToken as string), "no refresh token");

      // A random port: Glewlwyd refuses the redirect URI; the timeout names that cause.
      const random = await runCli(["auth", "glewlwyd-random-port"], env);
      assert.equal(random.code, 1);
      assert.match(random.stderr, /No login arrived within 8 s.*compares redirect URIs with the port/);
    },
  );

  await t.step('token = "access_token": a refresh renews the token for STS without the browser', async () => {
    const { home, env } = await suite.home((common) =>
      provider("glewlwyd-at", { ...publicSettings, role_arn: ACCESS_ROLE, token: "access_token" }, common)
    );
    assertCredentials(await runCli(["auth", "glewlwyd-at"], env));
    const [{ entry: first }] = await tokenFiles(home);
    assert.equal(claimsOf(first.accessToken as string).aud, ACCESS_TOKEN_AUDIENCE);
    await expireTokens(home);
    const before = sts.counters.assumeRoleWithWebIdentity;
    const refreshed = await runCli(["auth", "glewlwyd-at", "--debug"], env);
    assertCredentials(refreshed);
    assert.match(refreshed.stderr, /refreshing tokens without the browser/);
    assert.equal(await launches(home), 1, "no second browser login");
    assert.equal(sts.counters.assumeRoleWithWebIdentity, before + 1);
    const [{ entry: second }] = await tokenFiles(home);
    assert.notEqual(second.accessToken, first.accessToken);
  });

  await t.step("device flow approved in Chromium at Glewlwyd's page", async () => {
    const { home, env } = await suite.home((common) =>
      provider("glewlwyd-device", { ...publicSettings, role_arn: ROLE, flow: "device" }, common)
    );
    const run = await runApprovingDevice(["auth", "glewlwyd-device"], env, {
      browser: agentArgv(glewlwyd, home),
      timeoutMs: 60_000,
    });
    assertCredentials(run);
    assert.match(run.opened!, new RegExp(`^${glewlwyd.issuer}/device\\?code=`));
  });

  await t.step(
    "confidential client: client_secret_post when Basic is not decoded; introspection refused for it",
    async () => {
      const settings = {
        provider_url: glewlwyd.issuer,
        client_id: confidentialClient.id,
        client_secret: confidentialClient.secret,
        redirect_uri: confidentialClient.redirectUri,
        role_arn: CONFIDENTIAL_ROLE,
      };
      const { home, env } = await suite.home((common) =>
        provider("conf-basic", settings, common) +
        provider("conf-post", { ...settings, token_endpoint_auth_method: "client_secret_post" }, common)
      );
      const basic = await runCli(["auth", "conf-basic", "--debug"], env);
      assert.equal(basic.code, 1);
      assert.match(basic.stderr, /token endpoint refused: unauthorized_client/);
      assert.match(
        basic.stderr,
        /caused by: .*\(HTTP 403\)\n\s+caused by: OAuth error response \{"error":"unauthorized_client"\}/,
      );
      assert.match(basic.stderr, /token_endpoint_auth_method = "client_secret_post"/);
      assert.doesNotMatch(basic.stderr, new RegExp(confidentialClient.secret));

      assertCredentials(await runCli(["auth", "conf-post"], env));
      const ttl = await runCli(["check-refresh-ttl", "conf-post"], env);
      assert.equal(ttl.code, 1);
      assert.match(
        ttl.stderr,
        /does not allow introspection for this client: its introspection endpoint accepts only "client_secret_basic", and this client uses "client_secret_post" \(hint: set token_endpoint_auth_method to a method it lists\)/,
      );
      assert.ok(await launches(home) >= 1);
    },
  );

  await t.step(
    "confidential client with Basic: introspection answers; a revoked refresh token is refused (HTTP 400)",
    async () => {
      const { home, env } = await suite.home((common) =>
        provider("conf", {
          provider_url: glewlwyd.issuer,
          client_id: basicClient.id,
          client_secret: basicClient.secret,
          redirect_uri: basicClient.redirectUri,
          role_arn: BASIC_ROLE,
        }, common)
      );
      assertCredentials(await runCli(["auth", "conf"], env));
      const ttl = await runCli(["check-refresh-ttl", "conf"], env);
      assert.equal(ttl.code, 0, ttl.stderr);
      const answer = JSON.parse(ttl.stdout);
      assert.equal(answer.active, true);
      assert.ok(answer.expires_in > 1_000_000, "Glewlwyd's refresh tokens last two weeks");

      // Revoked elsewhere (as the user's profile page would): the next refresh meets Glewlwyd's empty 400.
      const [{ entry }] = await tokenFiles(home);
      const revoked = await fetch(`${glewlwyd.issuer}/revoke`, {
        method: "POST",
        headers: { authorization: `Basic ${btoa(`${basicClient.id}:${basicClient.secret}`)}` },
        body: new URLSearchParams({ token: entry.refreshToken as string, token_type_hint: "refresh_token" }),
      });
      assert.equal(revoked.status, 200, await revoked.text());
      await expireTokens(home);
      const run = await runCli(["auth", "conf"], env);
      assertCredentials(run);
      assert.match(
        run.stderr,
        /The identity provider no longer accepts the refresh token: refused \(HTTP 400\); logging in again/,
      );
      assert.equal(await launches(home), 2);

      const logout = await runCli(["logout", "conf"], env);
      assert.equal(logout.code, 0, logout.stderr);
      assert.match(logout.stderr, /Revoked the refresh token/);
    },
  );
});
