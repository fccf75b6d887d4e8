/**
 * The pipeline's warm-up hook: STS's client starts loading as soon as the
 * cache cannot answer (before the token file, a refresh or a login), and
 * never when cached credentials are served.
 */
import assert from "node:assert/strict";
import { type CredentialDeps, getCredentials } from "../../src/aws/credentials.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import { createLog } from "../../src/log.ts";
import type { Tokens } from "../../src/oidc/tokens.ts";
import { testProvider } from "../helpers/provider.ts";

const provider = testProvider();

function tokens(): Tokens {
  const now = Math.floor(Date.now() / 1000);
  return {
    idToken: `id-${crypto.randomUUID()}`,
    claims: { iss: "https://idp.example", sub: "alice", aud: "client", exp: now + 3600, iat: now },
    accessToken: "at",
    refreshToken: "rt",
  };
}

async function harness(events: string[]): Promise<CredentialDeps & { dir: string }> {
  const dir = await Deno.makeTempDir();
  return {
    dir,
    log: createLog({ stderr: () => {}, terminal: undefined }),
    env: () => undefined,
    store: await openCacheStore(dir),
    login: () => (events.push("login"), Promise.resolve(tokens())),
    refresh: () => Promise.reject(new Error("no refresh expected")),
    assumeRole: () => (events.push("sts"),
      Promise.resolve({
        accessKeyId: "ASIAWARM",
        secretAccessKey: "secret",
        sessionToken: "session",
        expiration: new Date(Date.now() + 3600_000),
      })),
    assumeChain: () => Promise.reject(new Error("no chain configured")),
    warmUp: () => events.push("warm-up"),
  };
}

Deno.test("warm-up: called once, before the login, when the cache cannot answer; not on a cache hit", async () => {
  const events: string[] = [];
  const deps = await harness(events);
  await getCredentials(provider, deps);
  assert.deepEqual(events, ["warm-up", "login", "sts"]);
  events.length = 0;
  await getCredentials(provider, deps);
  assert.deepEqual(events, []);
  await Deno.remove(deps.dir, { recursive: true });
});

Deno.test("warm-up: stale credentials with a usable cached ID token warm up before STS, without a login", async () => {
  const events: string[] = [];
  const deps = await harness(events);
  await getCredentials(provider, deps);
  events.length = 0;
  // Credentials inside the refresh window (55 minutes later), the one-hour ID token still usable.
  await getCredentials(provider, { ...deps, now: () => Date.now() + 55 * 60_000 - 30_000 });
  assert.deepEqual(events, ["warm-up", "sts"]);
  await Deno.remove(deps.dir, { recursive: true });
});
