/**
 * Sessions that last: counted at the IdP and STS fixtures, with real headless
 * Chromium whose launches are recorded.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli, spawnCli } from "../helpers/cli.ts";
import { providerTable, startWorld, type World } from "../helpers/world.ts";
import { removing } from "../helpers/dispose.ts";

const ROLE = "arn:aws:iam::123456789012:role/cached";

interface CacheWorld extends World {
  cache: string;
  launches(): Promise<number>;
}

async function world(agentToml?: string): Promise<CacheWorld> {
  const record = await Deno.makeTempFile({ prefix: "aws-oidc-launches-" });
  const w = await startWorld({
    roles: [ROLE],
    agent: { recordTo: record },
    config: (servers) =>
      providerTable(servers, { role: ROLE, agent: agentToml, fields: ["duration = 3600", "timeout = 60"] }),
  });
  return {
    ...w,
    cache: join(w.home, ".aws-oidc", "cache"),
    launches: async () => (await Deno.readTextFile(record)).split("\n").filter(Boolean).length,
    async close() {
      await w.close();
      await Deno.remove(record);
    },
  };
}

async function auth(w: CacheWorld, ...args: string[]) {
  const run = await runCli(["auth", "idp", ...args], w.env);
  assert.equal(run.code, 0, run.stderr);
  return { ...run, json: JSON.parse(run.stdout) };
}

async function cacheFile(w: CacheWorld, kind: "tokens" | "credentials"): Promise<string> {
  for await (const entry of Deno.readDir(w.cache)) {
    if (entry.name.startsWith(`${kind}-`) && entry.name.endsWith(".json")) return join(w.cache, entry.name);
  }
  throw new Error(`no ${kind} file in ${w.cache}`);
}

/** Edits a cache file as time would: `change` gets and returns the parsed JSON. */
async function age(w: CacheWorld, kind: "tokens" | "credentials", change: (data: Record<string, unknown>) => void) {
  const path = await cacheFile(w, kind);
  const data = JSON.parse(await Deno.readTextFile(path));
  change(data);
  await Deno.writeTextFile(path, JSON.stringify(data));
}

function staleEverything(w: CacheWorld) {
  return Promise.all([
    age(w, "credentials", (d) => d.expiration = new Date(Date.now() + 60_000).toISOString()),
    age(w, "tokens", (d) => d.idTokenExpiresAt = Math.floor(Date.now() / 1000)),
  ]);
}

Deno.test("second auth: zero IdP and STS calls; cache files 0600 in a 0700 directory", async () => {
  await using w = await world();
  const first = await auth(w);
  const counts = { ...w.idp.counters, sts: w.sts.counters.assumeRoleWithWebIdentity };
  const second = await auth(w);
  assert.deepEqual(second.json, first.json);
  assert.deepEqual({ ...w.idp.counters, sts: w.sts.counters.assumeRoleWithWebIdentity }, counts);
  assert.equal(await w.launches(), 1);
  assert.equal((await Deno.stat(w.cache)).mode! & 0o777, 0o700);
  for await (const entry of Deno.readDir(w.cache)) {
    if (entry.name.endsWith(".json")) assert.equal((await Deno.stat(join(w.cache, entry.name))).mode! & 0o777, 0o600);
  }
  const tokensText = await Deno.readTextFile(await cacheFile(w, "tokens"));
  assert.doesNotMatch(first.stderr + second.stderr, /eyJ/, "no token on stderr");
  assert.match(tokensText, /"refreshToken":"/, "a refresh token was obtained");
});

Deno.test("stale credentials and ID token, refresh token valid: one refresh grant, one STS call, no browser", async () => {
  await using w = await world();
  const first = await auth(w);
  await staleEverything(w);
  const second = await auth(w);
  assert.notEqual(second.json.AccessKeyId, first.json.AccessKeyId);
  assert.equal(w.idp.counters.refreshGrants, 1);
  assert.equal(w.idp.counters.authorizations, 1);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 2);
  assert.equal(await w.launches(), 1);
  // The rotated refresh token was stored: a second refresh works too.
  await staleEverything(w);
  await auth(w);
  assert.equal(w.idp.counters.refreshGrants, 2);
  assert.equal(await w.launches(), 1);
});

Deno.test("stale credentials, ID token still valid: straight to STS", async () => {
  await using w = await world();
  await auth(w);
  await age(w, "credentials", (d) => d.expiration = new Date(Date.now() + 60_000).toISOString());
  await auth(w);
  assert.equal(w.idp.counters.refreshGrants, 0);
  assert.equal(w.idp.counters.codeGrants, 1);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 2);
});

Deno.test("refresh token revoked: the browser flow runs again", async () => {
  await using w = await world();
  await auth(w);
  const tokens = JSON.parse(await Deno.readTextFile(await cacheFile(w, "tokens")));
  const revoked = await fetch(`${w.idp.issuer}/token/revocation`, {
    method: "POST",
    body: new URLSearchParams({ token: tokens.refreshToken, client_id: w.idp.publicClientId }),
  });
  assert.equal(revoked.status, 200);
  await staleEverything(w);
  await w.agent.stop(); // the first browser holds the profile
  const second = await auth(w);
  assert.match(second.stderr, /invalid_grant.*logging in again/);
  assert.equal(w.idp.counters.authorizations, 2);
  assert.equal(await w.launches(), 2);
});

Deno.test("20 concurrent auth on an empty cache: one browser, one code grant, one STS call", async () => {
  await using w = await world();
  const runs = await Promise.all(Array.from({ length: 20 }, () => runCli(["auth", "idp"], w.env)));
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  assert.equal(new Set(runs.map((run) => run.stdout)).size, 1, "all print the same credentials");
  assert.equal(await w.launches(), 1);
  assert.equal(w.idp.counters.authorizations, 1);
  assert.equal(w.idp.counters.codeGrants, 1);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1);
  assert.ok(runs.some((run) => /Waiting for a login to "idp" in another aws-oidc process/.test(run.stderr)));
});

Deno.test("kill -9 of a process waiting for the browser: the next auth completes", async () => {
  await using w = await world(JSON.stringify(["/bin/true"]));
  const child = spawnCli(["auth", "idp"], w.env);
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("Log in to")) seen += (await reader.read()).value ?? "";
  // The process holds the lock and waits for a browser that will never come.
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stderr.cancel().catch(() => {});
  await child.stdout.cancel();
  await w.writeConfig(
    (await Deno.readTextFile(w.configPath)).replace(`agent = ["/bin/true"]`, `agent = ${w.agent.toml}`),
  );
  const run = await auth(w);
  assert.equal(run.json.Version, 1);
  assert.doesNotMatch(run.stderr, /Waiting for a login/);
});

Deno.test("a corrupted cache file is reported, replaced, never a crash", async () => {
  await using w = await world();
  await auth(w);
  const path = await cacheFile(w, "credentials");
  await Deno.writeTextFile(path, '{"v":1,"accessKeyId":');
  const run = await auth(w);
  assert.match(run.stderr, /was corrupted and has been discarded/);
  assert.equal(run.json.Version, 1);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 2, "the cached ID token got new credentials");
  JSON.parse(await Deno.readTextFile(await cacheFile(w, "credentials")));
});

Deno.test("a cache directory readable by others is fixed to 0700, with a warning", async () => {
  await using w = await world();
  await auth(w);
  await Deno.chmod(w.cache, 0o755);
  const run = await auth(w);
  assert.match(run.stderr, /was readable by others \(mode 0755\); fixed to 0700/);
  assert.equal((await Deno.stat(w.cache)).mode! & 0o777, 0o700);
});

Deno.test("node-local cache: bootstrapped from the shared cache on first use", async () => {
  await using w = await world();
  const local = join(await Deno.makeTempDir(), "node-local");
  await using _local = removing(local);
  const first = await auth(w);
  const second = await auth(w, "--node-local-cache", local);
  assert.deepEqual(second.json, first.json, "served from the copied cache");
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1);
  assert.equal((await Deno.stat(local)).mode! & 0o777, 0o700);
  const names = [...Deno.readDirSync(local)].map((entry) => entry.name).filter((name) =>
    /^(tokens|credentials)-/.test(name)
  );
  assert.equal(names.length, 2);
  await w.agent.stop(); // the first browser holds the profile
  const viaEnv = await runCli(["auth", "idp", "--no-cache"], { ...w.env, AWS_OIDC_NODE_LOCAL_CACHE: local });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 2, "--no-cache skips reading");
});
