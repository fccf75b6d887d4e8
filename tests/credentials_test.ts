/**
 * The pipeline's decisions with the outside world injected: a real cache in a
 * temp directory, and login/refresh/STS functions that record their calls.
 */
import assert from "node:assert/strict";
import { getCredentials } from "../src/aws/credentials.ts";
import { openCacheStore } from "../src/cache/store.ts";
import { createLog } from "../src/log.ts";
import type { Provider } from "../src/config/provider.ts";
import type { AssumeRoleRequest } from "../src/aws/sts.ts";
import { type RefreshedTokens, RefreshRejected, type Tokens } from "../src/oidc/mod.ts";
import type { TokenEntry } from "../src/cache/entries.ts";
import { testProvider } from "./helpers/provider.ts";

const provider = testProvider();

function tokens(sub: string, expiresIn: number, refreshToken?: string): Tokens {
  const now = Math.floor(Date.now() / 1000);
  return {
    idToken: `id-${sub}-${crypto.randomUUID()}`,
    claims: { iss: "https://idp.example", sub, aud: "client", exp: now + expiresIn, iat: now, email: `${sub}@x` },
    accessToken: "at",
    refreshToken,
  };
}

/** A refresh grant's answer with a new ID token. */
function refreshed(sub: string, expiresIn: number, refreshToken: string): RefreshedTokens {
  const { idToken, claims, accessToken } = tokens(sub, expiresIn);
  return { id: { idToken, claims }, accessToken, refreshToken };
}

async function harness(refresh: (cached: TokenEntry) => Promise<RefreshedTokens>) {
  const dir = await Deno.makeTempDir();
  const calls = { login: 0, refresh: 0, sts: [] as AssumeRoleRequest[] };
  const messages: string[] = [];
  const deps = {
    log: createLog({ stderr: (text) => messages.push(text), terminal: undefined }),
    env: () => undefined,
    store: await openCacheStore(dir),
    login: () => (calls.login++, Promise.resolve(tokens("alice", 3600, "rt-1"))),
    refresh: (_provider: Provider, cached: TokenEntry) => (calls.refresh++, refresh(cached)),
    assumeRole: (request: AssumeRoleRequest) => {
      calls.sts.push(request);
      return Promise.resolve({
        accessKeyId: `ASIA${calls.sts.length}`,
        secretAccessKey: "secret",
        sessionToken: "session",
        expiration: new Date(Date.now() + 10 * 60_000), // inside the refresh window: never served from cache
      });
    },
    assumeChain: () => Promise.reject(new Error("no chain configured")),
  };
  return { deps, calls, messages, dir };
}

Deno.test("an expired ID token is refreshed; the refreshed one goes to STS", async () => {
  const { deps, calls, dir } = await harness(() => Promise.resolve(refreshed("alice", 3600, "rt-2")));
  deps.login = () => (calls.login++, Promise.resolve(tokens("alice", 30, "rt-1")));
  await getCredentials(provider, deps);
  await getCredentials(provider, { ...deps, now: () => Date.now() + 25_000 }); // 5 s left of 30: too old
  assert.deepEqual([calls.login, calls.refresh, calls.sts.length], [1, 1, 2]);
  assert.equal(calls.sts[1].roleSessionName, "alice@x");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a refresh response without an ID token falls back to the browser, keeping the rotated refresh token", async () => {
  const { deps, calls, messages, dir } = await harness(() =>
    Promise.resolve({ accessToken: "at-2", refreshToken: "rt-rotated" })
  );
  deps.login = () => (calls.login++, Promise.resolve(tokens("alice", 30, "rt-1")));
  await getCredentials(provider, deps);
  deps.login = () => (calls.login++, Promise.reject(new Error("the person closed the browser")));
  await assert.rejects(getCredentials(provider, { ...deps, now: () => Date.now() + 25_000 }), /closed the browser/);
  assert.deepEqual([calls.login, calls.refresh], [2, 1]);
  assert.match(
    messages.join(""),
    /sends no new ID token on refresh .*; logging in again \(hint: .*token = "access_token"/,
  );
  const stored = await deps.store.read<TokenEntry>(
    (await deps.store.list()).find((name) => name.startsWith("tokens-"))!,
  );
  assert.equal(stored?.refreshToken, "rt-rotated", "the rotated refresh token was kept");
  assert.equal(typeof stored?.idTokenExpiresAt, "number", "the entry stays whole");
  assert.equal(stored?.accessToken, "at-2");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an IdP that sends no ID token on refresh: noticed once, kept across the next login, not asked again", async () => {
  const { deps, calls, messages, dir } = await harness(() =>
    Promise.resolve({ accessToken: "at-2", refreshToken: "rt-2" })
  );
  deps.login = () => (calls.login++, Promise.resolve(tokens("alice", 30, "rt-1")));
  await getCredentials(provider, deps); // login 1
  await getCredentials(provider, { ...deps, now: () => Date.now() + 25_000 }); // too old: refresh without ID token, then login 2
  const file = (await deps.store.list()).find((name) => name.startsWith("tokens-"))!;
  assert.equal((await deps.store.read<TokenEntry>(file))?.refreshSendsNoIdToken, true, "remembered after the login");
  await getCredentials(provider, { ...deps, now: () => Date.now() + 31_000 }); // expired; known: straight to login 3
  assert.deepEqual([calls.login, calls.refresh], [3, 1]);
  const lines = messages.join("").split("\n").filter((line) => /sends no new ID token on refresh/.test(line));
  assert.equal(lines.length, 2);
  for (const line of lines) {
    assert.match(line, /hint: if the role trusts the access token's audience, set token = "access_token"/);
  }

  // With token = "access_token" (a token identity of its own) the refresh is what renews the token for STS.
  const accessProvider: Provider = { ...provider, token: "access_token" };
  const jwt = (n: number) => `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln${n}`;
  const in30s = Math.floor(Date.now() / 1000) + 30;
  deps.login =
    () => (calls.login++,
      Promise.resolve({ ...tokens("alice", 30, "rt-1"), accessToken: jwt(1), accessTokenExpiresAt: in30s }));
  deps.refresh = () => (calls.refresh++,
    Promise.resolve({
      accessToken: jwt(2),
      accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 3600,
      refreshToken: "rt-3",
    }));
  await getCredentials(accessProvider, deps);
  assert.deepEqual([calls.login, calls.refresh], [4, 1], "its own login");
  await getCredentials(accessProvider, { ...deps, now: () => Date.now() + 40_000 });
  assert.deepEqual([calls.login, calls.refresh], [4, 2], "refreshed, no browser");
  assert.equal(calls.sts.at(-1)?.webIdentityToken, jwt(2));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a refused refresh (another subject, invalid_grant) opens the browser", async () => {
  const { deps, calls, messages, dir } = await harness(() =>
    Promise.reject(new RefreshRejected("The refreshed ID token names a different issuer, subject or audience"))
  );
  deps.login = () => (calls.login++, Promise.resolve(tokens("alice", 30, "rt-1")));
  await getCredentials(provider, deps);
  await getCredentials(provider, { ...deps, now: () => Date.now() + 25_000 });
  assert.deepEqual([calls.login, calls.refresh], [2, 1]);
  assert.match(messages.join(""), /different issuer, subject or audience; logging in again/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--force-login opens the browser even with usable tokens; --no-cache still writes", async () => {
  const { deps, calls, dir } = await harness(() => Promise.reject(new Error("unused")));
  await getCredentials(provider, deps);
  await getCredentials(provider, deps, { forceLogin: true });
  assert.equal(calls.login, 2);
  await getCredentials(provider, deps, { noCache: true });
  assert.equal(calls.login, 3);
  assert.equal((await deps.store.list()).length, 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("token = access_token: the JWT access token goes to STS; an opaque one is refused before STS", async () => {
  const accessProvider: Provider = { ...provider, token: "access_token" };
  const { deps, calls, dir } = await harness(() => Promise.reject(new Error("unused")));
  const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
  const expiresAt = Math.floor(Date.now() / 1000) + 3600;
  deps.login =
    () => (calls.login++,
      Promise.resolve({ ...tokens("alice", 3600), accessToken: jwt, accessTokenExpiresAt: expiresAt }));
  await getCredentials(accessProvider, deps);
  assert.equal(calls.sts.at(-1)?.webIdentityToken, jwt);
  assert.equal(calls.sts.at(-1)?.roleSessionName, "alice@x", "the session is still named from the ID token");

  const { deps: opaqueDeps, calls: opaqueCalls, dir: opaqueDir } = await harness(() =>
    Promise.reject(new Error("unused"))
  );
  opaqueDeps.login = () => Promise.resolve({ ...tokens("alice", 3600), accessTokenExpiresAt: expiresAt });
  await assert.rejects(
    getCredentials(accessProvider, opaqueDeps),
    (error: unknown) => error instanceof Error && /opaque access token; STS needs a JWT/.test(error.message),
  );
  assert.equal(opaqueCalls.sts.length, 0);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(opaqueDir, { recursive: true });
});

/** Providers sharing an issuer and client id whose tokens are still not interchangeable. */
const TOKEN_VARIANTS: [string, Partial<Provider>][] = [
  ["auth_params", { authParams: { resource: "https://other.example" } }],
  ["scopes", { scopes: ["openid", "groups"] }],
  ["the client authentication", { clientSecret: "s3cret", clientAuth: "client_secret" }],
  ["the flow", { flow: "device" }],
];

for (const [label, change] of TOKEN_VARIANTS) {
  Deno.test(`regression: providers that differ only in ${label} share no tokens, and --no-cache on one leaves the other`, async () => {
    const { deps, calls, dir } = await harness(() => Promise.reject(new Error("unused")));
    const issued: string[] = [];
    deps.login = () => {
      calls.login++;
      const fresh = tokens("alice", 3600, "rt");
      issued.push(fresh.idToken!);
      return Promise.resolve(fresh);
    };
    const other: Provider = { ...provider, name: "other", ...change };
    await getCredentials(provider, deps);
    await getCredentials(other, deps);
    assert.equal(calls.login, 2, "the second provider logs in for itself");
    assert.equal(calls.sts[1].webIdentityToken, issued[1]);
    await getCredentials(other, deps, { noCache: true });
    await getCredentials(provider, deps);
    assert.equal(calls.sts.at(-1)?.webIdentityToken, issued[0], "the first provider still sends its own token");
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("regression: the token kind sent to STS is part of the token identity", async () => {
  const { deps, calls, dir } = await harness(() => Promise.reject(new Error("unused")));
  const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
  const expiresAt = Math.floor(Date.now() / 1000) + 3600;
  deps.login = () => (calls.login++, Promise.resolve({ ...tokens("alice", 3600), accessTokenExpiresAt: expiresAt }));
  await getCredentials(provider, deps);
  deps.login =
    () => (calls.login++,
      Promise.resolve({ ...tokens("alice", 3600), accessToken: jwt, accessTokenExpiresAt: expiresAt }));
  await getCredentials({ ...provider, name: "access", token: "access_token" }, deps);
  assert.equal(calls.login, 2, "an access-token provider does not reuse the other's opaque access token");
  assert.equal(calls.sts.at(-1)?.webIdentityToken, jwt);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("regression: short-lived tokens — a just-refreshed 20 s ID token is used, not a browser login", async () => {
  let clock = Date.now();
  /** `seconds` from the injected clock, as the IdP's exp claim would say. */
  const lasting = (seconds: number) => Math.round(seconds + (clock - Date.now()) / 1000);
  const { deps, calls, messages, dir } = await harness(() => Promise.resolve(refreshed("alice", lasting(20), "rt-2")));
  deps.login = () => (calls.login++, Promise.resolve(tokens("alice", lasting(30), "rt-1")));
  const withClock = { ...deps, now: () => clock };
  await getCredentials(provider, withClock);
  assert.deepEqual([calls.login, calls.refresh, calls.sts.length], [1, 0, 1]);
  // 10 s into a 30 s token: the margin is a quarter of its lifetime (7.5 s), so it still goes to STS.
  clock += 10_000;
  await getCredentials(provider, withClock);
  assert.deepEqual([calls.login, calls.refresh, calls.sts.length], [1, 0, 2]);
  // 25 s in: too old; the refresh grant's fresh 20 s token is used at once.
  clock += 15_000;
  await getCredentials(provider, withClock);
  assert.deepEqual([calls.login, calls.refresh, calls.sts.length], [1, 1, 3]);
  assert.doesNotMatch(messages.join(""), /sent no new ID token|logging in again/);
  await Deno.remove(dir, { recursive: true });
});
