/**
 * Files a local attacker (or an accident) can plant: symlinked cache files,
 * a cache directory others can read, cache files that are truncated, garbage
 * or the wrong shape, and config files that are huge or deeply nested. Each
 * is reported or refused with a message, never followed, never a crash. The
 * IdP is the hostile fixture in its honest mode, with a redirect follower as
 * the browser, so each run takes well under a second.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type HostileIdp, startHostileIdp } from "../fixtures/hostile_idp.ts";
import { startSts, type StsStandIn } from "../fixtures/sts.ts";
import { cleanEnv, type CliRun, makeHome, redirectFollowerAgent, runCli, spawnCli } from "../helpers/cli.ts";

const ROLE = "arn:aws:iam::123456789012:role/files";

interface World {
  idp: HostileIdp;
  sts: StsStandIn;
  home: string;
  cache: string;
  auth(): Promise<CliRun>;
  /** The cache's `tokens-…` and `credentials-…` files (not the fast index). */
  cacheFiles(): Promise<string[]>;
  close(): Promise<void>;
}

async function world(): Promise<World> {
  const idp = await startHostileIdp("honest");
  const sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.clientId] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.clientId } }],
  });
  const home = await makeHome(`
[[AuthProvider]]
name = "files"
role_arn = "${ROLE}"
provider_url = "${idp.issuer}"
client_id = "${idp.clientId}"
sts_endpoint = "${sts.url}"
agent = ${redirectFollowerAgent()}
`);
  const cache = join(home, ".aws-oidc", "cache");
  return {
    idp,
    sts,
    home,
    cache,
    auth: () => runCli(["auth", "files"], cleanEnv(home)),
    async cacheFiles() {
      const names: string[] = [];
      for await (const entry of Deno.readDir(cache)) {
        if (/^(tokens|credentials)-.*\.json$/.test(entry.name)) names.push(join(cache, entry.name));
      }
      return names.sort();
    },
    async close() {
      await idp.close();
      await sts.close();
      await Deno.remove(home, { recursive: true });
    },
  };
}

async function authOk(w: World): Promise<CliRun> {
  const run = await w.auth();
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).Version, 1);
  return run;
}

async function assertPrivate(w: World) {
  assert.equal((await Deno.stat(w.cache)).mode! & 0o777, 0o700, "cache directory 0700");
  const files = await w.cacheFiles();
  assert.equal(files.length, 2);
  for (const file of files) {
    const info = await Deno.lstat(file);
    assert.ok(info.isFile && !info.isSymlink, `${file} is a regular file`);
    assert.equal(info.mode! & 0o777, 0o600, `${file} is 0600`);
  }
}

Deno.test("symlinked cache files are reported and replaced, never followed for writing", async () => {
  const w = await world();
  const outside = await Deno.makeTempDir({ prefix: "aws-oidc-outside-" });
  try {
    await authOk(w);
    const precious = join(outside, "precious");
    await Deno.writeTextFile(precious, "do not touch");
    const files = await w.cacheFiles();
    // One link to an existing file, one dangling: a write that followed it would create the target.
    await Deno.remove(files[0]);
    await Deno.symlink(precious, files[0]);
    await Deno.remove(files[1]);
    await Deno.symlink(join(outside, "created-by-a-write"), files[1]);
    const run = await authOk(w);
    assert.match(run.stderr, /is a symbolic link and has been removed/);
    assert.equal(await Deno.readTextFile(precious), "do not touch");
    await assert.rejects(Deno.lstat(join(outside, "created-by-a-write")), Deno.errors.NotFound);
    await assertPrivate(w);
  } finally {
    await w.close();
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("a cache directory and files others can read are fixed to 0700/0600, with messages", async () => {
  const w = await world();
  try {
    await authOk(w);
    await Deno.chmod(w.cache, 0o777);
    for (const file of await w.cacheFiles()) await Deno.chmod(file, 0o644);
    const run = await authOk(w);
    assert.match(run.stderr, /Cache directory ".*" was readable by others \(mode 0777\); fixed to 0700/);
    assert.match(run.stderr, /Cache file ".*" had mode 0644; fixed to 0600/);
    await assertPrivate(w);
  } finally {
    await w.close();
  }
});

for (
  const [label, content] of [
    ["truncated", (text: string) => text.slice(0, text.length / 2)],
    ["garbage", () => "\u0000\uffff{]]not json"],
    ["wrong-shaped", (text: string) => text.replace(/"sub":"[^"]*"/, '"sub":42')],
  ] as const
) {
  Deno.test(`a ${label} JSON cache file is reported and replaced by a fresh login`, async () => {
    const w = await world();
    try {
      await authOk(w);
      for (const file of await w.cacheFiles()) await Deno.writeTextFile(file, content(await Deno.readTextFile(file)));
      const run = await authOk(w);
      assert.match(run.stderr, /was corrupted and has been discarded/);
      assert.equal(w.idp.counters.authorizations, 2, "the tokens could not be trusted: a new login");
      for (const file of await w.cacheFiles()) JSON.parse(await Deno.readTextFile(file));
      await assertPrivate(w);
    } finally {
      await w.close();
    }
  });
}

async function configRun(text: string): Promise<CliRun> {
  const home = await makeHome(text);
  try {
    return await runCli(["auth", "files"], cleanEnv(home));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("a huge config file is refused with a ConfigError, quickly", async () => {
  const started = Date.now();
  const providers = Array.from({ length: 40_000 }, (_, i) => `[[AuthProvider]]\nname = "p${i}"\n`).join("");
  const run = await configRun(providers);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^error: Config file ".*" is larger than 1 MiB \(hint: /);
  assert.ok(Date.now() - started < 10_000);
});

Deno.test("a config path that is a FIFO is refused at once, not read (which would wait forever)", async () => {
  const home = await makeHome("");
  const fifo = join(home, ".aws-oidc", "config");
  await Deno.remove(fifo);
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.equal(made.code, 0, "mkfifo (coreutils)");
  const child = spawnCli(["auth", "files"], cleanEnv(home));
  const watchdog = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    const output = await child.output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 2, stderr);
    assert.match(stderr, /^error: Config file ".*config" is not a regular file \(hint: /);
  } finally {
    clearTimeout(watchdog);
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("a deeply nested config file is refused with a ConfigError", async () => {
  const run = await configRun(`region = "us-east-1"\nx = ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^error: Invalid TOML in ".*" at line 2, column \d+: .*nested/);
});
