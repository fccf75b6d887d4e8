import assert from "node:assert/strict";
import { fastIndexName, flagValue } from "../src/cache/fast_index.ts";
import { cachedAuth } from "../src/fast_path.ts";
import { join } from "node:path";
import { CACHE_VERSION } from "../src/cache/keys.ts";
import { recordingServices, runInProcess } from "./helpers/services.ts";
import { removing } from "./helpers/dispose.ts";

Deno.test("the fast index fingerprint changes with the arguments, the relevant environment and the config", () => {
  const config = 'region = "us-east-1"\n';
  const env = { HOME: "/home/me", PATH: "/bin", AWS_OIDC_ROLE_ARN: "arn:a" };
  const name = (args: string[], extra: Record<string, string> = {}, text = config, path = "/c") =>
    fastIndexName(args, path, text, (key) => ({ ...env, ...extra } as Record<string, string>)[key]);
  const base = name(["google"]);
  assert.match(base, /^fastpath-[0-9a-f]{16}\.json$/);
  assert.equal(name(["google"], { PATH: "/usr/bin" }), base, "PATH is irrelevant");
  assert.notEqual(name(["google", "--duration", "7200"]), base);
  assert.notEqual(name(["google"], { AWS_OIDC_ROLE_ARN: "arn:b" }), base);
  assert.notEqual(name(["google"], { AWS_REGION: "eu-west-1" }), base);
  assert.notEqual(name(["google"], {}, 'region = "eu-west-1"\n'), base, "a same-size edit of the config");
  assert.notEqual(name(["google"], {}, config, "/other"), base);
});

Deno.test("flags that need the full CLI bypass the fast path", () => {
  for (const flag of ["--no-cache", "--force-login", "--debug", "--help"]) {
    assert.equal(cachedAuth(["google", flag], () => undefined), undefined, flag);
  }
  assert.equal(flagValue(["g", "--config=/a"], "--config"), "/a");
  assert.equal(flagValue(["g", "--config", "/b"], "--config"), "/b");
  assert.equal(flagValue(["g"], "--config"), undefined);
});

/** A HOME whose cache answered `auth p` once through the full CLI (in-process), so the fast path knows it. */
async function answeredOnce(): Promise<{ home: string; env: (name: string) => string | undefined; json: string }> {
  const home = await Deno.makeTempDir({ prefix: "aws-oidc-fast-" });
  await Deno.mkdir(join(home, ".aws-oidc"));
  await Deno.writeTextFile(
    join(home, ".aws-oidc", "config"),
    `[[AuthProvider]]\nname = "p"\nprovider_url = "https://idp.example"\nclient_id = "c"\n` +
      `role_arn = "arn:aws:iam::123456789012:role/r"\n`,
  );
  const env = (name: string) => ({ HOME: home } as Record<string, string>)[name];
  const run = await runInProcess(["auth", "p"], env, recordingServices());
  assert.equal(run.code, 0, run.stderr);
  const json = cachedAuth(["p"], env);
  assert.equal(json, run.stdout, "the fast path serves what the full path answered");
  return { home, env, json: json! };
}

async function cacheFiles(home: string): Promise<Record<"tokens" | "credentials" | "fastpath", string>> {
  const dir = join(home, ".aws-oidc", "cache");
  const files: Record<string, string> = {};
  for await (const entry of Deno.readDir(dir)) {
    const kind = /^(tokens|credentials|fastpath)-/.exec(entry.name)?.[1];
    if (kind && entry.name.endsWith(".json")) files[kind] = join(dir, entry.name);
  }
  return files as Record<"tokens" | "credentials" | "fastpath", string>;
}

async function rewrite(path: string, change: (data: Record<string, unknown>) => unknown): Promise<void> {
  const data = JSON.parse(await Deno.readTextFile(path));
  const changed = change(data) ?? data;
  await Deno.writeTextFile(path, JSON.stringify(changed), { mode: 0o600 });
}

const FUZZ_SEED = Number(Deno.env.get("AWS_OIDC_FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 31));

Deno.test(`fast path fuzzed: expired, other version, wrong shape, vanished, after logout (seed ${FUZZ_SEED})`, async () => {
  console.log(`fast path fuzz seed ${FUZZ_SEED} (replay: AWS_OIDC_FUZZ_SEED=${FUZZ_SEED})`);
  let state = FUZZ_SEED >>> 0;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const { home, env, json } = await answeredOnce();
  const pristine = new Map<string, string>();
  for (const path of Object.values(await cacheFiles(home))) pristine.set(path, await Deno.readTextFile(path));
  const restore = async () => {
    for (const [path, text] of pristine) await Deno.writeTextFile(path, text, { mode: 0o600 });
  };
  const values = [null, 0, -1, 1e300, "", "x", [], {}, true, "2000-01-01T00:00:00Z"];
  const mutations: [string, () => Promise<void>][] = [
    ["expired credentials", () =>
      rewrite(pristine.keys().find((p) => p.includes("credentials-"))!, (d) => {
        d.expiration = new Date(Date.now() + pick([-3600, 0, 60, 899]) * 1000).toISOString();
      })],
    ["another format version", async () =>
      await rewrite(pick([...pristine.keys()]), (d) => {
        d.v = pick([CACHE_VERSION + 1, CACHE_VERSION - 1, "2", null]);
      })],
    ["a field of the wrong shape", async () =>
      await rewrite(pick([...pristine.keys()]), (d) => {
        const key = pick(Object.keys(d).filter((key) => key !== "v"));
        const kind = (value: unknown) => Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
        d[key] = pick(values.filter((value) => kind(value) !== kind(d[key])));
      })],
    ["a field missing", async () =>
      await rewrite(pick([...pristine.keys()]), (d) => {
        const keys = Object.keys(d).filter((key) => key !== "v");
        delete d[pick(keys)];
      })],
    ["not an object", async () => await Deno.writeTextFile(pick([...pristine.keys()]), pick(["[]", "null", "7", "{"]))],
    ["a vanished file", async () => await Deno.remove(pick([...pristine.keys()]))],
    ["another subject's tokens", () =>
      rewrite(pristine.keys().find((p) => p.includes("tokens-"))!, (d) => {
        d.sub = "mallory";
      })],
  ];
  await using _home = removing(home);
  for (let round = 0; round < 200; round++) {
    await restore();
    const [label, mutate] = pick(mutations);
    await mutate();
    let answer: string | undefined;
    try {
      answer = cachedAuth(["p"], env);
    } catch (error) {
      assert.fail(`seed ${FUZZ_SEED}, round ${round} (${label}): the fast path threw ${error}`);
    }
    // A harmless change (a field it does not read) may still be served, but only the very answer cached.
    if (answer !== undefined) assert.equal(answer, json, `seed ${FUZZ_SEED}, round ${round} (${label})`);
    if (label !== "a field of the wrong shape" && label !== "a field missing" && label !== "another format version") {
      assert.equal(answer, undefined, `seed ${FUZZ_SEED}, round ${round} (${label}) was served`);
    }
  }
  await restore();
  assert.equal(cachedAuth(["p"], env), json);
  const logout = await runInProcess(["logout", "p"], env, recordingServices());
  // idp.example cannot be reached to revoke (exit 1), but the local session is gone all the same.
  assert.match(logout.stderr, /Logged out of "p": removed 2 cache files/);
  assert.equal(cachedAuth(["p"], env), undefined, "after logout");
});
