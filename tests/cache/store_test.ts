import assert from "node:assert/strict";
import { CACHE_VERSION } from "../../src/cache/keys.ts";
import { cacheDir, type CacheStore, openCacheStore } from "../../src/cache/store.ts";
import { AwsOidcError } from "../../src/errors.ts";
import { removing } from "../helpers/dispose.ts";

const onWindows = Deno.build.os === "windows";
const NAME = "tokens-0123456789abcdef0123456789abcdef.json";

/** A fresh temp directory holding a cache directory, removed afterwards. */
async function withTempDir(run: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "aws-oidc-cache-" });
  await using _root = removing(root);
  await run(root);
}

async function withStore(run: (store: CacheStore, problems: string[]) => Promise<void>): Promise<void> {
  await withTempDir(async (root) => {
    const problems: string[] = [];
    const store = await openCacheStore(`${root}/cache`, { onProblem: (message) => problems.push(message) });
    await run(store, problems);
  });
}

async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;

Deno.test("what is written reads back, stored with the version", async () => {
  await withStore(async (store, problems) => {
    const data = { accessToken: "at", expiresAt: 1700000000, scopes: ["openid"], nested: { a: 1 } };
    assert.equal(await store.read(NAME), undefined);
    await store.write(NAME, data);
    assert.deepEqual(await store.read(NAME), data);
    const raw = JSON.parse(await Deno.readTextFile(`${store.dir}/${NAME}`));
    assert.deepEqual(raw, { v: CACHE_VERSION, ...data });

    await store.write(NAME, { accessToken: "newer", v: 99 });
    assert.deepEqual(await store.read(NAME), { accessToken: "newer" });
    assert.deepEqual(problems, []);
  });
});

Deno.test("the directory is created 0700 and files are written 0600", { ignore: onWindows }, async () => {
  await withTempDir(async (root) => {
    const store = await openCacheStore(`${root}/nested/cache`);
    assert.equal(await mode(store.dir), 0o700);
    await store.write(NAME, { a: 1 });
    assert.equal(await mode(`${store.dir}/${NAME}`), 0o600);
  });
});

Deno.test("a directory open to others is fixed to 0700 and reported", { ignore: onWindows }, async () => {
  await withTempDir(async (root) => {
    const dir = `${root}/cache`;
    await Deno.mkdir(dir);
    await Deno.chmod(dir, 0o755);
    const problems: string[] = [];
    await openCacheStore(dir, { onProblem: (message) => problems.push(message) });
    assert.equal(await mode(dir), 0o700);
    assert.deepEqual(problems, [`Cache directory "${dir}" was readable by others (mode 0755); fixed to 0700`]);

    await openCacheStore(dir, { onProblem: (message) => problems.push(message) });
    assert.equal(problems.length, 1);
  });
});

Deno.test("a file with a mode other than 0600 is fixed, reported and still read", { ignore: onWindows }, async () => {
  await withStore(async (store, problems) => {
    await store.write(NAME, { a: 1 });
    await Deno.chmod(`${store.dir}/${NAME}`, 0o644);
    assert.deepEqual(await store.read(NAME), { a: 1 });
    assert.equal(await mode(`${store.dir}/${NAME}`), 0o600);
    assert.deepEqual(problems, [`Cache file "${NAME}" had mode 0644; fixed to 0600`]);
    await store.read(NAME);
    assert.equal(problems.length, 1);
  });
});

Deno.test("a path that is not a directory is refused with a hint", async () => {
  await withTempDir(async (root) => {
    const path = `${root}/file`;
    await Deno.writeTextFile(path, "x");
    const error = await openCacheStore(path).then(() => undefined, (caught) => caught);
    assert.ok(error instanceof AwsOidcError);
    assert.equal(error.message, `Cache directory "${path}" is not a directory`);
    assert.ok(error.hint);
  });
});

const corruptions: [string, Uint8Array | string][] = [
  ["truncated JSON", `{"v":${CACHE_VERSION},"accessToken":"a`],
  ["garbage bytes", new Uint8Array([0xff, 0xfe, 0x00, 0x9c, 0x42])],
  ["a JSON array", `[${CACHE_VERSION}]`],
  ["JSON null", "null"],
  ["no version", `{"accessToken":"a"}`],
];

for (const [label, content] of corruptions) {
  Deno.test(`a cache file holding ${label} reads as absent, is reported once and removed`, async () => {
    await withStore(async (store, problems) => {
      const path = `${store.dir}/${NAME}`;
      if (typeof content === "string") await Deno.writeTextFile(path, content, { mode: 0o600 });
      else await Deno.writeFile(path, content, { mode: 0o600 });

      assert.equal(await store.read(NAME), undefined);
      assert.equal(await store.read(NAME), undefined);
      assert.deepEqual(problems, [`Cache file "${NAME}" was corrupted and has been discarded`]);
      assert.deepEqual(await entries(store.dir), []);

      await store.write(NAME, { accessToken: "fresh" });
      assert.deepEqual(await store.read(NAME), { accessToken: "fresh" });
      assert.equal(problems.length, 1);
    });
  });
}

Deno.test("regression: a cache file of another format version misses and is kept, whatever its shape", async () => {
  await withStore(async (store, problems) => {
    const path = `${store.dir}/${NAME}`;
    for (const version of [CACHE_VERSION + 1, CACHE_VERSION - 1, "2.0"]) {
      const text = JSON.stringify({ v: version, sealed: "another installed version's format" });
      await Deno.writeTextFile(path, text, { mode: 0o600 });
      assert.equal(await store.read(NAME, (data) => typeof data.sub === "string"), undefined, String(version));
      assert.equal(await Deno.readTextFile(path), text, `version ${version} is left as it was`);
    }
    assert.deepEqual(problems, [], "another version is not a problem");
  });
});

Deno.test("data that fails the reader's shape check reads as corrupted: reported and removed", async () => {
  await withStore(async (store, problems) => {
    await store.write(NAME, { sub: 42 });
    const isValid = (data: Record<string, unknown>) => typeof data.sub === "string";
    assert.equal(await store.read(NAME, isValid), undefined);
    assert.deepEqual(problems, [`Cache file "${NAME}" was corrupted and has been discarded`]);
    assert.deepEqual(await entries(store.dir), []);
    await store.write(NAME, { sub: "alice" });
    assert.deepEqual(await store.read(NAME, isValid), { sub: "alice" });
  });
});

Deno.test("a symlink at a cache file is never followed: not read, and replaced on write", async () => {
  await withStore(async (store, problems) => {
    const target = `${store.dir}/../precious.json`;
    const original = JSON.stringify({ v: CACHE_VERSION, secret: "keep me" });
    await Deno.writeTextFile(target, original);
    const link = `${store.dir}/${NAME}`;
    await Deno.symlink(target, link);

    assert.equal(await store.read(NAME), undefined);
    assert.deepEqual(problems, [`Cache file "${NAME}" is a symbolic link and has been removed`]);
    assert.equal(await Deno.readTextFile(target), original);

    await Deno.symlink(target, link);
    await store.write(NAME, { secret: "overwritten?" });
    assert.equal(await Deno.readTextFile(target), original);
    assert.ok((await Deno.lstat(link)).isFile);
    assert.deepEqual(await store.read(NAME), { secret: "overwritten?" });
  });
});

Deno.test("a directory at a cache file's name is ignored on read and a write fails cleanly", async () => {
  await withStore(async (store, problems) => {
    await Deno.mkdir(`${store.dir}/${NAME}/inside`, { recursive: true });
    assert.equal(await store.read(NAME), undefined);
    assert.equal(await store.read(NAME), undefined);
    assert.deepEqual(problems, [`Cache file "${NAME}" is not a regular file and was ignored`]);

    const error = await store.write(NAME, { a: 1 }).then(() => undefined, (caught) => caught);
    assert.ok(error instanceof AwsOidcError);
    assert.match(error.message, /^Cannot write cache file "tokens-[0-9a-f]{32}\.json": /);
    assert.ok(error.hint);
    assert.deepEqual(await entries(store.dir), [NAME]);
  });
});

Deno.test("writes leave no temp files; list names only cache files", async () => {
  await withStore(async (store) => {
    const other = "credentials-fedcba9876543210fedcba9876543210.json";
    await Promise.all([store.write(NAME, { a: 1 }), store.write(NAME, { a: 2 }), store.write(other, { b: 1 })]);
    await store.write(NAME, { a: 3 });
    assert.deepEqual(await entries(store.dir), [other, NAME]);
    assert.deepEqual(await store.list(), [other, NAME]);
    assert.deepEqual(await store.read(NAME), { a: 3 });
  });
});

Deno.test("list removes temp files left over for more than an hour, and keeps fresh ones", async () => {
  await withStore(async (store) => {
    const stale = `${store.dir}/.${NAME}.aaaa.tmp`;
    const fresh = `${store.dir}/.${NAME}.bbbb.tmp`;
    await Deno.writeTextFile(stale, "{");
    await Deno.writeTextFile(fresh, "{");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await Deno.utime(stale, twoHoursAgo, twoHoursAgo);
    await store.write(NAME, { a: 1 });

    assert.deepEqual(await store.list(), [NAME]);
    assert.deepEqual(await entries(store.dir), [`.${NAME}.bbbb.tmp`, NAME]);
  });
});

Deno.test("remove says whether there was a file", async () => {
  await withStore(async (store) => {
    await store.write(NAME, { a: 1 });
    assert.equal(await store.remove(NAME), true);
    assert.equal(await store.remove(NAME), false);
    assert.equal(await store.read(NAME), undefined);
  });
});

Deno.test("names that could escape the directory are refused", async () => {
  await withStore(async (store) => {
    for (const name of ["../x.json", "a/b.json", ".hidden.json", "x.txt", ""]) {
      await assert.rejects(store.read(name), /Invalid cache file name/);
      await assert.rejects(store.write(name, {}), /Invalid cache file name/);
    }
  });
});

Deno.test("cacheDir: the flag, then AWS_OIDC_CACHE_DIR, then ~/.aws-oidc/cache", () => {
  const home = Deno.build.os === "windows" ? "USERPROFILE" : "HOME";
  const sep = Deno.build.os === "windows" ? "\\" : "/";
  const env = (values: Record<string, string>) => (name: string) => values[name];
  const withHome = { [home]: "/home/alice", AWS_OIDC_CACHE_DIR: "/from/env" };

  assert.equal(cacheDir("/from/flag", env(withHome)), "/from/flag");
  assert.equal(cacheDir(undefined, env(withHome)), "/from/env");
  assert.equal(cacheDir(undefined, env({ [home]: "/home/alice/" })), `/home/alice${sep}.aws-oidc${sep}cache`);
  assert.equal(
    cacheDir("", env({ [home]: "/home/alice", AWS_OIDC_CACHE_DIR: "" })),
    `/home/alice${sep}.aws-oidc${sep}cache`,
  );
  assert.equal(cacheDir("~/c", env({ [home]: "/home/alice" })), `/home/alice${sep}c`);
  assert.throws(() => cacheDir(undefined, env({})), AwsOidcError);
});
