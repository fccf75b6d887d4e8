/**
 * `serve`: a long-running container credentials endpoint that real clients (the AWS CLI, boto3, the JS SDK's
 * default chain) read through the token file, that refuses a wrong or missing token, and that keeps handing out
 * fresh credentials past their expiry without a browser.
 */
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";
import type { World } from "../helpers/world.ts";
import { AWS_CLI, BOTO3_CLIENT, PYTHON, sdkClient, serveWorld, startServe } from "../helpers/serve.ts";
import { runCommand } from "../helpers/command.ts";

/**
 * The client's environment: the world's, plus what serve printed. Debian 12's AWS CLI (2.9) and boto3 (1.26)
 * predate AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and read only AWS_CONTAINER_AUTHORIZATION_TOKEN: `forOldSdks`
 * sets it from the file, as the README says to for such clients.
 */
async function clientEnv(
  w: World,
  variables: Record<string, string>,
  options: { forOldSdks?: boolean } = {},
): Promise<Record<string, string>> {
  const env = { ...w.env, ...variables };
  if (!options.forOldSdks) return env;
  const token = await Deno.readTextFile(variables.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
  return { ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN: token };
}

Deno.test("serve: the AWS CLI, boto3 and the JS SDK's default chain read credentials through the token file", async () => {
  const w = await serveWorld();
  const serving = await startServe(["engineer"], w.env);
  try {
    const vars = serving.variables;
    assert.deepEqual(Object.keys(vars), [
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
    ]);
    assert.match(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, /^http:\/\/127\.0\.0\.1:\d+\/creds\/[\w-]{22}$/);
    assert.equal(vars.AWS_REGION, "eu-west-1", "the profile's region");
    const tokenFile = vars.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
    assert.equal((await Deno.stat(tokenFile)).mode! & 0o777, 0o600);
    const token = await Deno.readTextFile(tokenFile);
    assert.ok(!serving.stderr().includes(token), "the token is never printed");
    const env = await clientEnv(w, vars, { forOldSdks: true });

    const cli = await runCommand(AWS_CLI, ["configure", "export-credentials", "--format", "process"], { env });
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout);
    assert.ok(w.sts.issued(fromCli.AccessKeyId, fromCli.SecretAccessKey, fromCli.SessionToken));
    const identity = await runCommand(AWS_CLI, ["sts", "get-caller-identity", "--endpoint-url", w.sts.url], {
      env: env,
    });
    assert.equal(identity.code, 0, identity.stderr);
    assert.match(JSON.parse(identity.stdout).Arn, /:assumed-role\/serve\//, "signed with the served credentials");

    const boto3 = await runCommand(PYTHON, [BOTO3_CLIENT, "1", "0", w.sts.url], { env });
    assert.equal(boto3.code, 0, boto3.stderr);
    const fromBoto3 = JSON.parse(boto3.stdout);
    assert.equal(fromBoto3.method, "container-role");
    assert.match(fromBoto3.Arn, /:assumed-role\/serve\//);

    // The JS SDK reads the token file itself.
    const js = await runCommand(Deno.execPath(), sdkClient("chain", 1), { env: await clientEnv(w, vars) });
    assert.equal(js.code, 0, js.stderr);
    const fromJs = JSON.parse(js.stdout);
    assert.equal(fromJs.accessKeyId, fromCli.AccessKeyId, "one session, served through the cache");
    assert.ok(fromJs.features.includes("CREDENTIALS_HTTP"), `fromHttp answered: ${fromJs.features}`);

    // A wrong token, and none at all: refused, by the server and so by the clients.
    const url = vars.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    assert.equal((await fetch(url)).status, 401);
    assert.equal(
      (await fetch(url, { headers: { authorization: `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}` } }))
        .status,
      403,
    );
    const wrong = { ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN: "not-the-token" };
    const refused = await runCommand(AWS_CLI, ["configure", "export-credentials", "--format", "process"], {
      env: wrong,
    });
    assert.notEqual(refused.code, 0);
    assert.equal(refused.stdout, "");
    assert.match(refused.stderr, /403/);
    const { AWS_CONTAINER_AUTHORIZATION_TOKEN: _, ...noToken } = env;
    const missing = await runCommand(PYTHON, [BOTO3_CLIENT, "1", "0"], { env: noToken });
    assert.notEqual(missing.code, 0);
    assert.equal(missing.stdout, "");
    assert.match(missing.stderr, /401/);
    await Deno.writeTextFile(tokenFile, "not-the-token");
    const jsWrong = await runCommand(Deno.execPath(), sdkClient("http", 1), { env: await clientEnv(w, vars) });
    assert.notEqual(jsWrong.code, 0);
    assert.equal(jsWrong.stdout, "");
    assert.equal(w.idp.counters.authorizations, 1, "one browser login");
  } finally {
    const stopped = await serving.stop();
    await w.close();
    assert.equal(stopped.code, 0, stopped.stderr);
    await assert.rejects(Deno.stat(serving.variables.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), Deno.errors.NotFound);
  }
});

Deno.test("serve: boto3 crosses the credentials' expiry twice and gets new ones through the refresh token, no browser", async () => {
  await using w = await serveWorld({ shortLived: true });
  await using serving = await startServe(["idp"], w.env);
  const started = Date.now();
  const env = await clientEnv(w, serving.variables, { forOldSdks: true });
  const boto3 = await runCommand(PYTHON, [BOTO3_CLIENT, "9", "2", w.sts.url], { env });
  assert.equal(boto3.code, 0, boto3.stderr + serving.stderr());
  assert.ok(Date.now() - started >= 16_000, "the run outlived two 8-second sessions");
  const lines = boto3.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(lines.length, 9);
  for (const line of lines) {
    assert.match(line.Arn, /:assumed-role\/serve\//, "each call signed with live credentials");
  }
  const keys = new Set(lines.map((line) => line.AccessKeyId));
  assert.ok(keys.size >= 3, `three sessions or more, got ${keys.size}`);
  assert.equal(w.idp.counters.authorizations, 1, "no browser after the first login");
  assert.ok(w.idp.counters.refreshGrants >= 2, `renewed through the refresh token: ${w.idp.counters.refreshGrants}`);
});

Deno.test("serve: once the refresh token is gone, the browser login is announced and a waiting request gets new credentials", async () => {
  await using w = await serveWorld({ shortLived: true, refreshTokenTtl: 5 });
  await using serving = await startServe(["idp"], w.env);
  const url = serving.variables.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  const token = await Deno.readTextFile(serving.variables.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
  // Past the credentials' renewal (6 s), the login's ID token (5 s) and the refresh token (5 s).
  await new Promise((resolve) => setTimeout(resolve, 7000));
  assert.equal(w.idp.counters.authorizations, 1);
  // A patient client (the SDKs give up after a second or so, and retry on their next call).
  await w.agent.stop(); // the first browser holds the profile
  const response = await fetch(url, { headers: { authorization: token }, signal: AbortSignal.timeout(60_000) });
  assert.equal(response.status, 200, serving.stderr());
  const body = await response.json();
  assert.ok(Date.parse(body.Expiration) > Date.now(), "live credentials");
  assert.equal(w.idp.counters.authorizations, 2, "a second browser login");
  assert.match(serving.stderr(), /serve: the session for idp needs a new browser login; clients wait for it/);

  const js = await runCommand(Deno.execPath(), sdkClient("chain", 1), { env: await clientEnv(w, serving.variables) });
  assert.equal(js.code, 0, js.stderr);
});

Deno.test("serve: SIGTERM while a request waits for a browser login stops serve at once", async () => {
  await using w = await serveWorld({ shortLived: true, refreshTokenTtl: 5 });
  // The agent opens the browser once; the login after that never completes.
  const once = `${w.home}/opened-once`;
  const agent = ["/bin/sh", "-c", 'if [ -e "$0" ]; then exit 0; fi; : > "$0"; exec "$@"', once, ...w.agent.argv];
  const config = await Deno.readTextFile(w.configPath);
  await w.writeConfig(config.replace(/^agent = .*$/m, `agent = ${JSON.stringify(agent)}`));
  const serving = await startServe(["idp"], w.env);
  const token = await Deno.readTextFile(serving.variables.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
  const url = serving.variables.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  // Past the credentials' renewal (6 s), the login's ID token (5 s) and the refresh token (5 s).
  await new Promise((resolve) => setTimeout(resolve, 7000));
  const waiting = fetch(url, { headers: { authorization: token } }).then((r) => r.body?.cancel(), () => {});
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.match(serving.stderr(), /needs a new browser login/);
  const started = Date.now();
  const stopped = await serving.stop();
  assert.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`);
  assert.equal(stopped.code, 0, stopped.stderr);
  await waiting;
});

Deno.test("serve: bad --listen and --imds beyond loopback are usage errors that cost no login", async () => {
  await using w = await serveWorld();
  for (
    const [args, message] of [
      [["--listen", "0.0.0.0:8080"], /would listen on every interface/],
      [["--listen", "localhost:8080"], /is not an address and port/],
      [["--imds", "--listen", "169.254.170.2:80"], /--imds listens on loopback only/],
    ] as const
  ) {
    const refused = await runCli(["serve", "idp", ...args], w.env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, message);
  }
  assert.equal(w.idp.counters.authorizations, 0);
});
