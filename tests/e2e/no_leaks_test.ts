/**
 * Secrets never leak: every flow that can run here runs once with --debug
 * against the oidc-provider fixture and the STS stand-in (browser login with
 * a client secret in real headless Chromium, refresh, device flow, client
 * credentials with a private key, auth, env in each format, exec, token,
 * eks-token, status, check-refresh-ttl, logout). Then no ID token, access token, refresh
 * token, client secret, private key, secret access key or session token may
 * appear on stderr, nor in any file under HOME except the cache's token and
 * credential files. stdout carries credentials by design and is not checked,
 * except that it is where they went.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { startIdp } from "../fixtures/idp.ts";
import { startSts } from "../fixtures/sts.ts";
import { chromiumAgent } from "../helpers/chromium.ts";
import { cleanEnv, type CliRun, makeHome, runApprovingDevice, runCli } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";

const ROLE_BROWSER = "arn:aws:iam::123456789012:role/leak-browser";
const ROLE_DEVICE = "arn:aws:iam::123456789012:role/leak-device";
const ROLE_M2M = "arn:aws:iam::123456789012:role/leak-m2m";

/** Cache files that hold secrets by design. */
const SECRET_FILE = /^\.aws-oidc\/cache\/(tokens|credentials|eks-token)-[0-9a-f]+\.json$/;

/** The parts of a value worth searching for: a JWT's payload and signature (its header is public), else the value. */
function needles(value: string): string[] {
  const parts = value.split(".");
  return parts.length === 3 && value.startsWith("eyJ") ? [parts[1], parts[2]].filter((p) => p.length >= 16) : [value];
}

/** Every string under the secret-bearing keys of the cache entries and of JSON on stdout. */
function collectSecrets(data: unknown, into: Set<string>): void {
  const keys =
    /^(idToken|accessToken|refreshToken|secretAccessKey|sessionToken|SecretAccessKey|SessionToken|id_token|access_token|refresh_token|token)$/;
  if (Array.isArray(data)) return data.forEach((item) => collectSecrets(item, into));
  if (typeof data !== "object" || data === null) return;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === "string" && keys.test(key) && value.length >= 8) into.add(value);
    else collectSecrets(value, into);
  }
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* filesUnder(path);
    else if (entry.isFile) yield path;
  }
}

/** Runs the CLI, approving the device login with `browser`. */
function runWithApproval(args: string[], env: Record<string, string>, browser: string[]): Promise<CliRun> {
  return runApprovingDevice(args, env, { browser, timeoutMs: 30_000 });
}

Deno.test("with --debug, no token, secret, key or credential reaches stderr or a file other than the cache", async () => {
  await using idp = await startIdp();
  await using sts = await startSts({
    providers: [
      { url: idp.issuer, clientIds: [idp.confidentialClient.id, idp.publicClientId, idp.m2mClient.audience] },
    ],
    roles: [
      { arn: ROLE_BROWSER, trust: { issuer: idp.issuer, audience: idp.confidentialClient.id } },
      { arn: ROLE_DEVICE, trust: { issuer: idp.issuer, audience: idp.publicClientId } },
      { arn: ROLE_M2M, trust: { issuer: idp.issuer, audience: idp.m2mClient.audience } },
    ],
  });
  await using chromium = await chromiumAgent();
  await using approver = await chromiumAgent();
  // Outside HOME: the key file holds the key by design.
  const keyFile = await Deno.makeTempFile({ prefix: "aws-oidc-m2m-key-" });
  await using _keyFile = removing(keyFile);
  await Deno.writeTextFile(keyFile, idp.m2mClient.privateKeyPem);
  const home = await makeHome(`region = "us-east-1"
provider_url = "${idp.issuer}"
sts_endpoint = "${sts.url}"
timeout = 60

[[AuthProvider]]
name = "browser"
role_arn = "${ROLE_BROWSER}"
client_id = "${idp.confidentialClient.id}"
client_secret = "${idp.confidentialClient.secret}"
agent = ${chromium.toml}

[[AuthProvider]]
name = "device"
flow = "device"
role_arn = "${ROLE_DEVICE}"
client_id = "${idp.publicClientId}"

[[AuthProvider]]
name = "m2m"
flow = "client_credentials"
role_arn = "${ROLE_M2M}"
client_id = "${idp.m2mClient.id}"
key_id = "${idp.m2mClient.keyId}"
private_key_file = "${keyFile}"
`);
  await using _home = removing(home);
  const env = cleanEnv(home);
  for (const name of ["DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]) delete env[name];
  const cache = join(home, ".aws-oidc", "cache");
  const secrets = new Set<string>([
    idp.confidentialClient.secret,
    // The key's base64 lines, which is what a leak would show.
    ...idp.m2mClient.privateKeyPem.split("\n").filter((line) => line.length >= 40),
  ]);
  const runs: { args: string[]; run: CliRun }[] = [];

  /** Adds every secret now in the cache; the cache changes as refreshes and logouts run. */
  const snapshotCache = async () => {
    for await (const path of filesUnder(cache)) {
      if (path.endsWith(".json")) collectSecrets(JSON.parse(await Deno.readTextFile(path)), secrets);
    }
  };
  const cli = async (args: string[], run?: Promise<CliRun>) => {
    const result = await (run ?? runCli(["--debug", ...args], env));
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    runs.push({ args, run: result });
    for (const line of result.stdout.split("\n")) {
      // Credentials on stdout, whatever the format: JSON, NAME='value' or NAME=value.
      try {
        collectSecrets(JSON.parse(line), secrets);
      } catch {
        const value = /^(?:export |set -gx |\$env:|set )?AWS_(?:SECRET_ACCESS_KEY|SESSION_TOKEN)[= ]'?([^'\s]+)/.exec(
          line,
        );
        if (value) secrets.add(value[1]);
      }
    }
    if (args[0] === "token") collectSecrets(JSON.parse(result.stdout), secrets);
    await snapshotCache();
    return result;
  };

  // The browser flow with a client secret, then the cache.
  await cli(["auth", "browser"]);
  await cli(["env", "browser"]);
  await cli(["env", "browser", "--format", "dotenv"]);
  await cli(["env", "browser", "--format", "json"]);
  await cli(["exec", "--provider", "browser", "--", "sh", "-c", 'test -n "$AWS_SECRET_ACCESS_KEY"']);
  await cli(["token", "browser"]);
  await cli(["eks-token", "--provider", "browser", "--cluster-name", "prod"]);
  // A refresh: stale credentials and ID token.
  for await (const path of filesUnder(cache)) {
    const name = relative(cache, path);
    if (!/^(tokens|credentials)-.*\.json$/.test(name)) continue;
    const data = JSON.parse(await Deno.readTextFile(path));
    if (name.startsWith("credentials-")) data.expiration = new Date(Date.now() + 60_000).toISOString();
    else data.idTokenExpiresAt = Math.floor(Date.now() / 1000);
    await Deno.writeTextFile(path, JSON.stringify(data));
  }
  await cli(["auth", "browser"]);
  assert.equal(idp.counters.refreshGrants, 1, "the refresh ran");
  // The device flow and client credentials.
  // A second profile: the first may still be in use by the browser login's Chromium.
  await cli(["auth", "device"], runWithApproval(["--debug", "auth", "device"], env, approver.argv));
  assert.equal(idp.counters.deviceGrants, 1, "the device flow ran");
  await cli(["auth", "m2m"]);
  assert.equal(idp.counters.clientCredentialsGrants, 1, "client credentials ran");
  await cli(["status"]);
  await cli(["check-refresh-ttl", "browser"]);
  await cli(["logout", "browser"]);
  await cli(["logout", "device"]);

  assert.ok(secrets.size >= 15, `secrets collected: ${secrets.size}`);
  const debugged = runs.filter(({ run }) => /^debug: /m.test(run.stderr)).length;
  assert.ok(debugged >= runs.length / 2, `--debug explained ${debugged} of ${runs.length} runs`);
  for (const { args, run } of runs) {
    assert.doesNotMatch(run.stderr, /eyJ[\w-]{10,}\.eyJ[\w-]{10,}/, `${args.join(" ")}: no JWT on stderr`);
    for (const secret of secrets) {
      for (const needle of needles(secret)) {
        assert.ok(!run.stderr.includes(needle), `${args.join(" ")}: a secret on stderr (…${needle.slice(-6)})`);
      }
    }
  }
  for await (const path of filesUnder(home)) {
    const name = relative(home, path);
    if (SECRET_FILE.test(name)) continue;
    const text = new TextDecoder().decode(await Deno.readFile(path));
    for (const secret of secrets) {
      // The person wrote the client secret into the config; nothing else may be there.
      if (name === ".aws-oidc/config" && secret === idp.confidentialClient.secret) continue;
      for (const needle of needles(secret)) {
        assert.ok(!text.includes(needle), `a secret in ${name} (…${needle.slice(-6)})`);
      }
    }
  }
});

Deno.test("setup --debug never shows the client secret, raw or escaped for TOML", async () => {
  const secret = `GOCSPX-Leak1"quote\\back'tick$(x)Leak2`;
  const home = await makeHome("");
  await using _home = removing(home);
  const run = await runCli([
    "--debug",
    "setup",
    "--type",
    "google",
    "--client-id",
    "c.apps.googleusercontent.com",
    "--client-secret",
    secret,
    "--role-arn",
    "arn:aws:iam::123456789012:role/dev",
    "--no-test-login",
    "--yes",
  ], cleanEnv(home));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /client_secret = /, "the preview shows the key");
  const config = await Deno.readTextFile(join(home, ".aws-oidc", "config"));
  assert.ok(config.includes(`client_secret = ${JSON.stringify(secret)}`), "the secret is written, escaped");
  for (const form of [secret, JSON.stringify(secret), JSON.stringify(secret).slice(1, -1), "Leak1", "Leak2"]) {
    assert.ok(!run.stderr.includes(form), `the secret on stderr as ${form}:\n${run.stderr}`);
  }
});
