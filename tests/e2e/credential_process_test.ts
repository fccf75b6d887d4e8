/**
 * The spine, end to end with real parts: oidc-provider as the IdP, headless
 * Chromium as the browser (started through the provider's `agent`), the AWS
 * SDK's own credential_process provider running our CLI, and GetCallerIdentity
 * signed with the credentials we printed, checked by the STS stand-in's SigV4.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fromProcess } from "@aws-sdk/credential-providers";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startIdp, type TestIdp } from "../fixtures/idp.ts";
import { startSts, type StsStandIn } from "../fixtures/sts.ts";
import { chromiumAgent } from "../helpers/chromium.ts";
import { cleanEnv, cliCommandLine, makeHome, runCli } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";

const ROLE = "arn:aws:iam::123456789012:role/your-role-name";

/** The seed config, with the IdP and browser of this machine substituted. */
function seedConfig(idp: TestIdp, sts: StsStandIn, agent: string, client = { id: idp.publicClientId, secret: "" }) {
  return `region = "us-east-1"

[[AuthProvider]]
name = "google"
role_arn = "${ROLE}"
duration = 900
provider_url = "${idp.issuer}"
client_id = "${client.id}"
${client.secret ? `client_secret = "${client.secret}" # only if the provider requires it even with PKCE` : ""}
agent = ${agent}
sts_endpoint = "${sts.url}"
timeout = 60
`;
}

async function fixtures() {
  const idp = await startIdp();
  const sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.publicClientId, idp.confidentialClient.id] }],
    roles: [
      { arn: ROLE, maxSessionDuration: 7200, trust: { issuer: idp.issuer, audience: idp.publicClientId } },
      {
        arn: "arn:aws:iam::123456789012:role/confidential",
        maxSessionDuration: 7200,
        trust: { issuer: idp.issuer, audience: idp.confidentialClient.id },
      },
    ],
  });
  const agent = await chromiumAgent();
  return {
    idp,
    sts,
    agent,
    async close() {
      await agent.stop();
      await idp.close();
      await sts.close();
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}

Deno.test("the SDK's credential_process provider runs auth; GetCallerIdentity passes SigV4", async () => {
  await using fixture = await fixtures();
  const { idp, sts, agent } = fixture;
  const home = await makeHome(seedConfig(idp, sts, agent.toml));
  const awsConfig = join(home, ".aws", "config");
  const configFile = join(home, ".aws-oidc", "config");
  await Deno.writeTextFile(
    awsConfig,
    `[profile default]\nregion = us-east-1\ncredential_process = ${cliCommandLine()} auth google --config ${configFile}\n`,
  );
  await using _home = removing(home);
  const provider = fromProcess({ profile: "default", configFilepath: awsConfig, filepath: join(home, "none") });
  const credentials = await provider();
  assert.match(credentials.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
  assert.ok(credentials.expiration && credentials.expiration.getTime() > Date.now() + 800_000);
  assert.equal(idp.counters.authorizations, 1);
  assert.equal(idp.counters.codeGrants, 1);
  assert.equal(sts.counters.assumeRoleWithWebIdentity, 1);
  assert.equal(sts.lastAssume?.roleSessionName, "test-user@example.test", "RoleSessionName from the email claim");
  assert.equal(sts.lastAssume?.durationSeconds, 900);

  const client = new STSClient({ region: "us-east-1", endpoint: sts.url, credentials });
  const identity = await client.send(new GetCallerIdentityCommand({}));
  client.destroy();
  assert.equal(identity.Arn, "arn:aws:sts::123456789012:assumed-role/your-role-name/test-user@example.test");
  assert.equal(sts.counters.getCallerIdentity, 1);
});

Deno.test("seed flags --role_arn=… --duration 7200, a confidential client, AWS_ENDPOINT_URL_STS", async () => {
  await using fixture = await fixtures();
  const { idp, sts, agent } = fixture;
  const config = seedConfig(idp, sts, agent.toml, idp.confidentialClient).replace(/^sts_endpoint.*$/m, "");
  const home = await makeHome(config);
  await using _home = removing(home);
  const run = await runCli(
    ["auth", "google", `--role_arn=arn:aws:iam::123456789012:role/confidential`, "--duration", "7200"],
    cleanEnv(home, { AWS_ENDPOINT_URL_STS: sts.url }),
  );
  assert.equal(run.code, 0, run.stderr);
  const output = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(output), ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]);
  assert.equal(output.Version, 1);
  assert.match(output.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.equal(run.stdout.trim().split("\n").length, 1, "exactly one JSON line");
  assert.equal(sts.lastAssume?.roleArn, "arn:aws:iam::123456789012:role/confidential");
  assert.equal(sts.lastAssume?.durationSeconds, 7200);
  assert.doesNotMatch(run.stderr, new RegExp(idp.confidentialClient.secret), "the secret is never printed");

  // A second browser, given with --agent (a profile is in use until its browser is stopped).
  const secondBrowser = await chromiumAgent();
  const tooLong = await runCli(
    [
      "auth",
      "google",
      "--duration",
      "43200",
      "--role-arn",
      "arn:aws:iam::123456789012:role/confidential",
      "--agent",
      JSON.stringify(secondBrowser.argv),
    ],
    cleanEnv(home, { AWS_ENDPOINT_URL_STS: sts.url }),
  ).finally(() => secondBrowser.stop());
  assert.equal(tooLong.code, 1);
  assert.equal(tooLong.stdout, "");
  assert.match(
    tooLong.stderr,
    /STS refused the role \(ValidationError\).*MaxSessionDuration.*hint: check role_arn and duration/,
  );
});

Deno.test("STS refusals are translated: a role whose trust policy does not admit us", async () => {
  await using fixture = await fixtures();
  const { idp, sts, agent } = fixture;
  const home = await makeHome(seedConfig(idp, sts, agent.toml));
  await using _home = removing(home);
  const run = await runCli(
    ["auth", "google", "--role-arn", "arn:aws:iam::123456789012:role/confidential"],
    cleanEnv(home),
  );
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.match(
    run.stderr,
    /STS refused the role \(AccessDenied\).*trust policy of arn:aws:iam::123456789012:role\/confidential/,
  );
});
