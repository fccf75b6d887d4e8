/** Role chaining: web identity into the hub role, then AssumeRole (signed with the hub's credentials) into a spoke. */
import assert from "node:assert/strict";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { runCli } from "../helpers/cli.ts";
import { providerTable, withWorld } from "../helpers/world.ts";

const HUB = "arn:aws:iam::123456789012:role/hub";
const SPOKE = "arn:aws:iam::123456789012:role/spoke";
const CLOSED = "arn:aws:iam::123456789012:role/closed";

Deno.test("chain = [spoke]: AssumeRole signed with the web identity credentials; cached as its own set", async () => {
  await withWorld({
    roles: (trust) => [
      { arn: HUB, maxSessionDuration: 7200, trust },
      { arn: SPOKE, trustedRoles: [HUB] },
      { arn: CLOSED, trustedRoles: [] },
    ],
    config: (servers) =>
      providerTable(servers, { name: "hub", role: HUB, fields: ["duration = 7200", `chain = ["${SPOKE}"]`] }),
  }, async ({ sts, env }) => {
    const run = await runCli(["auth", "hub"], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sts.counters.assumeRoleWithWebIdentity, 1);
    assert.equal(sts.counters.assumeRole, 1);
    assert.match(
      sts.lastChained!.callerArn,
      /:assumed-role\/hub\/test-user@example\.test$/,
      "signed by the hub session",
    );
    assert.equal(sts.lastChained!.durationSeconds, 3600, "chained sessions are capped at one hour");
    const output = JSON.parse(run.stdout);
    const client = new STSClient({
      region: "us-east-1",
      endpoint: sts.url,
      credentials: {
        accessKeyId: output.AccessKeyId,
        secretAccessKey: output.SecretAccessKey,
        sessionToken: output.SessionToken,
      },
    });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    client.destroy();
    assert.equal(identity.Arn, "arn:aws:sts::123456789012:assumed-role/spoke/test-user@example.test");

    const again = await runCli(["auth", "hub"], env);
    assert.equal(again.stdout, run.stdout, "served from the cache");
    assert.equal(sts.counters.assumeRole, 1);

    const refused = await runCli(["auth", "hub", "--chain", CLOSED], env);
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, "");
    assert.match(
      refused.stderr,
      /\(AccessDenied\).*trust policy of arn:aws:iam::123456789012:role\/closed must allow sts:AssumeRole for the web identity role/,
    );
    assert.equal(sts.counters.assumeRoleWithWebIdentity, 2, "the cached ID token, a new credential set");
  });
});
