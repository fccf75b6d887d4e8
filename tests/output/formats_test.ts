import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ENV_FORMATS,
  OUTPUT_FORMATS,
  type OutputFormat,
  type OutputOptions,
  renderOutput,
  resolveOutputOptions,
  writeOutput,
} from "../../src/output/formats.ts";
import { CONFLICTING_VARIABLES } from "../../src/output/variables.ts";
import { UsageError } from "../../src/errors.ts";
import { createLog } from "../../src/log.ts";
import type { CredentialEntry } from "../../src/cache/entries.ts";
import { runWithScript } from "./special_values.ts";
import { removing } from "../helpers/dispose.ts";

const ENTRY: CredentialEntry = {
  provider: "google",
  issuer: "https://idp.example",
  clientId: "client",
  roleArn: "arn:aws:iam::123456789012:role/dev",
  region: "eu-west-1",
  duration: 3600,
  sub: "user",
  sessionName: "user@example.test",
  accessKeyId: "ASIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+ab/cd==",
  expiration: "2030-01-01T12:00:00Z",
};

const env = (vars: Record<string, string>) => (name: string) => vars[name];

function resolve(
  flags: Parameters<typeof resolveOutputOptions>[0],
  allowed: readonly OutputFormat[] = OUTPUT_FORMATS,
  vars = {},
) {
  return resolveOutputOptions(flags, { allowed, providerName: "google", env: env({ HOME: "/home/me", ...vars }) });
}

Deno.test("resolveOutputOptions: defaults are process for auth, env (detected shell) for the env command", () => {
  assert.deepEqual(resolve({}), { format: "process" });
  assert.deepEqual(resolve({}, ENV_FORMATS, { SHELL: "/usr/bin/fish" }), { format: "env", shell: "fish" });
  assert.deepEqual(resolve({ format: "env", shell: "powershell" }), { format: "env", shell: "powershell" });
  assert.deepEqual(resolve({ format: "aws-credentials" }), {
    format: "aws-credentials",
    profileName: "google",
    path: "/home/me/.aws/credentials",
  });
  assert.deepEqual(
    resolve({ format: "aws-credentials", profileName: "work" }, OUTPUT_FORMATS, {
      AWS_SHARED_CREDENTIALS_FILE: "/tmp/creds",
    }),
    { format: "aws-credentials", profileName: "work", path: "/tmp/creds" },
  );
  for (const format of ["json", "dotenv", "noop"]) assert.deepEqual(resolve({ format }), { format });
});

Deno.test("resolveOutputOptions: wrong or misplaced flags are usage errors naming the fix", () => {
  const refused: [Parameters<typeof resolveOutputOptions>[0], readonly OutputFormat[], RegExp, RegExp][] = [
    [
      { format: "yaml" },
      OUTPUT_FORMATS,
      /Unknown output format: "yaml"/,
      /process, env, dotenv, json, aws-credentials/,
    ],
    [{ format: "process" }, ENV_FORMATS, /Unknown output format: "process"/, /use --format env, dotenv, json/],
    [{ format: "aws-credentials" }, ENV_FORMATS, /Unknown output format/, /env, dotenv, json/],
    [{ format: "env", shell: "tcsh" }, OUTPUT_FORMATS, /Unknown shell: "tcsh"/, /bash, zsh, fish, powershell, cmd/],
    [{ shell: "bash" }, OUTPUT_FORMATS, /--shell applies only to --format env, not to "process"/, /--format env/],
    [{ format: "json", profileName: "x" }, OUTPUT_FORMATS, /--profile-name applies only/, /aws-credentials/],
    [{ format: "aws-credentials", profileName: "a]b" }, OUTPUT_FORMATS, /Invalid profile name: "a\]b"/, /profile/],
  ];
  for (const [flags, allowed, message, hint] of refused) {
    assert.throws(
      () => resolve(flags, allowed),
      (error: Error) => error instanceof UsageError && message.test(error.message) && hint.test(error.hint ?? ""),
      JSON.stringify(flags),
    );
  }
});

Deno.test("renderOutput: process, json, dotenv, noop", () => {
  assert.deepEqual(Object.keys(JSON.parse(renderOutput(ENTRY, { format: "process" }))), [
    "Version",
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
  ]);
  const json = renderOutput(ENTRY, { format: "json" });
  assert.equal(json.split("\n").length, 2, "one line");
  assert.deepEqual(JSON.parse(json), {
    AccessKeyId: ENTRY.accessKeyId,
    SecretAccessKey: ENTRY.secretAccessKey,
    SessionToken: ENTRY.sessionToken,
    Expiration: ENTRY.expiration,
    Region: "eu-west-1",
  });
  assert.equal(
    renderOutput(ENTRY, { format: "dotenv" }),
    `AWS_ACCESS_KEY_ID=${ENTRY.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${ENTRY.secretAccessKey}\n` +
      `AWS_SESSION_TOKEN=${ENTRY.sessionToken}\nAWS_CREDENTIAL_EXPIRATION=${ENTRY.expiration}\n` +
      "AWS_REGION=eu-west-1\nAWS_DEFAULT_REGION=eu-west-1\n",
  );
  assert.equal(renderOutput(ENTRY, { format: "noop" }), "");
});

Deno.test("renderOutput env: unsets the conflicting variables it does not set, then sets the credentials", () => {
  const script = renderOutput(ENTRY, { format: "env", shell: "bash" });
  const lines = script.trimEnd().split("\n");
  const unset = lines.filter((line) => line.startsWith("unset ")).map((line) => line.slice(6));
  assert.ok(unset.includes("AWS_PROFILE") && unset.includes("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
  assert.ok(!unset.includes("AWS_ACCESS_KEY_ID"), "a variable being set is not unset first");
  assert.deepEqual(
    [...unset, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"].sort(),
    [
      ...CONFLICTING_VARIABLES,
    ].sort(),
  );
  assert.deepEqual(lines.slice(unset.length), [
    `export AWS_ACCESS_KEY_ID='${ENTRY.accessKeyId}'`,
    `export AWS_SECRET_ACCESS_KEY='${ENTRY.secretAccessKey}'`,
    `export AWS_SESSION_TOKEN='${ENTRY.sessionToken}'`,
    `export AWS_CREDENTIAL_EXPIRATION='${ENTRY.expiration}'`,
    "export AWS_REGION='eu-west-1'",
    "export AWS_DEFAULT_REGION='eu-west-1'",
  ]);
});

Deno.test("renderOutput env: bash eval in a shell full of other AWS settings leaves only ours", async () => {
  const script = renderOutput(ENTRY, { format: "env", shell: "bash" });
  const stale = Object.fromEntries(CONFLICTING_VARIABLES.map((name) => [name, "stale"]));
  const output = await runWithScript("bash", ["-c", 'eval "$(cat "$SCRIPT")"; env | grep ^AWS_ | sort'], script, stale);
  assert.equal(
    output,
    [
      `AWS_ACCESS_KEY_ID=${ENTRY.accessKeyId}`,
      `AWS_CREDENTIAL_EXPIRATION=${ENTRY.expiration}`,
      "AWS_DEFAULT_REGION=eu-west-1",
      "AWS_REGION=eu-west-1",
      `AWS_SECRET_ACCESS_KEY=${ENTRY.secretAccessKey}`,
      `AWS_SESSION_TOKEN=${ENTRY.sessionToken}`,
      "",
    ].join("\n"),
  );
});

Deno.test("writeOutput: aws-credentials writes the file, prints nothing on stdout, says where on stderr", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-formats-" });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = createLog({ stderr: (text) => stderr.push(text), terminal: undefined });
  const path = join(dir, "aws", "credentials");
  await using _dir = removing(dir);
  const options: OutputOptions = { format: "aws-credentials", profileName: "work", path };
  await writeOutput(ENTRY, options, { stdout: (text) => stdout.push(text), log, lockPath: join(dir, "lock") });
  assert.equal(stdout.join(""), "");
  assert.equal(stderr.join(""), `Wrote profile "work" to ${path} (expires 2030-01-01T12:00:00Z)\n`);
  assert.match(await Deno.readTextFile(path), /^\[work\]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\n/);

  await writeOutput(ENTRY, { format: "noop" }, { stdout: (text) => stdout.push(text), log, lockPath: "" });
  assert.equal(stdout.join(""), "", "noop prints nothing");
});
