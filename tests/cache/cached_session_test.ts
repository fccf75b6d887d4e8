/**
 * The cache decorator on its own: a real store in a temp directory, an inner
 * source that records its calls, and an injected clock.
 */
import assert from "node:assert/strict";
import { cachedSession, type CachedSessionOptions } from "../../src/cache/cached_session.ts";
import type { CredentialEntry, TokenEntry } from "../../src/cache/entries.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import { createLog } from "../../src/log.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const names = { tokens: "tokens-t.json", credentials: "credentials-c.json" };

function credentials(minutesLeft: number, key = "ASIAOLD"): CredentialEntry {
  return {
    provider: "p",
    issuer: "https://idp.example",
    clientId: "client",
    roleArn: "arn:aws:iam::123456789012:role/r",
    region: "us-east-1",
    duration: 3600,
    sub: "alice",
    sessionName: "alice",
    accessKeyId: key,
    secretAccessKey: "s",
    sessionToken: "t",
    expiration: new Date(NOW + minutesLeft * 60_000).toISOString(),
  };
}

const tokens: TokenEntry = {
  issuer: "https://idp.example",
  clientId: "client",
  idToken: "id",
  idTokenExpiresAt: NOW / 1000 + 3600,
  sub: "alice",
  aud: ["client"],
  claims: {},
  accessToken: "at",
  refreshToken: "rt",
  loggedInAt: NOW / 1000,
};

async function setup() {
  const dir = await Deno.makeTempDir();
  const store = await openCacheStore(dir);
  const warnings: string[] = [];
  const seen: (TokenEntry | undefined)[] = [];
  const locks: string[] = [];
  const options: CachedSessionOptions = {
    store,
    log: createLog({ stderr: (text) => warnings.push(text), terminal: undefined }),
    names,
    session: { duration: 3600 },
    now: () => NOW,
    trustCache: true,
    lock: (fn) => (locks.push("held"), fn()),
  };
  const source = (cached: TokenEntry | undefined) => (seen.push(cached), Promise.resolve(credentials(60, "ASIANEW")));
  return { dir, store, options, source, seen, locks, warnings };
}

Deno.test("cachedSession: a hit outside the window never calls the source nor takes the lock", async () => {
  const { dir, store, options, source, seen, locks } = await setup();
  await store.write(names.credentials, { ...credentials(20) });
  await store.write(names.tokens, { ...tokens });
  assert.equal((await cachedSession(source, options)).accessKeyId, "ASIAOLD");
  assert.deepEqual([seen.length, locks.length], [0, 0]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cachedSession: inside the window the source gets the cached tokens, and its answer is stored", async () => {
  const { dir, store, options, source, seen, locks } = await setup();
  await store.write(names.credentials, { ...credentials(10) }); // 10 min left, window 15 min
  await store.write(names.tokens, { ...tokens });
  assert.equal((await cachedSession(source, options)).accessKeyId, "ASIANEW");
  assert.deepEqual([seen.length, locks.length, seen[0]?.refreshToken], [1, 1, "rt"]);
  assert.equal((await store.read<CredentialEntry>(names.credentials))?.accessKeyId, "ASIANEW");
  // The injected clock decides: an hour later even the new set is inside the window.
  assert.equal((await cachedSession(source, { ...options, now: () => NOW + 50 * 60_000 })).accessKeyId, "ASIANEW");
  assert.equal(seen.length, 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cachedSession: an untrusted cache is not read, but the answer is still stored", async () => {
  const { dir, store, options, source, seen } = await setup();
  await store.write(names.credentials, { ...credentials(50) });
  await store.write(names.tokens, { ...tokens });
  await cachedSession(source, { ...options, trustCache: false });
  assert.deepEqual(seen, [undefined]);
  assert.equal((await store.read<CredentialEntry>(names.credentials))?.accessKeyId, "ASIANEW");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cachedSession: credentials written by another process while waiting for the lock are served", async () => {
  const { dir, store, options, source, seen } = await setup();
  await store.write(names.tokens, { ...tokens });
  const lock: CachedSessionOptions["lock"] = async (fn) => {
    await store.write(names.credentials, { ...credentials(40, "ASIAOTHER") }); // the holder finished first
    return await fn();
  };
  assert.equal((await cachedSession(source, { ...options, lock })).accessKeyId, "ASIAOTHER");
  assert.equal(seen.length, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cachedSession: an unwritable cache still answers, with one warning naming the directory", async () => {
  const { dir, options, source, warnings } = await setup();
  await Deno.chmod(dir, 0o500);
  try {
    if (Deno.uid() === 0) {
      // root writes through 0500: make the target a directory instead, so the rename fails.
      await Deno.chmod(dir, 0o700);
      await Deno.mkdir(`${dir}/${names.credentials}`);
    }
    assert.equal((await cachedSession(source, options)).accessKeyId, "ASIANEW");
    assert.equal((await cachedSession(source, options)).accessKeyId, "ASIANEW");
    const lines = warnings.join("").split("\n").filter((line) => line.includes("Cannot write to the cache"));
    assert.equal(lines.length, 1);
    assert.ok(lines[0].includes(dir));
  } finally {
    await Deno.chmod(dir, 0o700);
    await Deno.remove(dir, { recursive: true });
  }
});
