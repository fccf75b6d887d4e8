/**
 * The login must refuse a misbehaving IdP: non-zero exit, nothing on stdout,
 * and no call to STS. One hostile IdP mode per case, each run through the real
 * CLI with a redirect follower as the browser.
 */
import assert from "node:assert/strict";
import { type HostileMode, startHostileIdp } from "../fixtures/hostile_idp.ts";
import { startSts } from "../fixtures/sts.ts";
import { cleanEnv, makeHome, redirectFollowerAgent, runCli } from "../helpers/cli.ts";

const ROLE = "arn:aws:iam::123456789012:role/hostile";

async function refuse(mode: HostileMode, expected: RegExp, timeout = 30) {
  const idp = await startHostileIdp(mode);
  const sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.clientId] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.clientId } }],
  });
  const home = await makeHome(`
[[AuthProvider]]
name = "hostile"
role_arn = "${ROLE}"
provider_url = "${idp.issuer}"
client_id = "${idp.clientId}"
sts_endpoint = "${sts.url}"
timeout = ${timeout}
agent = ${redirectFollowerAgent()}
`);
  try {
    const run = await runCli(["auth", "hostile"], cleanEnv(home));
    assert.notEqual(run.code, 0, `${mode}: exit code`);
    assert.equal(run.stdout, "", `${mode}: stdout must stay empty`);
    assert.match(run.stderr, expected, `${mode}: stderr`);
    assert.doesNotMatch(run.stderr, /eyJ[\w-]+\.[\w-]+/, `${mode}: no token printed`);
    assert.equal(sts.counters.assumeRoleWithWebIdentity, 0, `${mode}: no STS call`);
    return { idp, run };
  } finally {
    await idp.close();
    await sts.close();
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("the honest mode of the hostile IdP does reach STS (the refusals below are real)", async () => {
  const idp = await startHostileIdp("honest");
  const sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.clientId] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.clientId } }],
  });
  const home = await makeHome(`
[[AuthProvider]]
name = "hostile"
role_arn = "${ROLE}"
provider_url = "${idp.issuer}"
client_id = "${idp.clientId}"
sts_endpoint = "${sts.url}"
agent = ${redirectFollowerAgent()}
`);
  try {
    const run = await runCli(["auth", "hostile"], cleanEnv(home));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).Version, 1);
    assert.equal(sts.counters.assumeRoleWithWebIdentity, 1);
  } finally {
    await idp.close();
    await sts.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("wrong state: ignored, the login times out", async () => {
  const { idp, run } = await refuse("wrong-state", /No login arrived within 3 s/, 3);
  assert.match(run.stderr, /Ignored a callback with a missing or wrong state/);
  assert.equal(idp.counters.codeGrants, 0, "no code redeemed");
});

Deno.test("bad signature", async () => {
  await refuse("bad-signature", /ID token was refused: its signature does not verify/);
});

Deno.test("wrong aud", async () => {
  await refuse("wrong-aud", /refused.*aud/);
});

Deno.test("wrong iss", async () => {
  await refuse("wrong-iss", /refused.*iss/);
});

Deno.test("expired token", async () => {
  await refuse("expired", /refused.*(exp|expired)/);
});

Deno.test("nonce mismatch", async () => {
  await refuse("nonce-mismatch", /refused.*nonce/);
});

Deno.test("alg none", async () => {
  await refuse("alg-none", /refused/);
});

Deno.test("RFC 9207: iss in the authorization response differs", async () => {
  const { idp } = await refuse("iss-param-mismatch", /different issuer \(RFC 9207/);
  assert.equal(idp.counters.codeGrants, 0, "the code is not redeemed");
});
