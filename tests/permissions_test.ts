/**
 * The release permission set (scripts/permissions.ts): the `aws-oidc` task
 * spells it exactly, it grants what is declared and refuses the rest, and a
 * permission missing from it makes the CLI fail loudly rather than quietly.
 * The e2e suite runs the CLI with this same set (tests/helpers/cli.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ENV, PERMISSION_FLAGS, runTask } from "../scripts/permissions.ts";
import { cleanEnv, makeHome } from "./helpers/cli.ts";
import { removing } from "./helpers/dispose.ts";
import { runCommand } from "./helpers/command.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("the aws-oidc task in deno.json runs main.ts with exactly the release permission set", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  assert.equal(config.tasks["aws-oidc"], runTask(), "paste runTask()'s line into deno.json");
  assert.ok(!PERMISSION_FLAGS.some((flag) => /^(-A|--allow-all|--allow-ffi|--allow-import)\b/.test(flag)));
  assert.ok(PERMISSION_FLAGS.every((flag) => !/^--allow-(env|sys)$/.test(flag)), "env and sys are scoped by name");
});

Deno.test("the release permission set grants what it declares and refuses an undeclared variable, sys kind, ffi and remote imports", async () => {
  const home = await Deno.makeTempDir({ prefix: "aws-oidc-probe-" });
  await using _home = removing(home);
  const output = await runCommand(
    Deno.execPath(),
    ["run", "--quiet", ...PERMISSION_FLAGS, join(ROOT, "tests", "fixtures", "permission_probe.ts")],
    { env: cleanEnv(home, { PROBE_UNDECLARED: "1", AWS_OIDC_ROLE_ARN: "arn:aws:iam::123456789012:role/r" }) },
  );
  const stderr = output.stderr;
  assert.equal(output.code, 0, stderr);
  assert.deepEqual(JSON.parse(output.stdout), {
    "env HOME": "ok",
    "env AWS_OIDC_ROLE_ARN": "ok",
    "env UNDECLARED": "NotCapable",
    "env all": "NotCapable",
    "sys osRelease": "ok",
    "sys hostname": "NotCapable",
    "sys networkInterfaces": "NotCapable",
    "remote import": "refused by --no-remote",
    ffi: "prompt",
  });
});

Deno.test("a variable the CLI reads but the set does not declare fails the run, loudly", async () => {
  // The release set less HOME: the CLI cannot find its config, and says why, instead of carrying on without it.
  const env = `--allow-env=${ENV.filter((name) => name !== "HOME").join(",")}`;
  const flags = PERMISSION_FLAGS.map((flag) => flag.startsWith("--allow-env=") ? env : flag);
  const home = await makeHome('region = "us-east-1"\n');
  await using _home = removing(home);
  const output = await runCommand(Deno.execPath(), ["run", "--quiet", ...flags, join(ROOT, "main.ts"), "status"], {
    env: cleanEnv(home),
  });
  const stderr = output.stderr;
  assert.notEqual(output.code, 0, stderr);
  assert.match(stderr, /^error: aws-oidc's permissions do not cover this: Requires env access to "HOME".*report it/);
  assert.equal(stderr.trimEnd().split("\n").length, 1, "one line");
  assert.equal(output.stdout, "");
});
