/**
 * Machine to machine, end to end: the real CLI with flow = "client_credentials",
 * no browser, no terminal (stdin null, no agent), authenticating to the
 * oidc-provider fixture with private_key_jwt; the JWT access token goes to
 * the STS stand-in, whose IAM OIDC provider lists the token's audience.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startIdp, type TestIdp } from "../fixtures/idp.ts";
import { startSts, type StsStandIn } from "../fixtures/sts.ts";
import { cleanEnv, makeHome, runCli } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";

const ROLE = "arn:aws:iam::123456789012:role/ci-deploy";

function config(idp: TestIdp, sts: StsStandIn, keyFile?: string): string {
  return `region = "us-east-1"
sts_endpoint = "${sts.url}"
provider_url = "${idp.issuer}"
role_arn = "${ROLE}"

[[AuthProvider]]
name = "ci"
client_id = "${idp.m2mClient.id}"
flow = "client_credentials"
${keyFile ? `private_key_file = "${keyFile}"` : ""}
key_id = "${idp.m2mClient.keyId}"

[[AuthProvider]]
name = "not-m2m"
client_id = "${idp.confidentialClient.id}"
client_secret = "${idp.confidentialClient.secret}"
flow = "client_credentials"

[[AuthProvider]]
name = "public"
client_id = "${idp.publicClientId}"
flow = "client_credentials"
`;
}

async function fixtures() {
  const idp = await startIdp();
  const sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.m2mClient.audience] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.m2mClient.audience } }],
  });
  return {
    idp,
    sts,
    async close() {
      await idp.close();
      await sts.close();
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}

Deno.test("auth with client credentials and private_key_jwt: JSON credentials, then the cache", async () => {
  await using fixture = await fixtures();
  const { idp, sts } = fixture;
  const home = await makeHome("");
  await using _home = removing(home);
  const keyFile = join(home, ".aws-oidc", "ci-key.pem");
  await Deno.writeTextFile(keyFile, idp.m2mClient.privateKeyPem, { mode: 0o600 });
  await Deno.writeTextFile(join(home, ".aws-oidc", "config"), config(idp, sts, keyFile));

  const run = await runCli(["auth", "ci"], cleanEnv(home));
  assert.equal(run.code, 0, run.stderr);
  const output = JSON.parse(run.stdout);
  assert.equal(output.Version, 1);
  assert.match(output.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
  assert.ok(sts.issued(output.AccessKeyId, output.SecretAccessKey, output.SessionToken));
  assert.equal(sts.counters.assumeRoleWithWebIdentity, 1);
  assert.equal(sts.lastAssume?.roleSessionName, idp.m2mClient.id, "RoleSessionName from sub, the client id");
  assert.equal(idp.counters.clientCredentialsGrants, 1);
  assert.equal(idp.counters.authorizations, 0, "no browser");
  assert.doesNotMatch(run.stderr, /eyJ|BEGIN/, "no token or key on stderr");

  const again = await runCli(["auth", "ci"], cleanEnv(home));
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout), output, "served from the cache");
  assert.equal(sts.counters.assumeRoleWithWebIdentity, 1);
  assert.equal(idp.counters.clientCredentialsGrants, 1);
});

Deno.test("the key may come from AWS_OIDC_PRIVATE_KEY (an EC P-256 key: ES256)", async () => {
  await using fixture = await fixtures();
  const { idp, sts } = fixture;
  const home = await makeHome(config(idp, sts));
  await using _home = removing(home);
  const run = await runCli(
    ["auth", "ci", "--key-id", idp.m2mClient.es256.keyId],
    cleanEnv(home, { AWS_OIDC_PRIVATE_KEY: idp.m2mClient.es256.privateKeyPem }),
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(JSON.parse(run.stdout).AccessKeyId, /^ASIA/);
  assert.equal(idp.counters.clientCredentialsGrants, 1);
  assert.equal(sts.counters.assumeRoleWithWebIdentity, 1);
});

Deno.test("a client the IdP does not allow the grant, or one without credentials, is refused clearly", async () => {
  await using fixture = await fixtures();
  const { idp, sts } = fixture;
  const home = await makeHome(config(idp, sts));
  await using _home = removing(home);
  const refused = await runCli(["auth", "not-m2m"], cleanEnv(home));
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, "");
  assert.match(
    refused.stderr,
    /^error: The identity provider does not allow the client credentials grant for client "aws-oidc-test-confidential" \(invalid_request: requested grant type is not allowed for this client\) \(hint: register the client at the IdP for the client_credentials grant/m,
  );
  assert.doesNotMatch(refused.stderr, new RegExp(idp.confidentialClient.secret));

  const unauthenticated = await runCli(["auth", "public"], cleanEnv(home));
  assert.equal(unauthenticated.code, 2);
  assert.equal(unauthenticated.stdout, "");
  assert.match(
    unauthenticated.stderr,
    /Provider "public" uses flow "client_credentials" but has no client credentials \(hint: set private_key_file \(or AWS_OIDC_PRIVATE_KEY\)/,
  );
  assert.equal(sts.counters.requests, 0);
});
