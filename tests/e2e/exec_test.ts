/** `exec`: a real ~/.aws/config profile, the child's environment, exit codes, signals, and the credential server. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommand, cliCommandLine, runCli } from "../helpers/cli.ts";
import { providerTable, startWorld, type World } from "../helpers/world.ts";

const ROLE = "arn:aws:iam::123456789012:role/exec";
const ROOT = new URL("../../", import.meta.url).pathname;

function world(): Promise<World> {
  return startWorld({
    roles: [ROLE],
    config: (servers) => providerTable(servers, { role: ROLE }),
    awsConfig:
      `[profile engineer]\nregion = eu-west-1\ncredential_process = ${cliCommandLine()} auth idp --duration 3600\n`,
    env: { AWS_PROFILE: "engineer", AWS_ACCESS_KEY_ID: "AKIASTALESTALESTALE1" },
  });
}

const SHOW = 'printf "%s|%s|%s|%s|%s" "$AWS_ACCESS_KEY_ID" "${AWS_PROFILE-unset}" "$AWS_REGION" ' +
  '"$AWS_CREDENTIAL_EXPIRATION" "$AWS_OIDC_SESSION"';

Deno.test("exec <profile>: the child sees the credentials and region, not AWS_PROFILE; exit codes propagate", async () => {
  await using w = await world();
  const run = await runCli(["exec", "engineer", "--", "sh", "-c", SHOW], w.env);
  assert.equal(run.code, 0, run.stderr);
  const [key, profile, region, expiration, marker] = run.stdout.split("|");
  assert.match(key, /^ASIA/);
  assert.equal(profile, "unset");
  assert.equal(region, "eu-west-1", "the profile's region");
  assert.match(expiration, /Z$/);
  assert.equal(marker, "engineer (idp)", "the profile and its provider, for a prompt");
  assert.equal(w.sts.lastAssume?.durationSeconds, 3600, "the credential_process flags were applied");

  assert.equal((await runCli(["exec", "engineer", "--", "sh", "-c", "exit 3"], w.env)).code, 3);
  assert.equal((await runCli(["exec", "engineer", "--", "sh", "-c", 'kill -TERM "$$"'], w.env)).code, 143);
  const nested = await runCli(["exec", "engineer", "--", "true"], { ...w.env, AWS_OIDC_SESSION: "outer" });
  assert.match(nested.stderr, /Already inside an aws-oidc exec session \("outer"\)/);
  const missing = await runCli(["exec", "nope", "--", "true"], w.env);
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /"nope" is neither a provider .* no profile "nope".*providers: "idp"; known profiles: "engineer"/s,
  );
  assert.equal(w.idp.counters.authorizations, 1, "one login for all of them");
});

Deno.test("exec --provider, and SIGINT reaches the child", async () => {
  await using w = await world();
  const direct = await runCli(["exec", "--provider", "idp", "--region", "ap-south-1", "--", "sh", "-c", SHOW], w.env);
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(direct.stdout.split("|")[2], "ap-south-1");
  assert.equal(direct.stdout.split("|")[4], "idp", "a provider alone names the session");

  const [program, ...args] = cliCommand();
  const child = new Deno.Command(program, {
    args: [...args, "exec", "engineer", "--", "sh", "-c", 'trap "exit 42" INT; echo ready; sleep 30 & wait'],
    env: w.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ready")) seen += (await reader.read()).value ?? "";
  child.kill("SIGINT");
  assert.equal((await child.status).code, 42);
  await reader.cancel();
});

Deno.test("regression: exec --server --force-login forces the first login only, not one per request", async () => {
  await using w = await world();
  assert.equal((await runCli(["auth", "idp", "--duration", "3600", "--region", "eu-west-1"], w.env)).code, 0);
  assert.equal(w.idp.counters.authorizations, 1);
  await w.agent.stop(); // the first browser holds the profile
  // Two requests to the endpoint, as an SDK makes when its credentials run out.
  const fetchTwice = 'for i in 1 2; do curl -sf -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" ' +
    '"$AWS_CONTAINER_CREDENTIALS_FULL_URI" || exit 9; echo; done';
  const run = await runCli(["exec", "--server", "--force-login", "engineer", "--", "sh", "-c", fetchTwice], w.env);
  assert.equal(run.code, 0, run.stderr);
  const answers = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(answers.length, 2);
  assert.equal(w.idp.counters.authorizations, 2, "one forced login, then the cache");
  assert.equal(answers[0].AccessKeyId, answers[1].AccessKeyId, "the second request is answered from the cache");
});

Deno.test("exec --server: the SDK's own container credentials provider reads fresh credentials", async () => {
  await using w = await world();
  const client = join(ROOT, "tests", "fixtures", "sdk_container_client.ts");
  const run = await runCli([
    "exec",
    "--server",
    "engineer",
    "--",
    Deno.execPath(),
    "run",
    "--quiet",
    "--allow-env",
    "--allow-net=127.0.0.1",
    "--allow-read",
    "--allow-sys",
    client,
    "chain",
    "1",
  ], w.env);
  assert.equal(run.code, 0, run.stderr);
  const seen = JSON.parse(run.stdout.trim().split("\n")[0]);
  assert.match(seen.accessKeyId, /^ASIA/);
  const cached = await runCli(["auth", "idp", "--duration", "3600", "--region", "eu-west-1"], w.env);
  assert.equal(JSON.parse(cached.stdout).AccessKeyId, seen.accessKeyId, "served through the cache");
});
