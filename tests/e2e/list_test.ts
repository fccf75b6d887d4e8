/** `aws-oidc list` through the real CLI against the IAM stand-in: paging, matching, outputs, derived claim, refusals. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { IAM_TEST_KEYS, type IamRoleDefinition, startIam } from "../fixtures/iam.ts";
import { cleanEnv, makeHome, runCli } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";

const ISSUER = "https://accounts.google.com";
const CLAIM = "accounts.google.com:aud";
const CLIENT = "1234.apps.googleusercontent.com";
const ARN = "arn:aws:iam::123456789012:role";

function trust(statements: unknown[]): unknown {
  return { Version: "2012-10-17", Statement: statements };
}

function webIdentity(condition: unknown, overrides: Record<string, unknown> = {}) {
  return {
    Effect: "Allow",
    Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/accounts.google.com" },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: condition,
    ...overrides,
  };
}

/** Seven roles over four pages of two: three let CLIENT in, four do not. */
const ROLES: IamRoleDefinition[] = [
  { name: "admin", trustPolicy: trust([webIdentity({ StringEquals: { [CLAIM]: CLIENT } })]) },
  {
    name: "ec2-instance",
    trustPolicy: trust([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]),
  },
  { name: "other-client", trustPolicy: trust([webIdentity({ StringEquals: { [CLAIM]: "5678.apps" } })]) },
  {
    name: "readonly",
    path: "/oidc/",
    trustPolicy: trust([webIdentity({ StringLike: { [CLAIM]: "1234.*" } })]),
  },
  { name: "denied", trustPolicy: trust([webIdentity({ StringEquals: { [CLAIM]: CLIENT } }, { Effect: "Deny" })]) },
  {
    name: "okta",
    trustPolicy: trust([webIdentity({ StringEquals: { "example.okta.com/oauth2/default:aud": CLIENT } })]),
  },
  {
    name: "deploy",
    trustPolicy: trust([webIdentity({ "ForAnyValue:StringEquals": { "Accounts.Google.Com:Aud": ["x", CLIENT] } })]),
  },
];

const MATCHING = ["admin", "readonly", "deploy"];

/** A home whose ~/.aws/credentials has profile "x" with the stand-in's keys. */
async function withListHome(config: string, fn: (env: Record<string, string>) => Promise<void>): Promise<void> {
  const home = await makeHome(config);
  await Deno.writeTextFile(
    join(home, ".aws", "credentials"),
    `[x]\naws_access_key_id = ${IAM_TEST_KEYS.accessKeyId}\naws_secret_access_key = ${IAM_TEST_KEYS.secretAccessKey}\n`,
  );
  await using _home = removing(home);
  await fn(cleanEnv(home));
}

function tableRoles(stdout: string): string[] {
  const [header, ...rows] = stdout.trimEnd().split("\n");
  assert.match(header, /^ROLE +ARN +CLIENT ID$/);
  return rows.map((row) => row.split(/ +/)[0]);
}

Deno.test("list: every ListRoles page, StringEquals / StringLike / ForAnyValue matches, as a table and as JSON", async () => {
  await using iam = await startIam({ roles: ROLES, pageSize: 2 });
  await withListHome("", async (base) => {
    const env = { ...base, AWS_ENDPOINT_URL_IAM: iam.url };
    const table = await runCli(["list", "--profile", "x", "--claim", CLAIM, "--client-id", CLIENT], env);
    assert.equal(table.code, 0, table.stderr);
    assert.equal(table.stderr, "");
    assert.deepEqual(tableRoles(table.stdout), MATCHING);
    assert.match(table.stdout, new RegExp(`^readonly +${ARN}/oidc/readonly +1234\\.\\*$`, "m"));
    assert.match(table.stdout, new RegExp(`^admin +${ARN}/admin +${CLIENT.replaceAll(".", "\\.")}$`, "m"));
    assert.equal(iam.counters.listRoles, 4, "seven roles at two per page");
    assert.deepEqual(iam.markers.slice(0, 1), [null]);

    const json = await runCli(["list", "--profile", "x", "--claim", CLAIM, "--client_id", CLIENT, "--json"], env);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout);
    assert.deepEqual(parsed.map((role: { role_name: string }) => role.role_name), MATCHING);
    assert.deepEqual(parsed[1], {
      role_name: "readonly",
      arn: `${ARN}/oidc/readonly`,
      conditions: [{ operator: "StringLike", value: "1234.*" }],
    });
    assert.deepEqual(parsed[2].conditions, [{ operator: "ForAnyValue:StringEquals", value: CLIENT }]);

    // No client id: every role with a condition on the claim, with its values.
    const all = await runCli(["list", "--profile", "x", "--claim", `${ISSUER}:aud`], env);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(tableRoles(all.stdout), ["admin", "other-client", "readonly", "deploy"]);
    assert.match(all.stdout, /^deploy +\S+ +x, 1234\.apps\.googleusercontent\.com$/m);

    const none = await runCli(["list", "--profile", "x", "--claim", CLAIM, "--client-id", "nobody"], env);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, "");
    assert.match(none.stderr, /No role of the 7 in the account lets "nobody" in on "accounts\.google\.com:aud"/);
  });
});

Deno.test("list: claim and client id derived from the configured provider; several providers need a choice", async () => {
  await using iam = await startIam({ roles: ROLES, pageSize: 3 });
  const provider = (name: string, url: string) =>
    `[[AuthProvider]]\nname = "${name}"\nprovider_url = "${url}"\nclient_id = "${CLIENT}"\n`;
  // A provider without role_arn is enough for list.
  await withListHome(provider("google", `${ISSUER}/`), async (base) => {
    const env = { ...base, AWS_ENDPOINT_URL_IAM: iam.url };
    const derived = await runCli(["list", "--profile", "x"], env);
    assert.equal(derived.code, 0, derived.stderr);
    assert.deepEqual(tableRoles(derived.stdout), MATCHING);
    assert.ok(iam.counters.listRoles >= 3);
  });
  await withListHome(
    provider("google", ISSUER) + provider("okta", "https://example.okta.com/oauth2/default"),
    async (base) => {
      const env = { ...base, AWS_ENDPOINT_URL_IAM: iam.url };
      const ambiguous = await runCli(["list", "--profile", "x"], env);
      assert.equal(ambiguous.code, 2);
      assert.equal(ambiguous.stdout, "");
      assert.match(ambiguous.stderr, /^error: Several providers are configured \("google", "okta"\).*--provider/m);

      const okta = await runCli(["list", "--profile", "x", "--provider", "okta", "--json"], env);
      assert.equal(okta.code, 0, okta.stderr);
      assert.deepEqual(JSON.parse(okta.stdout).map((role: { role_name: string }) => role.role_name), ["okta"]);
    },
  );
});

Deno.test("list: AccessDenied, bad keys and missing credentials exit 1 with one line and a hint", async () => {
  await using denied = await startIam({ roles: ROLES, denyListRoles: true });
  await using strict = await startIam({ roles: ROLES, keys: { ...IAM_TEST_KEYS, secretAccessKey: "another" } });
  await withListHome("", async (env) => {
    const args = ["list", "--claim", CLAIM, "--client-id", CLIENT];
    const cases: [Record<string, string>, string[], RegExp][] = [
      [
        { AWS_ENDPOINT_URL_IAM: denied.url },
        ["--profile", "x"],
        /IAM refused ListRoles \(AccessDenied\).*\(hint: the credentials need iam:ListRoles/,
      ],
      [{ AWS_ENDPOINT_URL_IAM: strict.url }, ["--profile", "x"], /\(SignatureDoesNotMatch\).*hint: the secret/],
      [{ AWS_ENDPOINT_URL_IAM: denied.url }, [], /No AWS credentials to call IAM.*hint: pass --profile/],
      [{ AWS_ENDPOINT_URL_IAM: denied.url }, ["--profile", "nope"], /hint: check that profile "nope" exists/],
    ];
    for (const [extra, flags, pattern] of cases) {
      const run = await runCli([...args, ...flags], { ...env, ...extra });
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, "");
      const errors = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
      assert.equal(errors.length, 1, run.stderr);
      assert.match(errors[0], pattern);
    }
    assert.equal(denied.counters.listRoles, 1, "only the signed request reached ListRoles");
  });
});
