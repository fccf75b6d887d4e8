/** Mistakes reach the person as one line with a hint, exit 2 (usage) or 1 (runtime), and nothing on stdout. */
import assert from "node:assert/strict";
import { cleanEnv, makeHome, runCli } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";

const PROVIDER = `
[[AuthProvider]]
name = "google"
role_arn = "arn:aws:iam::123456789012:role/r"
provider_url = "PROVIDER_URL"
client_id = "c"
`;

async function withHome(config: string, fn: (env: Record<string, string>) => Promise<void>) {
  const home = await makeHome(config);
  await using _home = removing(home);
  await fn(cleanEnv(home));
}

function assertOneLineFailure(run: { code: number; stdout: string; stderr: string }, code: number, pattern: RegExp) {
  assert.equal(run.code, code, run.stderr);
  assert.equal(run.stdout, "");
  const errors = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
  assert.equal(errors.length, 1, run.stderr);
  assert.match(errors[0], pattern);
  assert.match(errors[0], /\(hint: .+\)$/);
}

Deno.test("config mistakes exit 2 with the problem and a hint", async () => {
  await withHome('region = "us-east-1"\n[[AuthProvider]\n', async (env) => {
    assertOneLineFailure(await runCli(["auth", "google"], env), 2, /line 2, column \d+/);
  });
  await withHome(PROVIDER.replace("PROVIDER_URL", "https://idp.example"), async (env) => {
    assertOneLineFailure(await runCli(["auth", "gogle"], env), 2, /Unknown provider "gogle".*"google"/);
    assertOneLineFailure(
      await runCli(["auth", "google", "--duration", "60"], env),
      2,
      /duration 60 \(from --duration\) is outside 900-43200/,
    );
    assertOneLineFailure(
      await runCli(["auth", "google"], { ...env, AWS_OIDC_ROLE_ARN: "arn:aws:s3:::bucket" }),
      2,
      /role_arn "arn:aws:s3:::bucket" \(from AWS_OIDC_ROLE_ARN\) is not an IAM role ARN/,
    );
  });
});

Deno.test("an unreachable IdP exits 1 and says what to check", async () => {
  // Port 1 is privileged, so no parallel test can be listening there: the connection is refused.
  const port = 1;
  await withHome(PROVIDER.replace("PROVIDER_URL", `http://127.0.0.1:${port}`), async (env) => {
    assertOneLineFailure(
      await runCli(["auth", "google"], env),
      1,
      /Cannot reach the identity provider at "http:\/\/127\.0\.0\.1:\d+".*hint: check provider_url/,
    );
  });
});

Deno.test("usage: unknown flags exit 2; --help and version go to stdout", async () => {
  await withHome(PROVIDER.replace("PROVIDER_URL", "https://idp.example"), async (env) => {
    const bogus = await runCli(["auth", "google", "--bogus"], env);
    assert.equal(bogus.code, 2);
    assert.equal(bogus.stdout, "");
    assert.match(bogus.stderr, /unknown option '--bogus'/);
    const help = await runCli(["auth", "--help"], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--role-arn <arn>/);
    assert.match(help.stdout, /credential_process = aws-oidc auth google/);
    const version = await runCli(["version"], env);
    assert.match(version.stdout, /^aws-oidc \d+\.\d+\.\d+ \(.+\)\n$/);
  });
});
