/**
 * `aws-oidc doctor` end to end: a healthy setup (oidc-provider, the STS
 * stand-in, a private cache, a profile that runs this CLI) passes every check,
 * and each kind of breakage gets its own ✖ line and exit code 1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startIdp } from "../fixtures/idp.ts";
import { startSts, type StsStandIn } from "../fixtures/sts.ts";
import { type HostileMode, startHostileIdp } from "../fixtures/hostile_idp.ts";
import { cleanEnv, cliCommand, makeHome, runCli } from "../helpers/cli.ts";
import { removing } from "../helpers/dispose.ts";

const ROLE = "arn:aws:iam::123456789012:role/dev";

function providerToml(options: { name?: string; issuer: string; clientId: string; sts: string; extra?: string }) {
  return `
[[AuthProvider]]
name = "${options.name ?? "google"}"
role_arn = "${ROLE}"
provider_url = "${options.issuer}"
client_id = "${options.clientId}"
sts_endpoint = "${options.sts}"
${options.extra ?? ""}
`;
}

/** A credential_process line that runs this CLI (from source) for `provider`. */
function awsConfigFor(profiles: Record<string, string>): string {
  return Object.entries(profiles).map(([name, process]) => `[profile ${name}]\ncredential_process = ${process}\n`)
    .join("\n");
}

const self = (provider: string) => `${cliCommand().join(" ")} auth ${provider} --duration 900`;

async function stsStandIn(): Promise<StsStandIn> {
  return await startSts({ providers: [], roles: [] });
}

/** Runs doctor in a fresh HOME with this config (and AWS config, when given). */
async function doctor(
  config: string,
  options: { awsConfig?: string; args?: string[]; env?: Record<string, string> } = {},
) {
  const home = await makeHome(config);
  if (options.awsConfig !== undefined) await Deno.writeTextFile(join(home, ".aws", "config"), options.awsConfig);
  await using _home = removing(home);
  return await runCli(["doctor", ...(options.args ?? [])], cleanEnv(home, options.env));
}

/** A closed port on 127.0.0.1. */
/**
 * A 127.0.0.1 port that refuses connections: privileged, so no test server can take it (a port freed by a
 * listener could be reused by a parallel test, or even be picked as the source port of the connection itself).
 */
function closedPort(): number {
  return 1;
}

/** A hostile IdP in `mode` and the STS stand-in; `run` gets the config and the output lines. */
async function withHostile(mode: HostileMode, run: (toml: string) => Promise<void>): Promise<void> {
  await using idp = await startHostileIdp(mode);
  await using sts = await stsStandIn();
  await run(`region = "us-east-1"\n` + providerToml({ issuer: idp.issuer, clientId: idp.clientId, sts: sts.url }));
}

function lines(stdout: string, symbol: "✔" | "!" | "✖"): string[] {
  return stdout.split("\n").filter((line) => line.startsWith(symbol + " "));
}

Deno.test("doctor: a healthy setup passes every check and exits 0", async () => {
  await using idp = await startIdp();
  await using sts = await stsStandIn();
  const run = await doctor(
    `region = "us-east-1"\n` + providerToml({ issuer: idp.issuer, clientId: idp.publicClientId, sts: sts.url }),
    { awsConfig: awsConfigFor({ dev: self("google") }) },
  );
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(lines(run.stdout, "✖"), []);
  assert.deepEqual(lines(run.stdout, "!"), []);
  const passed = lines(run.stdout, "✔").join("\n");
  for (
    const expected of [
      /✔ Config ".*config" parses \(1 provider\)/,
      /✔ Provider "google" is valid \(role arn:aws:iam::123456789012:role\/dev, region us-east-1\)/,
      new RegExp(`✔ Provider "google": discovery document names the issuer "${idp.issuer}"`),
      /✔ Provider "google": the JWKS has \d+ signing keys?/,
      /✔ Provider "google": this clock agrees with the IdP's within \d+ s/,
      new RegExp(
        `✔ STS endpoint "${sts.url}" \\(from sts_endpoint in \\[\\[AuthProvider\\]\\] "google", for "google"\\) resolves and accepts connections`,
      ),
      /✔ Cache directory ".*" does not exist yet/,
      // Linux: no D-Bus session in tests; elsewhere tests/helpers/cli.ts sets storage = "file".
      /✔ Tokens of "google": 0600 files in ".*"(, as the keychain cannot be used: cannot read the data key| \(storage = "file"\))/,
      /✔ STS credentials: 0600 files in ".*", never the keychain/,
      /✔ Profile "dev" runs ".*deno" for provider "google"/,
    ]
  ) assert.match(passed, expected);
  assert.match(run.stdout, /All 10 checks passed\n$/);
  assert.equal(run.stderr, "");
});

Deno.test("doctor: invalid TOML is one ✖ line with its line and column", async () => {
  const run = await doctor(`region = us-east-1\n`);
  assert.equal(run.code, 1);
  assert.match(
    lines(run.stdout, "✖")[0],
    /^✖ Invalid TOML in ".*config" at line 1, column \d+: .*\(hint: fix the syntax/,
  );
});

Deno.test("doctor: a missing config file is ✖ with how to create one", async () => {
  const home = await makeHome("");
  await Deno.remove(join(home, ".aws-oidc", "config"));
  const run = await runCli(["doctor"], cleanEnv(home));
  await Deno.remove(home, { recursive: true });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^✖ No config file at ".*config" \(hint: run aws-oidc setup/m);
});

Deno.test("doctor: an unknown key warns; an invalid value fails its provider", async () => {
  await withHostile("honest", async (toml) => {
    const run = await doctor(toml.replace('role_arn = "', 'durration = 3600\nduration = "long"\nrole_arn = "'));
    assert.equal(run.code, 1);
    assert.match(lines(run.stdout, "!").join("\n"), /! Unknown key "durration" .* did you mean "duration"\?/);
    assert.match(lines(run.stdout, "✖")[0], /^✖ .*duration.*"google".*/);
    assert.doesNotMatch(run.stdout, /discovery document/, "no network check for a provider that does not resolve");
  });
});

Deno.test("doctor: an IdP on a closed port is unreachable", async () => {
  await using sts = await stsStandIn();
  const run = await doctor(providerToml({ issuer: `http://127.0.0.1:${closedPort()}`, clientId: "c", sts: sts.url }));
  assert.equal(run.code, 1);
  assert.deepEqual(lines(run.stdout, "✖").length, 1, run.stdout);
  assert.match(
    lines(run.stdout, "✖")[0],
    /^✖ Provider "google": Cannot reach the identity provider at "http:\/\/127\.0\.0\.1:\d+": .*\(hint: check provider_url/,
  );
});

Deno.test("doctor: a discovery document for another issuer is ✖", async () => {
  await withHostile("discovery-wrong-issuer", async (toml) => {
    const run = await doctor(toml);
    assert.equal(run.code, 1);
    assert.match(
      lines(run.stdout, "✖").join("\n"),
      /✖ Provider "google": The identity provider's discovery document names issuer "https:\/\/evil.example", not "http:\/\/127.0.0.1:\d+"/,
    );
  });
});

Deno.test("doctor: an empty JWKS and a missing one are ✖", async () => {
  await withHostile("jwks-empty", async (toml) => {
    const run = await doctor(toml);
    assert.equal(run.code, 1);
    assert.match(
      lines(run.stdout, "✖").join("\n"),
      /✖ Provider "google": the JWKS at ".*\/jwks" has no public key for RS256/,
    );
  });
  await withHostile("jwks-missing", async (toml) => {
    const run = await doctor(toml);
    assert.equal(run.code, 1);
    assert.match(lines(run.stdout, "✖").join("\n"), /✖ Provider "google": the JWKS at ".*\/jwks" answered HTTP 404/);
  });
});

Deno.test("doctor: a JWKS over the size limit is ✖, as login refuses it", async () => {
  await withHostile("jwks-huge", async (toml) => {
    const run = await doctor(toml);
    assert.equal(run.code, 1, run.stdout);
    assert.match(
      lines(run.stdout, "✖").join("\n"),
      /✖ Provider "google": cannot fetch the JWKS at ".*\/jwks": .*over 1 MiB/,
    );
    assert.doesNotMatch(run.stdout, /the JWKS has \d+ signing key/);
  });
});

Deno.test("doctor: an IdP whose Date header is two hours ahead is clock skew", async () => {
  await withHostile("skewed-clock", async (toml) => {
    const run = await doctor(toml);
    assert.equal(run.code, 1);
    assert.match(
      lines(run.stdout, "✖").join("\n"),
      /✖ Provider "google": this clock is 720\d s behind the IdP's \(its Date header\) \(hint: ID tokens are refused beyond 60 s/,
    );
    assert.match(run.stdout, /✔ Provider "google": discovery document names the issuer/);
  });
});

Deno.test("doctor: a cache directory open to others is ✖ and left as it was", async () => {
  await withHostile("honest", async (toml) => {
    const home = await makeHome(toml);
    const cache = join(home, ".aws-oidc", "cache");
    await Deno.mkdir(cache);
    await Deno.chmod(cache, 0o755);
    const run = await runCli(["doctor"], cleanEnv(home));
    const mode = (await Deno.stat(cache)).mode! & 0o777;
    await Deno.remove(home, { recursive: true });
    assert.equal(run.code, 1);
    assert.deepEqual(lines(run.stdout, "✖"), [
      `✖ Cache directory "${cache}" has mode 0755: others can read your sessions ` +
      `(hint: run chmod 700 "${cache}"; aws-oidc also fixes it the next time it uses the cache)`,
    ]);
    assert.equal(mode, 0o755, "doctor only looks");
  });
});

Deno.test("doctor: a cache file open to others is ✖", async () => {
  await withHostile("honest", async (toml) => {
    const home = await makeHome(toml);
    const cache = join(home, ".aws-oidc", "cache");
    await Deno.mkdir(cache, { mode: 0o700 });
    await Deno.writeTextFile(join(cache, "tokens-x.json"), "{}", { mode: 0o644 });
    await Deno.chmod(join(cache, "tokens-x.json"), 0o644);
    const run = await runCli(["doctor"], cleanEnv(home));
    await Deno.remove(home, { recursive: true });
    assert.equal(run.code, 1);
    assert.match(
      lines(run.stdout, "✖").join("\n"),
      /✖ Cache files in ".*cache" are open to others: "tokens-x.json" \(0644\)/,
    );
  });
});

Deno.test("doctor: profiles with a missing binary or an unknown provider are ✖", async () => {
  await withHostile("honest", async (toml) => {
    const run = await doctor(toml, {
      awsConfig: awsConfigFor({
        gone: "/nonexistent/bin/aws-oidc auth google",
        typo: self("googel"),
        fine: self("google"),
        other: "/usr/bin/env true",
      }) + "[profile ok-flags]\ncredential_process = " + cliCommand().join(" ") +
        " auth --duration 7200 --role-arn=" + ROLE + " google\n",
    });
    assert.equal(run.code, 1);
    assert.deepEqual(lines(run.stdout, "✖"), [
      '✖ Profile "gone" runs "/nonexistent/bin/aws-oidc", which is not an executable file or on PATH ' +
      "(hint: put the full path of the aws-oidc binary in its credential_process)",
      `✖ Profile "typo" asks for provider "googel", which "${
        run.stdout.match(/Config "(.*)" parses/)![1]
      }" does not define (hint: use one of "google")`,
    ]);
    assert.match(run.stdout, /✔ Profile "fine" runs ".*" for provider "google"/);
    assert.match(run.stdout, /✔ Profile "ok-flags" runs ".*" for provider "google"/);
    assert.doesNotMatch(run.stdout, /"other"/, "a profile that does not run aws-oidc is not ours to check");
  });
});

Deno.test("doctor: a profile's aws-oidc is found through PATH", async () => {
  const bin = await Deno.makeTempDir();
  await Deno.writeTextFile(join(bin, "aws-oidc"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  await Deno.chmod(join(bin, "aws-oidc"), 0o755);
  await withHostile("honest", async (toml) => {
    const withPath = await doctor(toml, {
      awsConfig: awsConfigFor({ dev: "aws-oidc auth google" }),
      env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
    });
    assert.match(withPath.stdout, new RegExp(`✔ Profile "dev" runs "${bin}/aws-oidc" for provider "google"`));
    const without = await doctor(toml, { awsConfig: awsConfigFor({ dev: "aws-oidc auth google" }) });
    assert.match(without.stdout, /✖ Profile "dev" runs "aws-oidc", which is not an executable file or on PATH/);
  });
  await Deno.remove(bin, { recursive: true });
});

Deno.test("doctor: an STS endpoint that does not resolve, or refuses connections, is ✖", async () => {
  await using idp = await startHostileIdp("honest");
  // A 64-character label is not a valid DNS name: the resolver refuses it without asking any server.
  const unresolvable = `https://${"a".repeat(64)}.example`;
  const refused = `http://127.0.0.1:${closedPort()}`;
  const run = await doctor(
    providerToml({ issuer: idp.issuer, clientId: idp.clientId, sts: unresolvable }) +
      providerToml({ name: "work", issuer: idp.issuer, clientId: idp.clientId, sts: refused }),
  );
  assert.equal(run.code, 1);
  const failed = lines(run.stdout, "✖").join("\n");
  assert.match(
    failed,
    new RegExp(
      `✖ STS endpoint "${unresolvable}" \\(from sts_endpoint in \\[\\[AuthProvider\\]\\] "google", for "google"\\) does not resolve: `,
    ),
  );
  assert.match(
    failed,
    new RegExp(
      `✖ STS endpoint "${refused}" \\(from sts_endpoint in \\[\\[AuthProvider\\]\\] "work", for "work"\\) does not accept connections: `,
    ),
  );
});

Deno.test("doctor --provider checks only that provider; --json is machine-readable", async () => {
  await withHostile("honest", async (toml) => {
    const broken = providerToml({
      name: "broken",
      issuer: `http://127.0.0.1:${closedPort()}`,
      clientId: "c",
      sts: "http://127.0.0.1:1",
    });
    const awsConfig = awsConfigFor({ dev: self("google"), ops: self("broken") });
    const all = await doctor(toml + broken, { awsConfig });
    assert.equal(all.code, 1);
    const one = await doctor(toml + broken, { awsConfig, args: ["--provider", "google", "--json"] });
    assert.equal(one.code, 0, one.stdout);
    const results = JSON.parse(one.stdout) as { status: string; check: string; subject?: string }[];
    assert.ok(results.every((result) => result.status === "ok"));
    assert.deepEqual(
      [...new Set(results.map((result) => result.check))],
      ["config", "provider", "discovery", "clock", "jwks", "sts", "cache", "storage", "profile"],
    );
    assert.ok(!results.some((result) => result.subject === "broken" || result.subject === "ops"));
    const unknown = await doctor(toml, { args: ["--provider", "nope"] });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /✖ Unknown provider "nope": .* defines "google"/);
  });
});
