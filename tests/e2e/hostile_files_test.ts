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
import { cleanEnv, type CliRun, makeHome, runCli } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";
import { runCommand } from "../helpers/command.ts";
import { type HostileWorld, startHostileWorld } from "../helpers/hostile_world.ts";

const ROLE = "arn:aws:iam::123456789012:role/files";

type World = HostileWorld;

function world(): Promise<World> {
  return startHostileWorld("honest", { name: "files", role: ROLE });
}

/** The cache's `tokens-…` and `credentials-…` files (not the fast index). */
async function cacheFiles(w: World): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(w.cache)) {
    if (/^(tokens|credentials)-.*\.json$/.test(entry.name)) names.push(join(w.cache, entry.name));
  }
  return names.sort();
}

async function authOk(w: World): Promise<CliRun> {
  const run = await w.auth();
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).Version, 1);
  return run;
}

async function assertPrivate(w: World) {
  assert.equal((await Deno.stat(w.cache)).mode! & 0o777, 0o700, "cache directory 0700");
  const files = await cacheFiles(w);
  assert.equal(files.length, 2);
  for (const file of files) {
    const info = await Deno.lstat(file);
    assert.ok(info.isFile && !info.isSymlink, `${file} is a regular file`);
    assert.equal(info.mode! & 0o777, 0o600, `${file} is 0600`);
  }
}

Deno.test("symlinked cache files are reported and replaced, never followed for writing", async () => {
  await using w = await world();
  const outside = await Deno.makeTempDir({ prefix: "aws-oidc-outside-" });
  await using _outside = removing(outside);
  await authOk(w);
  const precious = join(outside, "precious");
  await Deno.writeTextFile(precious, "do not touch");
  const files = await cacheFiles(w);
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
});

Deno.test("a cache directory and files others can read are fixed to 0700/0600, with messages", async () => {
  await using w = await world();
  await authOk(w);
  await Deno.chmod(w.cache, 0o777);
  for (const file of await cacheFiles(w)) await Deno.chmod(file, 0o644);
  const run = await authOk(w);
  assert.match(run.stderr, /Cache directory ".*" was readable by others \(mode 0777\); fixed to 0700/);
  assert.match(run.stderr, /Cache file ".*" had mode 0644; fixed to 0600/);
  await assertPrivate(w);
});

for (
  const [label, content] of [
    ["truncated", (text: string) => text.slice(0, text.length / 2)],
    ["garbage", () => "\u0000\uffff{]]not json"],
    ["wrong-shaped", (text: string) => text.replace(/"sub":"[^"]*"/, '"sub":42')],
  ] as const
) {
  Deno.test(`a ${label} JSON cache file is reported and replaced by a fresh login`, async () => {
    await using w = await world();
    await authOk(w);
    for (const file of await cacheFiles(w)) await Deno.writeTextFile(file, content(await Deno.readTextFile(file)));
    const run = await authOk(w);
    assert.match(run.stderr, /was corrupted and has been discarded/);
    assert.equal(w.idp.counters.authorizations, 2, "the tokens could not be trusted: a new login");
    for (const file of await cacheFiles(w)) JSON.parse(await Deno.readTextFile(file));
    await assertPrivate(w);
  });
}

async function configRun(text: string): Promise<CliRun> {
  const home = await makeHome(text);
  await using _home = removing(home);
  return await runCli(["auth", "files"], cleanEnv(home));
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
  const made = await runCommand("mkfifo", [fifo]);
  assert.equal(made.code, 0, "mkfifo (coreutils)");
  await using _home = removing(home);
  const output = await runCli(["auth", "files"], cleanEnv(home), { timeoutMs: 15_000 });
  const stderr = output.stderr;
  assert.equal(output.code, 2, stderr);
  assert.match(stderr, /^error: Config file ".*config" is not a regular file \(hint: /);
});

Deno.test("a deeply nested config file is refused with a ConfigError", async () => {
  const run = await configRun(`region = "us-east-1"\nx = ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^error: Invalid TOML in ".*" at line 2, column \d+: .*nested/);
});
