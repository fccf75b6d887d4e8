/**
 * Refresh tokens in the OS keychain, for real: gnome-keyring on a private
 * D-Bus session, the CLI logging in with headless Chromium, refreshing and
 * logging out. Every `secret-tool` command line is recorded and every
 * process's command line scanned while the CLI runs; no secret may appear in
 * them, nor in any file outside the cache (where it is sealed). Linux only
 * (gnome-keyring, /proc); macOS and Windows run their real backend's round
 * trip in tests/cache/keychain/system_keychain_test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { NO_BUS, runCli } from "../helpers/cli.ts";
import { providerTable, startWorld, type World } from "../helpers/world.ts";
import { type Keyring, startKeyring } from "../helpers/keyring.ts";
import { withCommandLineScan } from "../helpers/cmdlines.ts";
import { importDataKey, isSealed, unsealEntry } from "../../src/cache/sealed.ts";

const ROLE = "arn:aws:iam::123456789012:role/keychain";
const ITEM = ["service", "aws-oidc", "kind", "data-key"];

async function world(storage: string, env: Record<string, string> = {}): Promise<World & { cache: string }> {
  const w = await startWorld({
    roles: [ROLE],
    env,
    config: (servers) => `storage = "${storage}"\n` + providerTable(servers, { role: ROLE, fields: ["timeout = 60"] }),
  });
  return { ...w, cache: join(w.home, ".aws-oidc", "cache") };
}

async function tokenFile(cache: string): Promise<{ path: string; data: Record<string, unknown> }> {
  for await (const entry of Deno.readDir(cache)) {
    if (entry.name.startsWith("tokens-") && entry.name.endsWith(".json")) {
      const path = join(cache, entry.name);
      return { path, data: JSON.parse(await Deno.readTextFile(path)) };
    }
  }
  throw new Error(`no token file in ${cache}`);
}

/** Runs the CLI while scanning every process's command line; returns the run and the command lines seen. */
async function runScanning(args: string[], env: Record<string, string>) {
  const { result, seen } = await withCommandLineScan(() => runCli(args, env));
  return { ...result, seen };
}

/** The refresh token sealed in the token file, opened with the keyring's data key. */
async function sealedSecrets(keyring: Keyring, cache: string): Promise<{ key: string; refreshToken: string }> {
  const { path, data } = await tokenFile(cache);
  assert.ok(isSealed(data), "the token file is sealed");
  assert.equal(data.refreshToken, undefined, "no refresh token in the clear");
  assert.equal(data.idToken, undefined, "no ID token in the clear");
  const key = (await keyring.secretTool("lookup", ...ITEM)).stdout.trim();
  const entry = await unsealEntry(path.split("/").at(-1)!, data, await importDataKey(key, "secret-service"));
  assert.ok(entry.refreshToken, "a refresh token was obtained");
  return { key, refreshToken: entry.refreshToken! };
}

/** Files under `root`, except `skip`, whose content includes any of `secrets`. */
async function filesHolding(root: string, skip: string, secrets: string[]): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(root)) {
    const path = join(root, entry.name);
    if (path === skip || entry.isSymlink) continue;
    if (entry.isDirectory) found.push(...await filesHolding(path, skip, secrets));
    else if (entry.isFile) {
      const text = new TextDecoder().decode(await Deno.readFile(path));
      if (secrets.some((secret) => text.includes(secret))) found.push(path);
    }
  }
  return found;
}

Deno.test({
  ignore: Deno.build.os !== "linux",
  name:
    "keychain: login, refresh and logout with a real Secret Service; no secret on a command line or outside the cache",
}, async () => {
  await using keyring = await startKeyring({ unlocked: true });
  await using w = await world("keychain", keyring.env);
  const login = await runScanning(["auth", "idp"], w.env);
  assert.equal(login.code, 0, login.stderr);
  const first = await sealedSecrets(keyring, w.cache);
  const search = await keyring.secretTool("search", ...ITEM);
  assert.equal(search.code, 0);
  assert.match(search.stdout, /label = aws-oidc data key/, "secret-tool search shows the item");

  // Refresh: the ID token and credentials aged, the sealed refresh token is used (and rotated).
  const { path, data } = await tokenFile(w.cache);
  await Deno.writeTextFile(path, JSON.stringify({ ...data, idTokenExpiresAt: Math.floor(Date.now() / 1000) }));
  const credentials = (await tokenFile(w.cache)).path.replace(/tokens-[^/]+$/, "");
  for await (const entry of Deno.readDir(credentials)) {
    if (!entry.name.startsWith("credentials-")) continue;
    const file = join(credentials, entry.name);
    const cred = JSON.parse(await Deno.readTextFile(file));
    await Deno.writeTextFile(
      file,
      JSON.stringify({ ...cred, expiration: new Date(Date.now() + 60_000).toISOString() }),
    );
  }
  const refresh = await runScanning(["auth", "idp"], w.env);
  assert.equal(refresh.code, 0, refresh.stderr);
  assert.equal(w.idp.counters.refreshGrants, 1, "refreshed with the sealed refresh token");
  assert.equal(w.idp.counters.authorizations, 1, "no second browser login");
  const second = await sealedSecrets(keyring, w.cache);
  assert.equal(second.key, first.key, "one data key per user");

  // A cache hit on the full path (--debug skips the fast path) decides from the sealed file's clear fields.
  const opened = (await keyring.recorded()).length;
  const hit = await runCli(["auth", "idp", "--debug"], w.env);
  assert.equal(hit.code, 0, hit.stderr);
  assert.match(hit.stderr, /serving cached credentials/);
  assert.equal((await keyring.recorded()).length, opened, "a cache hit does not open the keychain");

  // The commands that read the token file see through the seal.
  const status = JSON.parse((await runCli(["status", "--json"], w.env)).stdout);
  assert.equal(status.find((session: { kind: string }) => session.kind === "tokens").refresh_token, true);
  const ttl = await runCli(["check-refresh-ttl", "idp"], w.env);
  assert.equal(ttl.code, 0, ttl.stderr);
  assert.equal(JSON.parse(ttl.stdout).active, true, "the sealed refresh token was introspected");
  const doctor = await runCli(["doctor"], w.env);
  assert.match(
    doctor.stdout,
    /✔ Tokens of "idp": refresh and ID tokens sealed \(AES-256-GCM\) with a data key in the Secret Service \(secret-tool search service aws-oidc kind data-key\) \(storage = "keychain"\)\n/,
  );
  assert.match(doctor.stdout, /✔ STS credentials: 0600 files in ".*cache", never the keychain/);

  const logout = await runScanning(["logout", "idp"], w.env);
  assert.equal(logout.code, 0, logout.stderr);
  assert.equal(w.idp.counters.revocations, 1, "the unsealed refresh token was revoked");
  assert.match(logout.stderr, /Removed aws-oidc's data key from the keychain/);
  assert.equal((await keyring.secretTool("search", ...ITEM)).stdout, "", "the item is gone");

  const secrets = [first.key, first.refreshToken, second.refreshToken];
  const commandLines = [...login.seen, ...refresh.seen, ...logout.seen, ...await keyring.recorded()];
  assert.ok((await keyring.recorded()).some((line) => line.startsWith("secret-tool store")), "the shim saw a store");
  for (const line of commandLines) {
    assert.ok(!secrets.some((secret) => line.includes(secret)), `a secret on a command line: ${line.slice(0, 80)}`);
  }
  assert.deepEqual(await filesHolding(w.home, w.cache, secrets), [], "no secret in a file outside the cache");
});

Deno.test({
  ignore: Deno.build.os !== "linux",
  name:
    "keychain: a locked or missing Secret Service falls back to files under auto (said once), and fails clearly under keychain",
}, async () => {
  await using locked = await startKeyring({ unlocked: false });
  await using w = await world("auto", locked.env);
  const first = await runCli(["auth", "idp"], w.env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stderr,
    /Keeping tokens in 0600 files, not the keychain: Cannot store the data key in the Secret Service/,
  );
  const { data } = await tokenFile(w.cache);
  assert.ok(!isSealed(data) && typeof data.refreshToken === "string", "a plain 0600 token file");

  const refused = await runCli(["auth", "idp", "--force-login", "--storage", "keychain"], w.env);
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, "");
  assert.match(
    refused.stderr,
    /error: Cannot store the data key in the Secret Service: .*hint: it needs a D-Bus session/,
  );
  assert.equal(w.idp.counters.authorizations, 1, "refused before the browser opened");

  // No Secret Service at all (no D-Bus session there): the same, and the notice names the new reason once.
  const noBus = { ...w.env, DBUS_SESSION_BUS_ADDRESS: NO_BUS };
  await w.agent.stop(); // each browser login needs the profile free
  const missing = await runCli(["auth", "idp", "--force-login"], noBus);
  assert.equal(missing.code, 0, missing.stderr);
  assert.match(
    missing.stderr,
    /Keeping tokens in 0600 files, not the keychain: Cannot read the data key from the Secret Service: .*Could not connect/,
  );
  await w.agent.stop();
  const again = await runCli(["auth", "idp", "--force-login"], noBus);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /Keeping tokens/, "said once");
  const viaEnv = await runCli(["auth", "idp", "--force-login"], { ...noBus, AWS_OIDC_STORAGE: "keychain" });
  assert.equal(viaEnv.code, 1);
  assert.match(viaEnv.stderr, /error: Cannot .* the data key .*Secret Service/);
  const doctor = await runCli(["doctor"], { ...noBus, AWS_OIDC_STORAGE: "keychain" });
  assert.match(
    doctor.stdout,
    /✖ Tokens of "idp": storage = "keychain", but cannot read the data key from the Secret Service: .*Could not connect.*\(hint: .*D-Bus/,
  );
  const auto = await runCli(["doctor"], noBus);
  assert.match(
    auto.stdout,
    /✔ Tokens of "idp": 0600 files in ".*", as the keychain cannot be used: cannot read the data key/,
  );
});

Deno.test({
  ignore: Deno.build.os !== "linux",
  name: "keychain: switching backends moves the tokens in, and back out to a clean login",
}, async () => {
  await using keyring = await startKeyring({ unlocked: true });
  await using w = await world("file", keyring.env);
  assert.equal((await runCli(["auth", "idp"], w.env)).code, 0);
  assert.ok(!isSealed((await tokenFile(w.cache)).data), "storage = file: plain");
  const moved = await runCli(["auth", "idp", "--storage", "keychain"], w.env);
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stderr, /Moved the cached tokens of .* into the Secret Service/);
  await sealedSecrets(keyring, w.cache);

  // The keychain loses the key (another machine, a reset keyring): a clean login, not a crash.
  assert.equal((await keyring.secretTool("clear", ...ITEM)).code, 0);
  const { path, data } = await tokenFile(w.cache);
  await Deno.writeTextFile(path, JSON.stringify({ ...data, idTokenExpiresAt: 0 }));
  await w.agent.stop(); // the first browser holds the profile
  const back = await runCli(["auth", "idp", "--force-login", "--storage", "file"], w.env);
  assert.equal(back.code, 0, back.stderr);
  assert.ok(!isSealed((await tokenFile(w.cache)).data), "storage = file again: plain");
});
