/**
 * `exec <profile|provider>` with no command: the user's shell, on a pseudo-terminal, with the credentials;
 * and `env`/`token` taking a profile name as well as a provider's.
 */
import assert from "node:assert/strict";
import { cliCommandLine, runCli } from "../helpers/cli.ts";
import { converse } from "../helpers/pty.ts";
import { providerTable, startWorld, type World } from "../helpers/world.ts";

const ROLE = "arn:aws:iam::123456789012:role/shell";

function world(): Promise<World> {
  return startWorld({
    roles: [ROLE],
    config: (servers) => providerTable(servers, { role: ROLE }),
    awsConfig:
      `[profile engineer]\nregion = eu-west-1\ncredential_process = ${cliCommandLine()} auth idp --duration 3600\n`,
    env: { AWS_PROFILE: "engineer", SHELL: "/bin/sh", PS1: "shell-ready> " },
  });
}

const TYPED = 'echo "se""en:$AWS_ACCESS_KEY_ID:${AWS_PROFILE-unset}:$AWS_OIDC_SESSION:$AWS_REGION:end"';

Deno.test("exec <profile> without a command: a command typed into $SHELL sees the credentials; exit status passes through", async () => {
  await using w = await world();
  const run = await converse(["exec", "engineer"], w.env, [
    [/shell-ready> /, TYPED],
    [/shell-ready> /, "exit 7"],
  ]);
  assert.equal(run.code, 7, run.screen);
  const seen = /seen:(\S*):(\S*):(.*?):(\S*):end/.exec(run.screen);
  assert.ok(seen, run.screen);
  assert.match(seen[1], /^ASIA[A-Z0-9]{16}$/);
  assert.equal(seen[2], "unset", "AWS_PROFILE stays unset");
  assert.equal(seen[3], "engineer (idp)");
  assert.equal(seen[4], "eu-west-1");
  assert.match(run.screen, /Starting \/bin\/sh with credentials for engineer \(idp\)/);

  // A provider's name works the same way; the session names the provider alone; exit 0 stays 0.
  const direct = await converse(["exec", "idp"], w.env, [[/shell-ready> /, TYPED], [/shell-ready> /, "exit"]]);
  assert.equal(direct.code, 0, direct.screen);
  assert.match(direct.screen, /seen:ASIA[A-Z0-9]{16}:unset:idp:us-east-1:end/);
  assert.equal(w.idp.counters.authorizations, 1, "one browser login for both");
});

Deno.test("env and token take a profile name: its credential_process flags and region apply", async () => {
  await using w = await world();
  const env = await runCli(["env", "engineer", "--format", "json"], w.env);
  assert.equal(env.code, 0, env.stderr);
  const json = JSON.parse(env.stdout);
  assert.equal(json.Region, "eu-west-1", "the profile's region");
  assert.equal(w.sts.lastAssume?.durationSeconds, 3600, "the profile's --duration");
  assert.ok(w.sts.issued(json.AccessKeyId, json.SecretAccessKey, json.SessionToken));

  const token = await runCli(["token", "engineer"], w.env);
  assert.equal(token.code, 0, token.stderr);
  assert.equal(JSON.parse(token.stdout).version, 1);

  const unknown = await runCli(["env", "nobody"], w.env);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /"nobody" is neither a provider .* nor usable as a profile/);
  assert.equal(unknown.stdout, "");
});
