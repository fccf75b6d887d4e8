/**
 * `setup` end to end: unattended by flags with a real test login (oidc-provider,
 * headless Chromium, the STS stand-in), and interactively on a pseudo-terminal
 * (util-linux script) answering each question as it appears. Files that were
 * already there keep every other byte.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startIdp } from "../fixtures/idp.ts";
import { startSts } from "../fixtures/sts.ts";
import { chromiumAgent } from "../helpers/chromium.ts";
import { cleanEnv, makeHome, runCli } from "../helpers/cli.ts";
import { converse } from "../helpers/pty.ts";
import { removing } from "../helpers/dispose.ts";

const ROLE = "arn:aws:iam::123456789012:role/dev";
const OTHER_ROLE = "arn:aws:iam::123456789012:role/other";

const OIDC_CONFIG = `# my aws-oidc config
region = "us-east-1"

[[AuthProvider]]
name = "old"  # keep me
provider_url = "https://accounts.google.com"
client_id = "x"
role_arn = "arn:aws:iam::123456789012:role/old"
`;

const AWS_CONFIG = `; hand-written
[default]
region = eu-west-1

[profile old]
credential_process = aws-oidc auth old
`;

async function homeWithFiles(): Promise<string> {
  const home = await makeHome(OIDC_CONFIG);
  await Deno.writeTextFile(join(home, ".aws", "config"), AWS_CONFIG, { mode: 0o644 });
  await Deno.chmod(join(home, ".aws", "config"), 0o644);
  return home;
}

async function read(home: string) {
  return {
    oidc: await Deno.readTextFile(join(home, ".aws-oidc", "config")),
    aws: await Deno.readTextFile(join(home, ".aws", "config")),
    awsMode: (await Deno.stat(join(home, ".aws", "config"))).mode! & 0o777,
  };
}

Deno.test("setup by flags: test login, then the provider and profile are added and work", async () => {
  await using idp = await startIdp();
  await using sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.publicClientId] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.publicClientId } }],
  });
  await using agent = await chromiumAgent();
  const home = await homeWithFiles();
  await using _home = removing(home);
  const env = cleanEnv(home, { AWS_ENDPOINT_URL_STS: sts.url });
  const flags = ["--type", "generic", "--provider-url", idp.issuer, "--client-id", idp.publicClientId];
  const base = ["setup", ...flags, "--region", "eu-west-2", "--name", "idp", "--agent", agent.toml];
  const args = [...base, "--role-arn", ROLE];

  const missing = await runCli(["setup", "--type", "okta", "--client-id", "c"], env);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /these answers are missing: --domain, --role-arn, --yes \(hint: pass them as flags/);

  const run = await runCli([...args, "--yes"], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "", "setup prints nothing for machines");
  assert.match(run.stderr, /Test login worked: .* as arn:aws:iam::123456789012:role\/dev/);
  assert.equal(idp.counters.codeGrants, 1);
  const block = `[[AuthProvider]]
name = "idp"
type = "generic"
provider_url = "${idp.issuer}"
client_id = "${idp.publicClientId}"
role_arn = "${ROLE}"
region = "eu-west-2"
agent = ${JSON.stringify(agent.argv).replaceAll(",", ", ")}
`;
  const after = await read(home);
  assert.equal(after.oidc, `${OIDC_CONFIG}\n${block}`);
  assert.equal(
    after.aws,
    `${AWS_CONFIG}\n[profile idp]\ncredential_process = aws-oidc auth idp\nregion = eu-west-2\n`,
  );
  assert.equal(after.awsMode, 0o644, "the AWS config keeps its mode");

  // The written provider works, from the test login's cache.
  const auth = await runCli(["auth", "idp"], env);
  assert.equal(auth.code, 0, auth.stderr);
  assert.equal(JSON.parse(auth.stdout).Version, 1);
  assert.equal(idp.counters.codeGrants, 1, "no second login");

  // The same again is refused, and nothing changes.
  const again = await runCli([...args, "--yes"], env);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /Provider "idp" already exists in ".*config" \(hint: .*--force/);
  assert.deepEqual(await read(home), after);

  // A test login that fails writes nothing.
  const failing = await runCli([...base, "--name", "bad", "--role-arn", OTHER_ROLE, "--yes"], env);
  assert.equal(failing.code, 1, failing.stderr);
  assert.match(failing.stderr, /The test login failed, so nothing was written: .*--no-test-login/);
  assert.deepEqual(await read(home), after);

  // --force replaces the provider and updates the profile in place.
  const forced = await runCli([...args, "--region", "ap-south-1", "--no-test-login", "--force", "--yes"], env);
  assert.equal(forced.code, 0, forced.stderr);
  const replaced = await read(home);
  assert.equal(replaced.oidc, `${OIDC_CONFIG}\n${block.replace("eu-west-2", "ap-south-1")}`);
  assert.equal(replaced.aws, after.aws.replace("region = eu-west-2", "region = ap-south-1"));
});

Deno.test("setup keeps edits made to both files while the test login ran", async () => {
  await using idp = await startIdp();
  await using sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.publicClientId] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.publicClientId } }],
  });
  await using chromium = await chromiumAgent();
  const home = await homeWithFiles();
  await using _home = removing(home);
  // The "browser" first edits both files, as a person might while logging in.
  const meanwhile = `printf '\\n[profile meanwhile]\\nregion = x\\n' >> "$HOME/.aws/config"; ` +
    `printf '# meanwhile\\n' >> "$HOME/.aws-oidc/config"; exec "$@"`;
  const agent = JSON.stringify(["sh", "-c", meanwhile, "sh", ...chromium.argv]);
  const args = ["setup", "--type", "generic", "--provider-url", idp.issuer, "--client-id", idp.publicClientId];
  const run = await runCli(
    [...args, "--role-arn", ROLE, "--name", "idp", "--agent", agent, "--yes"],
    cleanEnv(home, { AWS_ENDPOINT_URL_STS: sts.url }),
  );
  assert.equal(run.code, 0, run.stderr);
  const after = await read(home);
  assert.match(after.oidc, /^# meanwhile$/m);
  assert.match(after.oidc, /^name = "idp"$/m);
  assert.ok(after.aws.startsWith(`${AWS_CONFIG}\n[profile meanwhile]\nregion = x\n`), after.aws);
  assert.match(after.aws, /^\[profile idp\]\ncredential_process = aws-oidc auth idp$/m);
});

Deno.test("setup refuses a provider or profile name that would not survive the config files", async () => {
  const home = await homeWithFiles();
  await using _home = removing(home);
  const before = await read(home);
  const base = ["setup", "--type", "google", "--client-id", "c", "--client-secret", "s", "--role-arn", ROLE];
  const cases: Array<[string[], RegExp]> = [
    [["--name", "a b"], /^error: Invalid --name "a b": .*\(hint: /m],
    [["--name", "x]\n[profile evil"], /^error: Invalid --name "x\]\\n\[profile evil": /m],
    [["--profile", "p\ncredential_process = evil"], /^error: Invalid --profile "p\\ncredential_process = evil": /m],
    [["--name", "-x"], /^error: Invalid --name "-x": /m],
  ];
  for (const [flags, message] of cases) {
    const run = await runCli([...base, ...flags, "--no-test-login", "--yes"], cleanEnv(home));
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.deepEqual(await read(home), before, "nothing is written");
  }
});

Deno.test("setup on a terminal: a menu of IdPs, the preset's questions, detected browser profiles, a hidden secret", async () => {
  const home = await homeWithFiles();
  await using _home = removing(home);
  // A fake Brave with two profiles is the only browser on PATH.
  const bin = join(home, "bin");
  await Deno.mkdir(bin);
  await Deno.writeTextFile(join(bin, "brave-browser"), "#!/bin/sh\n", { mode: 0o755 });
  await Deno.chmod(join(bin, "brave-browser"), 0o755);
  const userData = join(home, ".config", "BraveSoftware", "Brave-Browser");
  await Deno.mkdir(userData, { recursive: true });
  await Deno.writeTextFile(
    join(userData, "Local State"),
    JSON.stringify({ profile: { info_cache: { "Profile 1": { name: "Work" }, Default: { name: "Personal" } } } }),
  );
  const env = cleanEnv(home, { PATH: bin });

  const keycloak = await converse(["setup", "--no-test-login"], env, [
    [/Which identity provider\?[\s\S]*Choose 1-9 \[1\]: $/, "4"],
    [/Keycloak host .*: $/, "sso.example.com"],
    [/Realm: $/, "staff"],
    [/OAuth client id: $/, "aws-cli"],
    [/IAM role ARN\(s\).*: $/, "not-an-arn"],
    [/"not-an-arn" is not a role ARN[\s\S]*IAM role ARN\(s\).*: $/, `${ROLE} ${OTHER_ROLE}`],
    [/AWS region .*: $/, ""],
    [/Name for this provider \[keycloak\]: $/, ""],
    [/AWS profile to write \[keycloak\]: $/, "work"],
    [
      /1\) The system's default browser\s+2\) Brave: Personal \(Default\)\s+3\) Brave: Work \(Profile 1\)\s+Choose 1-3 \[1\]: $/,
      "3",
    ],
    [/Write these\? \[Y\/n\]: $/, "y"],
  ]);
  assert.equal(keycloak.code, 0, keycloak.screen);
  const afterKeycloak = await read(home);
  assert.equal(
    afterKeycloak.oidc,
    `${OIDC_CONFIG}
[[AuthProvider]]
name = "keycloak"
type = "keycloak"
domain = "sso.example.com"
realm = "staff"
client_id = "aws-cli"
role_arn = "${ROLE}"
roles = [{ arn = "${ROLE}" }, { arn = "${OTHER_ROLE}" }]
agent = ["brave-browser", "--profile-directory=Profile 1", "{}"]
`,
  );
  assert.equal(
    afterKeycloak.aws,
    `${AWS_CONFIG}\n[profile work]\ncredential_process = aws-oidc auth keycloak\nregion = us-east-1\n`,
  );

  const google = await converse(["setup", "--no-test-login", "--no-profile"], env, [
    [/Choose 1-9 \[1\]: $/, ""],
    [/OAuth client id: $/, "123.apps.googleusercontent.com"],
    [/Client secret \(not echoed\): $/, "GOCSPX-very-secret"],
    [/IAM role ARN\(s\).*: $/, ROLE],
    [/AWS region .*: $/, "eu-central-1"],
    [/Name for this provider \[google\]: $/, "old"],
    [/Choose 1-3 \[1\]: $/, ""],
    [/Provider "old" exists in ".*"\. Replace it\? \[y\/N\]: $/, "n"],
  ]);
  assert.equal(google.code, 2, google.screen);
  assert.match(google.screen, /Provider "old" already exists/);
  assert.ok(!google.screen.includes("GOCSPX-very-secret"), "the secret is neither echoed nor printed");
  assert.deepEqual(await read(home), afterKeycloak, "nothing written");
});
