/**
 * `login`: the real CLI against the test IdP, the STS stand-in and the
 * federation stand-in. Chromium does the OIDC login (`auth` warms the cache);
 * the console URL goes to a recording agent, or to stdout with --print.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type FederationStandIn, startFederation } from "../fixtures/federation.ts";
import { cliCommandLine, runCli } from "../helpers/cli.ts";
import { withCommandLineScan } from "../helpers/cmdlines.ts";
import { startWorld, type World } from "../helpers/world.ts";

const ROLE = "arn:aws:iam::123456789012:role/console";
const ROOT = new URL("../../", import.meta.url).pathname;
const FETCH_AGENT = join(ROOT, "tests", "fixtures", "fetch_agent.ts");

interface LoginWorld extends World {
  federation: FederationStandIn;
  /**
   * `--agent` for an agent that records its argv and fetches its URL `times` times (no redirects followed),
   * writing to a fresh file; and a reader of what it recorded: its 3 arguments (file, URL, times), then one
   * `<status> <location>` a fetch.
   */
  recorder(times?: number): { flag: string; read(): Promise<string[]> };
}

async function world(): Promise<LoginWorld> {
  const w = await startWorld({
    roles: [ROLE],
    awsConfig: `[profile engineer]\nregion = eu-west-1\ncredential_process = ${cliCommandLine()} auth idp\n`,
  });
  const federation = startFederation({ sts: w.sts });
  await w.writeConfig(`
[[AuthProvider]]
name = "idp"
role_arn = "${ROLE}"
provider_url = "${w.idp.issuer}"
client_id = "${w.idp.publicClientId}"
sts_endpoint = "${w.sts.url}"
signin_url = "${federation.endpoint}"
agent = ${w.agent.toml}
`);
  let records = 0;
  return {
    ...w,
    federation,
    recorder(times = 1) {
      const file = join(w.home, `agent-${records++}.txt`);
      const deno = [Deno.execPath(), "run", "--allow-net=127.0.0.1", `--allow-write=${file}`];
      return {
        flag: JSON.stringify([...deno, FETCH_AGENT, file, "{}", String(times)]),
        async read() {
          // The CLI does not wait for its browser: wait for the agent's closing empty line.
          for (let waited = 0; waited < 10_000; waited += 50) {
            const text = await Deno.readTextFile(file).catch(() => "");
            if (text.endsWith("\n\n")) return text.slice(0, -2).split("\n");
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          throw new Error("the recording agent never ran");
        },
      };
    },
    async close() {
      await w.close();
      await federation.close();
    },
  };
}

/** Checks a console sign-in URL against what the stand-ins issued; returns its parameters. */
function checkLoginUrl(w: LoginWorld, text: string): URLSearchParams {
  const url = new URL(text);
  assert.equal(url.origin + url.pathname, w.federation.endpoint);
  const params = url.searchParams;
  assert.equal(params.get("Action"), "login");
  assert.equal(params.get("Issuer"), "aws-oidc");
  const token = params.get("SigninToken")!;
  assert.ok(w.federation.tokens.has(token), "a SigninToken the federation stand-in issued");
  return params;
}

/** Nothing secret on stderr: no sign-in token, no URL carrying one, no credentials. */
function assertNoSecrets(w: LoginWorld, stderr: string): void {
  for (const token of w.federation.tokens.keys()) assert.ok(!stderr.includes(token), "the SigninToken leaked");
  assert.doesNotMatch(stderr, /SigninToken|Action=login|federation\?/);
  assert.doesNotMatch(stderr, /ASIA[A-Z0-9]{16}/);
}

async function warmCache(w: LoginWorld): Promise<void> {
  const auth = await runCli(["auth", "idp"], w.env);
  assert.equal(auth.code, 0, auth.stderr);
  assert.equal(w.idp.counters.authorizations, 1);
}

Deno.test("login --print: stdout is the sign-in URL alone, its token issued for the STS stand-in's credentials", async () => {
  await using w = await world();
  await warmCache(w);
  const run = await runCli(["login", "idp", "--print"], w.env);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.split("\n");
  assert.deepEqual(lines.slice(1), [""], "one line on stdout, nothing else");
  const params = checkLoginUrl(w, lines[0]);
  assert.equal(params.get("Destination"), "https://console.aws.amazon.com/");
  assertNoSecrets(w, run.stderr);
  assert.equal(w.federation.calls.length, 1);
  assert.deepEqual(w.federation.calls[0].sessionKeys, ["sessionId", "sessionKey", "sessionToken"]);
  assert.equal(w.federation.calls[0].sessionDuration, undefined, "SessionDuration left out by default");
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1, "the cached credentials were exchanged");
  assert.equal(w.idp.counters.authorizations, 1, "no second browser login");

  const placed = await runCli(
    ["login", "idp", "--print", "--destination", "/s3/home", "--region", "eu-west-1"],
    w.env,
  );
  assert.equal(placed.code, 0, placed.stderr);
  assert.equal(
    checkLoginUrl(w, placed.stdout.trim()).get("Destination"),
    "https://console.aws.amazon.com/s3/home?region=eu-west-1",
  );
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1, "--region moves the console, not STS");

  const debug = await runCli(["--debug", "login", "idp", "--print"], w.env);
  assert.equal(debug.code, 0, debug.stderr);
  assertNoSecrets(w, debug.stderr);
});

Deno.test("login opens the console with the provider's agent; a profile name works too", async () => {
  await using w = await world();
  await warmCache(w);
  const recorder = w.recorder();
  const run = await runCli(["login", "idp", "--agent", recorder.flag], w.env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "", "nothing on stdout without --print");
  assert.match(run.stderr, new RegExp(`Opening the AWS console for ${ROLE.replace(/[/]/g, "\\/")} in aws`));
  assertNoSecrets(w, run.stderr);
  const [record, link, times, fetched] = await recorder.read();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{24}$/, "the agent got a one-time loopback link");
  const [status, location] = fetched.split(" ");
  assert.equal(status, "302");
  checkLoginUrl(w, location);
  assert.ok(record.endsWith(".txt") && times === "1");

  // The profile's credential_process names the provider; its region makes a new credential set, not a new login.
  const viaProfile = w.recorder();
  const profile = await runCli(["login", "engineer", "--agent", viaProfile.flag], w.env);
  assert.equal(profile.code, 0, profile.stderr);
  checkLoginUrl(w, (await viaProfile.read())[3].split(" ")[1]);
  assert.equal(w.idp.counters.authorizations, 1);

  const unknown = await runCli(["login", "nobody"], w.env);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /"nobody" is neither a provider .* nor usable as a profile.*providers: "idp"/);
});

Deno.test({
  // Reads every process's command line from /proc.
  ignore: Deno.build.os !== "linux",
  name: "login: no SigninToken on any command line while it runs; the one-time link works once, then 410 and a warning",
}, async () => {
  await using w = await world();
  await warmCache(w);
  const recorder = w.recorder(2);
  const { result, seen: scanned } = await withCommandLineScan(() =>
    runCli(["login", "idp", "--agent", recorder.flag], w.env)
  );
  const seen = scanned.filter((line) => /SigninToken|federation\?|Action=login/.test(line));
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(seen, [], "no process had the sign-in URL on its command line");
  assert.ok(scanned.some((line) => line.includes(FETCH_AGENT)), "the scan saw the agent");
  const [, , , first, second] = await recorder.read();
  assert.equal(first.split(" ")[0], "302");
  checkLoginUrl(w, first.split(" ")[1]);
  assert.equal(second, "410 -", "the second request gets nothing");
  assert.match(result.stderr, /warning: The one-time link to the AWS console was requested 2 times: someone else/);
  assertNoSecrets(w, result.stderr);
});

Deno.test("login --session-duration: sent when accepted; after a 400 retried once without it", async () => {
  await using w = await world();
  await warmCache(w);
  const accepted = await runCli(["login", "idp", "--print", "--session-duration", "7200"], w.env);
  assert.equal(accepted.code, 0, accepted.stderr);
  checkLoginUrl(w, accepted.stdout.trim());
  assert.deepEqual(w.federation.calls.map((call) => [call.sessionDuration, call.status]), [["7200", 200]]);

  w.federation.rejectSessionDuration = true;
  const retried = await runCli(["login", "idp", "--print", "--session-duration", "7200"], w.env);
  assert.equal(retried.code, 0, retried.stderr);
  checkLoginUrl(w, retried.stdout.trim());
  assert.deepEqual(w.federation.calls.slice(1).map((call) => [call.sessionDuration, call.status]), [
    ["7200", 400],
    [undefined, 200],
  ]);
  assert.match(retried.stderr, /refused SessionDuration=7200; retrying without it/);
  assertNoSecrets(w, retried.stderr);
});

Deno.test("login: refused credentials and bad destinations are explained, nothing on stdout", async () => {
  await using w = await world();
  await using stranger = startFederation({ sts: { issued: () => false } });
  await warmCache(w);
  const refused = await runCli(["login", "idp", "--print", "--signin-url", stranger.endpoint], w.env);
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, "");
  assert.match(refused.stderr, /refused the credentials \(HTTP 403\).*must be temporary credentials from STS/);

  const calls = w.federation.calls.length;
  for (
    const args of [
      ["--destination", "https://evil.example/"],
      ["--region", "cn-north-1"],
      ["--session-duration", "60"],
    ]
  ) {
    const bad = await runCli(["login", "idp", "--print", ...args], w.env);
    assert.equal(bad.code, 2, bad.stderr);
    assert.equal(bad.stdout, "");
    assert.match(bad.stderr, /hint:/);
  }
  assert.equal(w.federation.calls.length, calls, "usage errors cost no federation call");
});
