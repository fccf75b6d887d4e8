/**
 * `exec --imds` and `serve --imds`: the AWS CLI, boto3 and the JS SDK's `fromInstanceMetadata` get credentials
 * from the IMDSv2 emulation through AWS_EC2_METADATA_SERVICE_ENDPOINT; IMDSv1 is refused.
 */
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";
import { AWS_CLI, BOTO3_CLIENT, PYTHON, sdkClient, serveWorld, startServe } from "../helpers/serve.ts";
import { runCommand } from "../helpers/command.ts";

/** botocore waits 1 s for instance metadata by default, once: too little on a busy test machine. */
const PATIENT_BOTOCORE = { AWS_METADATA_SERVICE_TIMEOUT: "5", AWS_METADATA_SERVICE_NUM_ATTEMPTS: "3" };

/** Asks for the role list without a token (IMDSv1) and prints the HTTP status. */
const IMDS_V1 = `
import os, urllib.request, urllib.error
url = os.environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] + "latest/meta-data/iam/security-credentials/"
try:
    urllib.request.urlopen(url)
    print("200")
except urllib.error.HTTPError as error:
    print(error.code)
`;

Deno.test("exec --imds: the AWS CLI, boto3 and fromInstanceMetadata read credentials; IMDSv1 is refused", async () => {
  await using w = await serveWorld();
  w.env = { ...w.env, ...PATIENT_BOTOCORE };
  // The world sets AWS_EC2_METADATA_DISABLED=true, as a careful user might: exec --imds must lift it.
  assert.equal(w.env.AWS_EC2_METADATA_DISABLED, "true");
  const cli = await runCli(
    ["exec", "--imds", "engineer", "--", AWS_CLI, "configure", "export-credentials", "--format", "process"],
    w.env,
  );
  assert.equal(cli.code, 0, cli.stderr);
  const fromCli = JSON.parse(cli.stdout);
  assert.ok(w.sts.issued(fromCli.AccessKeyId, fromCli.SecretAccessKey, fromCli.SessionToken));

  const boto3 = await runCli(["exec", "--imds", "engineer", "--", PYTHON, BOTO3_CLIENT, "1", "0", w.sts.url], w.env);
  assert.equal(boto3.code, 0, boto3.stderr);
  const fromBoto3 = JSON.parse(boto3.stdout);
  assert.equal(fromBoto3.method, "iam-role", "boto3's instance metadata provider answered");
  assert.match(fromBoto3.Arn, /:assumed-role\/serve\//, "signed with the served credentials");

  const js = await runCli(["exec", "--imds", "engineer", "--", Deno.execPath(), ...sdkClient("imds", 1)], w.env);
  assert.equal(js.code, 0, js.stderr);
  assert.equal(JSON.parse(js.stdout).accessKeyId, fromCli.AccessKeyId, "one session, served through the cache");

  const v1 = await runCli(["exec", "--imds", "engineer", "--", PYTHON, "-c", IMDS_V1], w.env);
  assert.equal(v1.code, 0, v1.stderr);
  assert.equal(v1.stdout.trim(), "401");
  assert.equal(w.idp.counters.authorizations, 1, "one browser login");
});

Deno.test("serve --imds: boto3 reads it, and the JS SDK's fromInstanceMetadata keeps getting live credentials across two expiries", async () => {
  await using w = await serveWorld({ shortLived: true });
  await using serving = await startServe(["idp", "--imds"], w.env);
  assert.deepEqual(Object.keys(serving.variables), [
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
  ]);
  assert.match(serving.stderr(), /Sessions of 8 seconds are too short|Serving credentials/);
  const all: Record<string, string> = { ...w.env, ...PATIENT_BOTOCORE, ...serving.variables };
  const { AWS_EC2_METADATA_DISABLED: _, ...env } = all;
  const boto3 = await runCommand(PYTHON, [BOTO3_CLIENT, "1", "0", w.sts.url], { env });
  assert.equal(boto3.code, 0, boto3.stderr + serving.stderr());
  assert.equal(JSON.parse(boto3.stdout).method, "iam-role");

  // botocore stretches 8-second instance metadata credentials past their expiry (see src/output/imds.ts),
  // so the run across expiries is the JS SDK's fromInstanceMetadata.
  const started = Date.now();
  const js = await runCommand(Deno.execPath(), sdkClient("imds", 9, "--pause-ms=2000"), { env });
  assert.equal(js.code, 0, js.stderr + serving.stderr());
  assert.ok(Date.now() - started >= 16_000, "the run outlived two 8-second sessions");
  const lines = js.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(lines.length, 9);
  for (const line of lines) assert.match(line.accessKeyId, /^ASIA/);
  const keys = new Set(lines.map((line) => line.accessKeyId));
  assert.ok(keys.size >= 3, `three sessions or more, got ${keys.size}`);
  assert.equal(w.idp.counters.authorizations, 1, "no browser after the first login");
});
