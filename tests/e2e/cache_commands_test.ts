/**
 * The commands around the cache, end to end: one real login (oidc-provider,
 * headless Chromium), then `token`, `check-token-valid`, `status`,
 * `check-refresh-ttl` and `logout` as separate CLI runs, with the IdP's
 * counters showing which of them touched the network.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startIdp, type TestIdp } from "../fixtures/idp.ts";
import { startSts, type StsStandIn } from "../fixtures/sts.ts";
import { type ChromiumAgent, chromiumAgent } from "../helpers/chromium.ts";
import { startHostileIdp } from "../fixtures/hostile_idp.ts";
import { cleanEnv, makeHome, runCli } from "../helpers/cli.ts";
import { cacheFileName } from "../../src/cache/keys.ts";
import { defaultTokenKey } from "../helpers/provider.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import { loadConfigFile } from "../../src/config/load.ts";
import { requireProvider } from "../../src/config/resolve.ts";
import { introspectRefreshToken } from "../../src/oidc/mod.ts";
import { removing } from "../helpers/dispose.ts";

const ROLE = "arn:aws:iam::123456789012:role/your-role-name";
const CONFIDENTIAL_ROLE = "arn:aws:iam::123456789012:role/confidential";

function config(idp: TestIdp, sts: StsStandIn, agents: { google: ChromiumAgent; confidential?: ChromiumAgent }) {
  const confidential = agents.confidential
    ? `
[[AuthProvider]]
name = "confidential"
role_arn = "${CONFIDENTIAL_ROLE}"
client_id = "${idp.confidentialClient.id}"
client_secret = "${idp.confidentialClient.secret}"
agent = ${agents.confidential.toml}
`
    : "";
  return `region = "us-east-1"
provider_url = "${idp.issuer}"
sts_endpoint = "${sts.url}"
duration = 900
timeout = 60

[[AuthProvider]]
name = "google"
role_arn = "${ROLE}"
client_id = "${idp.publicClientId}"
agent = ${agents.google.toml}
${confidential}`;
}

async function fixtures(options: { confidential?: boolean } = {}) {
  const idp = await startIdp();
  const sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.publicClientId, idp.confidentialClient.id] }],
    roles: [
      { arn: ROLE, maxSessionDuration: 7200, trust: { issuer: idp.issuer, audience: idp.publicClientId } },
      {
        arn: CONFIDENTIAL_ROLE,
        maxSessionDuration: 7200,
        trust: { issuer: idp.issuer, audience: idp.confidentialClient.id },
      },
    ],
  });
  const agents = {
    google: await chromiumAgent(),
    confidential: options.confidential ? await chromiumAgent() : undefined,
  };
  const home = await makeHome(config(idp, sts, agents));
  return {
    idp,
    sts,
    home,
    env: cleanEnv(home),
    cacheDir: join(home, ".aws-oidc", "cache"),
    async close() {
      await agents.google.stop();
      await agents.confidential?.stop();
      await idp.close().catch(() => {});
      await sts.close();
      await Deno.remove(home, { recursive: true });
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}

/** The token and credential files in the cache (not the fast path's index). */
async function cacheFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (/^(tokens|credentials)-.*\.json$/.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

function assertNoSecrets(text: string, secrets: string[]) {
  for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked: ${secret.slice(0, 8)}…`);
}

Deno.test("token, check-token-valid, status, check-refresh-ttl and logout around one browser login", async () => {
  await using fixture = await fixtures();
  const { idp, env, home, cacheDir } = fixture;
  // Empty cache: invalid, exit 1, and not a single request to the IdP.
  const empty = await runCli(["check-token-valid", "google"], env);
  assert.equal(empty.code, 1, empty.stderr);
  assert.equal(empty.stdout, "invalid\n");
  assert.equal(empty.stderr, "");
  assert.deepEqual(idp.counters, {
    authorizations: 0,
    codeGrants: 0,
    refreshGrants: 0,
    clientCredentialsGrants: 0,
    revocations: 0,
    introspections: 0,
    deviceAuthorizations: 0,
    deviceGrants: 0,
  });
  const emptyStatus = await runCli(["status"], env);
  assert.equal(emptyStatus.code, 0, emptyStatus.stderr);
  assert.equal(emptyStatus.stdout, "");
  assert.match(emptyStatus.stderr, /No cached sessions/);
  assert.equal((await runCli(["status", "--json"], env)).stdout, "[]\n");
  const noRefresh = await runCli(["check-refresh-ttl", "google"], env);
  assert.equal(noRefresh.code, 1);
  assert.equal(noRefresh.stdout, "");
  assert.match(noRefresh.stderr, /error: No refresh token is cached for "google" \(hint: log in first/);

  // token logs in through the browser and prints the tokens.
  const token = await runCli(["token", "google"], env);
  assert.equal(token.code, 0, token.stderr);
  assert.equal(token.stdout.trim().split("\n").length, 1, "exactly one JSON line");
  const tokens = JSON.parse(token.stdout);
  assert.deepEqual(Object.keys(tokens), ["version", "id_token", "access_token", "expiry"]);
  assert.equal(tokens.version, 1);
  assert.match(tokens.id_token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.ok(tokens.access_token.length > 10);
  const idTokenExp = JSON.parse(atob(tokens.id_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp;
  assert.equal(tokens.expiry, new Date(idTokenExp * 1000).toISOString());
  assert.equal(idp.counters.codeGrants, 1);
  assertNoSecrets(token.stderr, [tokens.id_token, tokens.access_token]);

  // auth reuses those tokens for STS; a second token run is served from the cache.
  const auth = await runCli(["auth", "google"], env);
  assert.equal(auth.code, 0, auth.stderr);
  const credentials = JSON.parse(auth.stdout);
  const again = await runCli(["token", "google"], env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).id_token, tokens.id_token);
  assert.equal(idp.counters.codeGrants, 1, "no second login");

  const [tokenFile] = (await cacheFiles(cacheDir)).filter((name) => name.startsWith("tokens-"));
  const refreshToken = JSON.parse(await Deno.readTextFile(join(cacheDir, tokenFile))).refreshToken;
  assert.ok(refreshToken, "the IdP issued a refresh token");
  const secrets = [
    tokens.id_token,
    tokens.access_token,
    refreshToken,
    credentials.SecretAccessKey,
    credentials.SessionToken,
  ];

  const before = { ...idp.counters };
  const valid = await runCli(["check-token-valid", "google"], env);
  assert.equal(valid.code, 0, valid.stderr);
  assert.equal(valid.stdout, "valid\n");
  assert.deepEqual(idp.counters, before, "check-token-valid makes no request to the IdP");

  const table = await runCli(["status"], env);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 3, table.stdout);
  assert.match(lines[0], /^PROVIDER\s+KIND\s+ROLE \/ ISSUER\s+IDENTITY\s+EXPIRES\s+REFRESH TOKEN$/);
  assert.match(lines[1], /^google\s+credentials\s+arn:aws:iam::123456789012:role\/your-role-name\s+/);
  assert.match(lines[1], /test-user@example\.test\s+in 1[0-4] min$/);
  assert.match(
    lines[2],
    new RegExp(`^google\\s+tokens\\s+${idp.issuer}\\s+test-user@example\\.test\\s+in \\d+ min\\s+cached$`),
  );
  assertNoSecrets(table.stdout + table.stderr, secrets);

  const json = await runCli(["status", "--json"], env);
  assert.equal(json.code, 0, json.stderr);
  const sessions = JSON.parse(json.stdout);
  assert.equal(sessions.length, 2);
  assert.deepEqual(sessions.map((s: { kind: string; provider: string }) => [s.kind, s.provider]), [
    ["credentials", "google"],
    ["tokens", "google"],
  ]);
  assert.equal(sessions[0].role_arn, ROLE);
  assert.equal(sessions[0].expires_at, new Date(credentials.Expiration).toISOString());
  assert.ok(sessions[0].expires_in > 600 && sessions[0].expires_in <= 900);
  assert.equal(sessions[1].issuer, idp.issuer);
  assert.equal(sessions[1].client_id, idp.publicClientId);
  assert.equal(sessions[1].refresh_token, true);
  assertNoSecrets(json.stdout + json.stderr, secrets);
  assert.deepEqual(idp.counters, before, "status makes no request to the IdP");

  const ttl = await runCli(["check-refresh-ttl", "google"], env);
  assert.equal(ttl.code, 0, ttl.stderr);
  const answer = JSON.parse(ttl.stdout);
  assert.equal(answer.active, true);
  assert.ok(answer.expires_in > 86000 && answer.expires_in <= 86400, `expires_in ${answer.expires_in}`);
  assert.ok(Math.abs(Date.parse(answer.expires_at) - (Date.now() + answer.expires_in * 1000)) < 5000);
  assert.equal(idp.counters.introspections, 1);
  assertNoSecrets(ttl.stdout + ttl.stderr, secrets);

  const logout = await runCli(["logout", "google"], env);
  assert.equal(logout.code, 0, logout.stderr);
  assert.equal(logout.stdout, "");
  assert.match(logout.stderr, /Revoked the refresh token/);
  assert.match(logout.stderr, /Logged out of "google": removed 2 cache files/);
  assertNoSecrets(logout.stderr, secrets);
  assert.equal(idp.counters.revocations, 1);
  assert.deepEqual(await cacheFiles(cacheDir), []);
  const config = await loadConfigFile(join(home, ".aws-oidc", "config"));
  const provider = requireProvider({ config, name: "google", env: () => undefined });
  assert.deepEqual(await introspectRefreshToken(provider, refreshToken), { active: false, expiresAt: undefined });

  const after = await runCli(["check-token-valid", "google"], env);
  assert.equal(after.code, 1);
  assert.equal(after.stdout, "invalid\n");
  const nothingLeft = await runCli(["logout", "google"], env);
  assert.equal(nothingLeft.code, 0, nothingLeft.stderr);
  assert.match(nothingLeft.stderr, /No cached session for "google"/);
  assert.equal(idp.counters.revocations, 1, "nothing to revoke the second time");
});

Deno.test("logout --all revokes every session; an unreachable IdP still loses the local files, exit 1", async () => {
  await using fixture = await fixtures({ confidential: true });
  const { idp, env, cacheDir } = fixture;
  for (const name of ["google", "confidential"]) {
    const run = await runCli(["auth", name], env);
    assert.equal(run.code, 0, run.stderr);
  }
  assert.equal(idp.counters.codeGrants, 2);
  assert.equal((await cacheFiles(cacheDir)).length, 4);

  const usage = await runCli(["logout"], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /error: logout needs a provider name or --all/);
  const both = await runCli(["logout", "google", "--all"], env);
  assert.equal(both.code, 2);

  const all = await runCli(["logout", "--all"], env);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(idp.counters.revocations, 2, "the public and the confidential client's refresh tokens");
  assert.match(all.stderr, /Removed 4 cached token and credential files/);
  assert.deepEqual(await cacheFiles(cacheDir), []);

  // A second login needs a second browser (a profile is in use until its browser is stopped).
  const browser = await chromiumAgent();
  const token = await runCli(["token", "google", "--agent", JSON.stringify(browser.argv)], env)
    .finally(() => browser.stop());
  assert.equal(token.code, 0, token.stderr);
  await idp.close();
  const offline = await runCli(["logout", "google"], env);
  assert.equal(offline.code, 1);
  assert.equal(offline.stdout, "");
  assert.match(
    offline.stderr,
    /error: The cached session was removed, but revocation failed: Cannot reach the identity/,
  );
  assert.match(offline.stderr, /may stay valid at the identity provider until it expires/);
  assert.deepEqual(await cacheFiles(cacheDir), []);
});

Deno.test("an IdP without introspection or revocation endpoints: check-refresh-ttl says so, logout still forgets", async () => {
  await using idp = await startHostileIdp("honest");
  const home = await makeHome(`
[[AuthProvider]]
name = "plain"
role_arn = "${ROLE}"
provider_url = "${idp.issuer}"
client_id = "${idp.clientId}"
`);
  const env = cleanEnv(home);
  const cacheDir = join(home, ".aws-oidc", "cache");
  await using _home = removing(home);
  const store = await openCacheStore(cacheDir);
  await store.write(await cacheFileName(defaultTokenKey(idp.issuer, idp.clientId)), {
    issuer: idp.issuer,
    clientId: idp.clientId,
    idToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl",
    idTokenExpiresAt: Math.floor(Date.now() / 1000) + 3600,
    sub: "user",
    aud: [idp.clientId],
    claims: { sub: "user" },
    accessToken: "access-token",
    refreshToken: "refresh-token",
    loggedInAt: Math.floor(Date.now() / 1000),
  });
  const ttl = await runCli(["check-refresh-ttl", "plain"], env);
  assert.equal(ttl.code, 1);
  assert.equal(ttl.stdout, "");
  assert.match(ttl.stderr, /error: The identity provider ".*" publishes no introspection_endpoint \(hint: /);

  const logout = await runCli(["logout", "plain"], env);
  assert.equal(logout.code, 0, logout.stderr);
  assert.match(logout.stderr, /warning: .*publishes no revocation_endpoint; the refresh token stays valid there/);
  assert.deepEqual(await cacheFiles(cacheDir), []);
});
