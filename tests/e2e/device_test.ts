/**
 * The device flow end to end: the real CLI against the oidc-provider fixture
 * and the STS stand-in, its stderr read as it streams until the verification
 * URL appears, which real headless Chromium then opens (the fixture's pages
 * submit themselves, as a person approving would).
 */
import assert from "node:assert/strict";
import { type CliRun, runApprovingDevice, runCli } from "../helpers/cli.ts";
import { startWorld, type World } from "../helpers/world.ts";

const ROLE = "arn:aws:iam::123456789012:role/device";

/**
 * Providers: "device" (flow = "device"), "plain" (no flow, no agent) and
 * "agent" (an agent that must never run). The environment has no display,
 * no BROWSER and no SSH variables unless a test adds them.
 */
async function world(options: { deviceDeny?: boolean } = {}): Promise<World> {
  const w = await startWorld({
    idp: { deviceDeny: options.deviceDeny },
    roles: [ROLE],
    config: ({ idp, sts }) => {
      const common = `role_arn = "${ROLE}"
provider_url = "${idp.issuer}"
client_id = "${idp.publicClientId}"
sts_endpoint = "${sts.url}"
timeout = 60`;
      return `
[[AuthProvider]]
name = "device"
flow = "device"
${common}

[[AuthProvider]]
name = "plain"
${common}

[[AuthProvider]]
name = "agent"
agent = ["/bin/false"]
${common}
`;
    },
  });
  for (const name of ["DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]) delete w.env[name];
  return w;
}

/** Runs `aws-oidc <args>`, approving the device login in headless Chromium. Gives up after 60 seconds. */
function runWithApproval(w: World, args: string[], env = w.env): Promise<CliRun & { opened?: string }> {
  return runApprovingDevice(args, env, { browser: w.agent.argv, timeoutMs: 60_000 });
}

function assertCredentials(run: CliRun): void {
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  assert.equal(json.Version, 1);
  assert.match(json.AccessKeyId, /^ASIA/);
  assert.ok(json.SecretAccessKey && json.SessionToken && json.Expiration);
}

Deno.test('flow = "device": URL, code and QR on stderr, approval in Chromium, credentials on stdout, then cached', async () => {
  await using w = await world();
  const run = await runWithApproval(w, ["auth", "device"]);
  assertCredentials(run);
  assert.match(run.opened!, new RegExp(`^${w.idp.issuer}/device\\?user_code=[A-Z]{4}-[A-Z]{4}$`));
  assert.match(run.stderr, new RegExp(`go to ${w.idp.issuer}/device and enter the code [A-Z]{4}-[A-Z]{4}\\)`));
  assert.match(run.stderr, /^[█▀▄ ]{20,}$/m, "a QR code");
  assert.match(run.stderr, new RegExp(`Waiting for you to approve the login at ${w.idp.issuer}/device…`));
  assert.doesNotMatch(run.stderr, /eyJ/, "no token on stderr");
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1);
  const { deviceAuthorizations, deviceGrants, authorizations, codeGrants } = w.idp.counters;
  assert.deepEqual(
    { deviceAuthorizations, deviceGrants, authorizations, codeGrants },
    { deviceAuthorizations: 1, deviceGrants: 1, authorizations: 0, codeGrants: 0 },
  );

  // The tokens went through the same cache: the next run asks nobody.
  const again = await runCli(["auth", "device"], w.env);
  assertCredentials(again);
  assert.equal(again.stdout, run.stdout);
  assert.equal(w.idp.counters.deviceAuthorizations, 1);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1);
});

Deno.test("--device: the device flow even when the provider has a browser agent", async () => {
  await using w = await world();
  const run = await runWithApproval(w, ["auth", "agent", "--device"]);
  assertCredentials(run);
  assert.equal(w.idp.counters.deviceGrants, 1);
  assert.equal(w.idp.counters.authorizations, 0, "the browser flow never started");
});

Deno.test("automatic choice: an SSH session without agent or BROWSER gets the device flow", async () => {
  await using w = await world();
  const env = { ...w.env, SSH_CONNECTION: "127.0.0.1 50000 127.0.0.1 22" };
  const run = await runWithApproval(w, ["auth", "plain"], env);
  assertCredentials(run);
  assert.match(run.stderr, /No browser can be opened here \(this is an SSH session\): using the device flow/);
  assert.equal(w.idp.counters.deviceGrants, 1);
  assert.equal(w.idp.counters.authorizations, 0);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1);
});

Deno.test({
  name: "automatic choice: Linux without DISPLAY or WAYLAND_DISPLAY gets the device flow",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using w = await world();
    const run = await runWithApproval(w, ["auth", "plain"]);
    assertCredentials(run);
    assert.match(run.stderr, /No browser can be opened here \(there is no display\): using the device flow/);
    assert.equal(w.idp.counters.deviceGrants, 1);
    assert.equal(w.idp.counters.authorizations, 0);
  },
});

Deno.test("access_denied on the verification page: exit 1, a clear message, nothing on stdout", async () => {
  await using w = await world({ deviceDeny: true });
  const run = await runWithApproval(w, ["auth", "device"]);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, "");
  assert.ok(run.opened, "the verification page was opened");
  assert.match(
    run.stderr,
    /^error: The login to "device" was denied at the identity provider \(hint: the request was declined/m,
  );
  assert.equal(w.idp.counters.deviceAuthorizations, 1);
  assert.equal(w.idp.counters.deviceGrants, 0);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 0);
});

Deno.test("--device beside another --flow is a usage error", async () => {
  await using w = await world();
  const run = await runCli(["auth", "device", "--device", "--flow", "browser"], w.env);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /--device contradicts --flow "browser"/);
  assert.equal(w.idp.counters.deviceAuthorizations, 0);
});
