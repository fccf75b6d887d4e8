/**
 * Output formats through the real CLI: `auth --format …` and `env`, with the
 * IdP and STS fixtures and headless Chromium; each output is read back by its
 * consumer (bash `eval`, Docker's env-file rules, the SDK's `fromIni`) and the
 * credentials it carries must pass the STS stand-in's SigV4 check.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fromIni } from "@aws-sdk/credential-providers";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { StsStandIn } from "../fixtures/sts.ts";
import { runCli } from "../helpers/cli.ts";
import { providerTable, withWorld } from "../helpers/world.ts";
import { runCommand } from "../helpers/command.ts";

const ROLE = "arn:aws:iam::123456789012:role/formats";
const NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"];

/** Evaluates `script` in bash started with a stale AWS_PROFILE; returns the variables it then has. */
async function bashEval(script: string): Promise<Record<string, string>> {
  const names = [...NAMES, "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"];
  const print = names.map((name) => `printf '%s\\0' "\${${name}-unset}"`).join("; ");
  const output = await runCommand("bash", ["-c", `eval "$AWS_OIDC_OUTPUT"; ${print}`], {
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", AWS_OIDC_OUTPUT: script, AWS_PROFILE: "stale" },
  });
  assert.equal(output.stderr, "");
  const values = output.stdout.split("\0");
  return Object.fromEntries(names.map((name, index) => [name, values[index]]));
}

async function callerArn(
  sts: StsStandIn,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
) {
  const client = new STSClient({ region: "us-east-1", endpoint: sts.url, credentials });
  try {
    return (await client.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    client.destroy();
  }
}

Deno.test("auth --format and env: bash eval, dotenv, json, aws-credentials, noop — one login, SigV4 passes", async (t) => {
  await withWorld({
    roles: [ROLE],
    config: (servers) => `region = "eu-west-1"\n` + providerTable(servers, { role: ROLE, fields: ["timeout = 60"] }),
    env: { SHELL: "/bin/bash" },
  }, async ({ idp, sts, home, env }) => {
    const cli = async (...args: string[]) => await runCli(args, env);
    const expectedArn = "arn:aws:sts::123456789012:assumed-role/formats/test-user@example.test";
    let issued: Record<string, string> = {};

    await t.step("a wrong --format is a usage error before any login", async () => {
      const run = await cli("auth", "idp", "--format", "yaml");
      assert.equal(run.code, 2);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /Unknown output format: "yaml".*hint: use --format process, env, dotenv, json/);
      assert.equal(idp.counters.authorizations, 0);
    });

    await t.step("auth --format env --shell bash: eval gives the credentials and removes AWS_PROFILE", async () => {
      const run = await cli("auth", "idp", "--format", "env", "--shell", "bash");
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^unset AWS_PROFILE$/m);
      issued = await bashEval(run.stdout);
      assert.match(issued.AWS_ACCESS_KEY_ID, /^ASIA[A-Z0-9]{16}$/);
      assert.equal(issued.AWS_REGION, "eu-west-1");
      assert.equal(issued.AWS_DEFAULT_REGION, "eu-west-1");
      assert.equal(issued.AWS_PROFILE, "unset");
      const arn = await callerArn(sts, {
        accessKeyId: issued.AWS_ACCESS_KEY_ID,
        secretAccessKey: issued.AWS_SECRET_ACCESS_KEY,
        sessionToken: issued.AWS_SESSION_TOKEN,
      });
      assert.equal(arn, expectedArn);
    });

    await t.step("env (shell detected from SHELL) prints the same statements as auth --format env", async () => {
      const run = await cli("env", "idp");
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(await bashEval(run.stdout), issued);
      assert.equal(run.stdout, (await cli("auth", "idp", "--format", "env")).stdout);
    });

    await t.step("env --format dotenv: NAME=value lines as docker --env-file reads them", async () => {
      const run = await cli("env", "idp", "--format", "dotenv");
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trimEnd().split("\n");
      const read = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      for (const name of NAMES) assert.equal(read[name], issued[name], name);
      assert.equal(read.AWS_REGION, "eu-west-1");
    });

    await t.step("env --format json: one line with the region", async () => {
      const run = await cli("env", "idp", "--format", "json");
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.split("\n").length, 2);
      assert.deepEqual(JSON.parse(run.stdout), {
        AccessKeyId: issued.AWS_ACCESS_KEY_ID,
        SecretAccessKey: issued.AWS_SECRET_ACCESS_KEY,
        SessionToken: issued.AWS_SESSION_TOKEN,
        Expiration: issued.AWS_CREDENTIAL_EXPIRATION,
        Region: "eu-west-1",
      });
    });

    await t.step("the fast path, primed by a plain auth, never answers a --format env run with JSON", async () => {
      for (let i = 0; i < 2; i++) {
        const plain = await cli("auth", "idp");
        assert.equal(JSON.parse(plain.stdout).AccessKeyId, issued.AWS_ACCESS_KEY_ID);
      }
      const run = await cli("auth", "idp", "--format", "env", "--shell", "bash");
      assert.match(run.stdout, /^export AWS_ACCESS_KEY_ID='ASIA/m);
    });

    await t.step("auth --format aws-credentials: only the profile's section changes; the SDK reads it", async () => {
      const file = join(home, ".aws", "credentials");
      const before = "# my keys\n[default]\naws_access_key_id = AKIAKEEPKEEPKEEPKEEP\naws_secret_access_key = keep\n\n";
      const after = "# next\n[other]\naws_access_key_id = AKIAOTHEROTHEROTHER0\n";
      await Deno.writeTextFile(file, `${before}[work]\n# mine\naws_access_key_id = OLD\nregion = eu-west-1\n${after}`);
      const run = await cli("auth", "idp", "--format", "aws-credentials", "--profile-name", "work");
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, new RegExp(`Wrote profile "work" to ${file}`));
      const text = await Deno.readTextFile(file);
      assert.ok(text.startsWith(before) && text.endsWith(after), text);
      assert.match(
        text,
        /\n\[work\]\naws_access_key_id = ASIA\w+\n.*\n.*\nx_security_token_expires = \S+Z\n# mine\nregion/,
      );
      const credentials = await fromIni({ profile: "work", filepath: file, configFilepath: join(home, "none") })();
      assert.equal(credentials.accessKeyId, issued.AWS_ACCESS_KEY_ID);
      assert.equal(await callerArn(sts, credentials), expectedArn);
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    });

    await t.step("noop prints nothing; env refuses formats that are auth's alone", async () => {
      const noop = await cli("auth", "idp", "--format", "noop");
      assert.equal(noop.code, 0, noop.stderr);
      assert.equal(noop.stdout, "");
      const refused = await cli("env", "idp", "--format", "aws-credentials");
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /Unknown output format: "aws-credentials".*use --format env, dotenv, json/);
      const misplaced = await cli("auth", "idp", "--shell", "fish");
      assert.equal(misplaced.code, 2);
      assert.match(misplaced.stderr, /--shell applies only to --format env/);
    });

    assert.equal(idp.counters.authorizations, 1, "one browser login for everything");
    assert.equal(sts.counters.assumeRoleWithWebIdentity, 1, "every later format came from the cache");
  });
});
