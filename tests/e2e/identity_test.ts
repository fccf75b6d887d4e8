/**
 * Regressions of issue 13, end to end: a cached answer is only ever served for
 * the request it was computed for. Counted at the IdP and STS fixtures.
 */
import { FALLBACK_MARKER } from "../../src/cache/sealed.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommandLine, runCli } from "../helpers/cli.ts";
import { converse } from "../helpers/pty.ts";
import { providerTable, withWorld } from "../helpers/world.ts";
import { startSts } from "../fixtures/sts.ts";
import { runCommand } from "../helpers/command.ts";

const ROLE = "arn:aws:iam::123456789012:role/identity";
const OTHER = "arn:aws:iam::123456789012:role/other";

Deno.test("regression: a role picked on a terminal is not recorded for runs without one", async () => {
  await withWorld({
    roles: [ROLE, OTHER],
    config: (servers) =>
      providerTable(servers, {
        fields: [`roles = [{ arn = "${ROLE}", alias = "one" }, { arn = "${OTHER}", alias = "two" }]`],
      }),
  }, async ({ sts, env }) => {
    const { code, screen } = await converse(["auth", "idp"], env, [[/Role \[1-2, or an alias\]: /, "2"]]);
    assert.equal(code, 0, screen);
    assert.equal(sts.lastAssume?.roleArn, OTHER);
    for (let run = 0; run < 2; run++) {
      const unattended = await runCli(["auth", "idp"], env);
      assert.equal(unattended.code, 2, `run ${run}: ${unattended.stdout}${unattended.stderr}`);
      assert.equal(unattended.stdout, "");
      assert.match(unattended.stderr, /several roles and none was chosen/);
    }
    // The same for eks-token, whose fast path has an index of its own.
    const eks = ["eks-token", "--provider", "idp", "--cluster-name", "prod"];
    const picked = await converse(eks, env, [[/Role \[1-2, or an alias\]: /, "2"]]);
    assert.equal(picked.code, 0, picked.screen);
    const unattended = await runCli(eks, env);
    assert.equal(unattended.code, 2, `${unattended.stdout}${unattended.stderr}`);
    assert.equal(unattended.stdout, "");
    assert.match(unattended.stderr, /several roles and none was chosen/);
  });
});

Deno.test("regression: endpoint_url of the profile in AWS_PROFILE never receives the token", async () => {
  await using rogue = await startSts({ providers: [], roles: [] });
  await withWorld({
    roles: [ROLE],
    config: ({ idp, agent }) => `
[[AuthProvider]]
name = "idp"
role_arn = "${ROLE}"
provider_url = "${idp.issuer}"
client_id = "${idp.publicClientId}"
agent = ${agent.toml}
`,
    awsConfig: "",
  }, async ({ env, home }) => {
    await Deno.writeTextFile(join(home, ".aws", "config"), `[profile rogue]\nendpoint_url = ${rogue.url}\n`);
    const run = await runCli(["auth", "idp"], { ...env, AWS_PROFILE: "rogue" });
    assert.equal(rogue.counters.requests, 0, "the profile's endpoint got nothing");
    assert.equal(run.code, 1, run.stdout);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /sts\.us-east-1\.amazonaws\.com/, "the error names the endpoint aws-oidc chose");
    const doctor = await runCli(["doctor"], { ...env, AWS_PROFILE: "rogue" });
    assert.match(
      doctor.stdout,
      /STS endpoint "https:\/\/sts\.us-east-1\.amazonaws\.com" \(from the default for region "us-east-1", for "idp"\)/,
    );
  });
});

Deno.test("regression: exec and doctor keep global options before auth in a credential_process line", async () => {
  await withWorld({
    roles: [ROLE, OTHER],
    config: (servers) => providerTable(servers, { name: "default-only", role: ROLE }),
  }, async ({ sts, idp, agent, env, home }) => {
    const team = join(home, "team.toml");
    await Deno.writeTextFile(
      team,
      `[[AuthProvider]]
name = "api"
role_arn = "${OTHER}"
provider_url = "${idp.issuer}"
client_id = "${idp.publicClientId}"
sts_endpoint = "${sts.url}"
agent = ${agent.toml}
`,
    );
    await Deno.writeTextFile(
      join(home, ".aws", "config"),
      `[profile team]\ncredential_process = ${cliCommandLine()} --config ${team} auth api\n`,
    );
    const exec = await runCli(["exec", "team", "--", "true"], env);
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(sts.lastAssume?.roleArn, OTHER, "the provider of team.toml");
    const doctor = await runCli(["doctor"], env);
    assert.match(doctor.stdout, /✔ Profile "team" runs .* for provider "api"/);
  });
});

Deno.test("regression: logout with a node-local cache ends the session in the shared cache too", async () => {
  await withWorld({
    roles: [ROLE],
    config: (servers) => providerTable(servers, { role: ROLE }),
  }, async ({ idp, agent, env, home }) => {
    const shared = join(home, ".aws-oidc", "cache");
    assert.equal((await runCli(["auth", "idp"], env)).code, 0);
    const node = (name: string) => ["--node-local-cache", join(home, name)];
    const seeded = await runCli(["auth", "idp", ...node("node-1")], env);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.equal(idp.counters.authorizations, 1, "the first node was seeded from the shared cache");
    const logout = await runCli(["logout", "idp", ...node("node-1")], env);
    assert.equal(logout.code, 0, logout.stderr);
    const left = [];
    for await (const entry of Deno.readDir(shared)) {
      // The keychain notice's marker belongs to the cache, not to a session.
      if (entry.name.endsWith(".json") && entry.name !== FALLBACK_MARKER) left.push(entry.name);
    }
    assert.deepEqual(left, [], "nothing of the session is left in the shared cache");
    await agent.stop(); // the first browser holds the profile
    const next = await runCli(["auth", "idp", ...node("node-2")], env);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(idp.counters.authorizations, 2, "the next node logs in again");
  });
});

/** Runs `mount` with `args`; fails the test loudly when it cannot (the test needs root, as CI has). */
async function mount(...args: string[]): Promise<void> {
  const { code, stderr } = await runCommand("mount", args);
  if (code !== 0) throw new Error(`mount ${args.join(" ")} failed: ${stderr}`);
}

async function umount(path: string): Promise<void> {
  await runCommand("umount", [path]);
}

Deno.test("regression: a full or read-only cache still prints the credentials, with one warning", async () => {
  const root = await Deno.makeTempDir({ prefix: "aws-oidc-unwritable-" });
  const full = join(root, "full");
  const readOnly = join(root, "read-only");
  await Deno.mkdir(full);
  await Deno.mkdir(readOnly, { mode: 0o700 });
  try {
    await mount("-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", full);
    await Deno.writeFile(join(full, "filler"), new Uint8Array(64 * 1024)).catch(() => {}); // fills it up
    await mount("--bind", readOnly, readOnly);
    await mount("-o", "remount,ro,bind", readOnly);
    await withWorld({
      roles: [ROLE],
      config: (servers) => providerTable(servers, { role: ROLE }),
    }, async ({ sts, agent, env }) => {
      for (const [dir, cause] of [[full, /No space left on device/], [readOnly, /Read-only file system/]] as const) {
        const run = await runCli(["auth", "idp"], { ...env, AWS_OIDC_CACHE_DIR: dir });
        assert.equal(run.code, 0, run.stderr);
        assert.match(JSON.parse(run.stdout).AccessKeyId, /^ASIA/);
        const warnings = run.stderr.split("\n").filter((line) => line.includes(`Cannot write to the cache "${dir}"`));
        assert.equal(warnings.length, 1, run.stderr);
        assert.match(warnings[0], cause);
        await agent.stop(); // the next login opens a new browser on the same profile
      }
      assert.equal(sts.counters.assumeRoleWithWebIdentity, 2);
    });
  } finally {
    await umount(readOnly);
    await umount(full);
    await Deno.remove(root, { recursive: true });
  }
});
