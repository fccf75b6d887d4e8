/**
 * The login must refuse a misbehaving IdP: non-zero exit, nothing on stdout, a
 * message that names the problem, no token on stderr, and no call to STS. One
 * hostile IdP mode per case, each run through the real CLI with a redirect
 * follower as the browser. The cases are the OpenID relying-party negative
 * tests, plus what a broken network or server can do to the token endpoint.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { HostileIdp, HostileMode } from "../fixtures/hostile_idp.ts";
import { type CliRun } from "../helpers/cli.ts";
import { type HostileWorld, startHostileWorld } from "../helpers/hostile_world.ts";

const ROLE = "arn:aws:iam::123456789012:role/hostile";

type World = HostileWorld;

function world(mode: HostileMode, settings = ""): Promise<World> {
  return startHostileWorld(mode, { name: "hostile", role: ROLE, settings });
}

/** A refusal: exit 1, empty stdout, `expected` on stderr, no token there, STS untouched since `stsBefore`. */
function assertRefused(w: World, run: CliRun, expected: RegExp, stsBefore = 0) {
  const mode = w.idp.mode;
  assert.equal(run.code, 1, `${mode}: exit code; stderr: ${run.stderr}`);
  assert.equal(run.stdout, "", `${mode}: stdout must stay empty`);
  assert.match(run.stderr, expected, `${mode}: stderr`);
  assert.match(run.stderr, /^error: .*\(hint: .+\)$/m, `${mode}: one error line with a hint`);
  assert.doesNotMatch(run.stderr, /eyJ[\w-]+\.[\w-]+|\b(at|rt)-[0-9a-f]{8}-/, `${mode}: no token printed`);
  assert.equal(w.sts.counters.requests, stsBefore, `${mode}: no STS call`);
}

async function refuse(mode: HostileMode, expected: RegExp, settings = ""): Promise<{ idp: HostileIdp; run: CliRun }> {
  await using w = await world(mode, settings);
  const run = await w.auth();
  assertRefused(w, run, expected);
  return { idp: w.idp, run };
}

async function succeed(mode: HostileMode): Promise<{ idp: HostileIdp; run: CliRun }> {
  await using w = await world(mode);
  const run = await w.auth();
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).Version, 1);
  assert.equal(w.sts.counters.assumeRoleWithWebIdentity, 1);
  return { idp: w.idp, run };
}

/** Logs in honestly, makes the cached credentials and ID token stale, then runs `auth` again: a refresh. */
async function refuseRefresh(mode: HostileMode, expected: RegExp) {
  await using w = await world(mode);
  const first = await w.auth();
  assert.equal(first.code, 0, first.stderr);
  const stsBefore = w.sts.counters.requests;
  const cache = join(w.home, ".aws-oidc", "cache");
  for await (const entry of Deno.readDir(cache)) {
    if (!entry.name.endsWith(".json") || entry.name.startsWith("fast-")) continue;
    const path = join(cache, entry.name);
    const data = JSON.parse(await Deno.readTextFile(path));
    if (entry.name.startsWith("credentials-")) data.expiration = new Date(Date.now() + 60_000).toISOString();
    if (entry.name.startsWith("tokens-")) data.idTokenExpiresAt = Math.floor(Date.now() / 1000);
    await Deno.writeTextFile(path, JSON.stringify(data));
  }
  const run = await w.auth();
  assertRefused(w, run, expected, stsBefore);
  assert.equal(w.idp.counters.refreshGrants, 1, "one refresh");
  assert.equal(w.idp.counters.authorizations, 1, "no fallback to a browser login");
}

Deno.test("the honest mode of the hostile IdP does reach STS (the refusals below are real)", async () => {
  await succeed("honest");
});

// The authorization response

Deno.test("wrong state: ignored, the login times out", async () => {
  const { idp, run } = await refuse("wrong-state", /No login arrived within 3 s/, "timeout = 3");
  assert.match(run.stderr, /Ignored a callback with a missing or wrong state/);
  assert.equal(idp.counters.codeGrants, 0, "no code redeemed");
});

Deno.test("RFC 9207: iss in the authorization response differs", async () => {
  const { idp } = await refuse("iss-param-mismatch", /different issuer \(RFC 9207/);
  assert.equal(idp.counters.codeGrants, 0, "the code is not redeemed");
});

Deno.test("error=access_denied with the right state: shown to the person, without control characters", async () => {
  const { run } = await refuse("access-denied", /refused the login \(access_denied\): The user <b>refused<\/b>/);
  assert.ok(!run.stderr.includes("\u001b"), "the IdP's description reaches the terminal without escape codes");
});

Deno.test("error=access_denied with a wrong state: ignored, the login still succeeds", async () => {
  const { idp, run } = await succeed("forged-denial");
  assert.match(run.stderr, /Ignored a callback with a missing or wrong state/);
  assert.equal(idp.counters.codeGrants, 1);
});

Deno.test("right state but no code: refused without a token request", async () => {
  const { idp } = await refuse("missing-code", /carries no authorization code/);
  assert.equal(idp.counters.codeGrants, 0);
});

// The ID token

Deno.test("bad signature", async () => {
  await refuse("bad-signature", /ID token was refused: its signature does not verify/);
});

Deno.test("alg none", async () => {
  await refuse("alg-none", /refused.*(algorithm|alg)/i);
});

Deno.test("HS256 signed with the RSA public key as the secret", async () => {
  await refuse("hs256-public-key", /refused.*(algorithm|alg)/i);
});

Deno.test("aud without our client id", async () => {
  await refuse("wrong-aud", /refused.*aud/);
});

Deno.test("several audiences and no azp", async () => {
  await refuse("multi-aud-no-azp", /refused.*(azp|audience)/i);
});

Deno.test("several audiences and a wrong azp", async () => {
  await refuse("multi-aud-wrong-azp", /refused.*azp/);
});

Deno.test("wrong iss", async () => {
  await refuse("wrong-iss", /refused.*iss/);
});

Deno.test("expired token", async () => {
  await refuse("expired", /refused.*(exp|expired)/);
});

Deno.test("iat far in the future", async () => {
  await refuse("iat-future", /refused.*(iat|future)/);
});

Deno.test("missing nonce", async () => {
  await refuse("missing-nonce", /refused.*nonce/);
});

Deno.test("nonce mismatch", async () => {
  await refuse("nonce-mismatch", /refused.*nonce/);
});

Deno.test("kid absent with several keys in the JWKS", async () => {
  await refuse("kid-absent-several-keys", /refused: no single key in the IdP's JWKS matches/);
});

Deno.test("unknown kid after a key rotation: the JWKS is fetched again and the login succeeds", async () => {
  const { idp } = await succeed("key-rotation");
  assert.ok(idp.counters.jwksFetches >= 2, "the key set was fetched again");
});

Deno.test("a JWKS key of unknown kty next to the right one is ignored: the login succeeds", async () => {
  await succeed("unknown-kty");
});

Deno.test("a JWKS of 5 MB: refused by the size limit", async () => {
  await refuse("jwks-huge", /sent a response over 1 MiB/);
});

// Discovery

Deno.test("discovery document whose issuer differs from the URL it came from", async () => {
  const { idp } = await refuse("discovery-issuer-mismatch", /discovery document names issuer ".*\/elsewhere"/);
  assert.equal(idp.counters.authorizations, 0, "no login is started");
});

// The refresh grant

Deno.test("refresh returns an ID token with a different sub: refused, no browser fallback", async () => {
  await refuseRefresh("refresh-other-sub", /refreshed ID token names a different subject/);
});

Deno.test("refresh returns an ID token with a different iss: refused, no browser fallback", async () => {
  await refuseRefresh("refresh-other-iss", /ID token was refused: .*"iss"/);
});

// The token endpoint's answer

Deno.test("token endpoint answers with something other than JSON", async () => {
  await refuse("token-not-json", /token endpoint did not answer with JSON/);
});

Deno.test("token endpoint answers with an HTML error page", async () => {
  await refuse("token-html-error", /token endpoint answered HTTP 502 \(text\/html\) instead of a token response/);
});

Deno.test("token endpoint answers with a 5 MB body: refused by the size limit", async () => {
  await refuse("token-huge", /sent a response over 1 MiB/);
});

Deno.test("token endpoint says nothing: the request times out (http_timeout)", async () => {
  const started = Date.now();
  await refuse("token-silent", /Cannot reach the identity provider.*did not answer in time/, "http_timeout = 2");
  assert.ok(Date.now() - started < 20_000, "ended by the 2 s timeout, not by the IdP");
});
