/**
 * Seeded fuzzing of everything that parses input aws-oidc does not control:
 * the config file (parse, then validate), the cache files (read, then used by
 * the credential pipeline), and the login callback's query string (checked by
 * the listener, then validated). Thousands of mutated inputs per target, zero
 * uncaught exceptions: every failure must be one of our error classes with a
 * message. Deterministic: `FUZZ_SEED=<n>` replays a run, and a failure names
 * its seed, iteration and input.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type * as oauth from "oauth4webapi";
import { providerNames, requireProvider } from "../../src/config/resolve.ts";
import { AwsOidcError } from "../../src/errors.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import { cacheNames, isCredentialEntry, isTokenEntry } from "../../src/cache/entries.ts";
import { getCredentials } from "../../src/aws/credentials.ts";
import { createLog } from "../../src/log.ts";
import { validateCallback } from "../../src/oidc/authorization_code.ts";
import { startLoopbackListener } from "../../src/oidc/_loopback.ts";
import type { Tokens } from "../../src/oidc/mod.ts";
import { configFile, SEED_CONFIG, testProvider } from "../helpers/provider.ts";
import { removing } from "../helpers/dispose.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261122);

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text mutations: characters and tokens that mean something to TOML, JSON or URLs, and a few that mean trouble. */
class Mutator {
  readonly #random: () => number;
  readonly #tokens: string[];

  constructor(seed: number, tokens: string[]) {
    this.#random = prng(seed);
    this.#tokens = [
      ...tokens,
      "\n",
      "\r\n",
      "\0",
      "\u202e",
      "\ud800",
      "é",
      "𝕏",
      '"',
      "'",
      "\\",
      "%",
      "%00",
      "%zz",
      "&",
      "=",
      "#",
      "[",
      "]",
      "{",
      "}",
      ",",
      ".",
      "-1",
      "0",
      "1e400",
      "9007199254740993",
      "nan",
      "inf",
      "true",
      "null",
      "[]",
      "{}",
      '""',
      "x".repeat(300),
    ];
  }

  int(limit: number): number {
    return Math.floor(this.#random() * limit);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** One to four edits: insert a token, delete, duplicate or swap a span. */
  mutate(text: string): string {
    let out = text;
    for (let edits = 1 + this.int(4); edits > 0; edits--) {
      const at = this.int(out.length + 1);
      const span = 1 + this.int(12);
      switch (this.int(4)) {
        case 0:
          out = out.slice(0, at) + this.pick(this.#tokens) + out.slice(at);
          break;
        case 1:
          out = out.slice(0, at) + out.slice(at + span);
          break;
        case 2:
          out = out.slice(0, at) + out.slice(at, at + span).repeat(2 + this.int(3)) + out.slice(at);
          break;
        default: {
          const other = this.int(out.length + 1);
          out = out.slice(0, at) + out.slice(other, other + span) + out.slice(at + span);
        }
      }
    }
    return out;
  }
}

/** Runs `check` on `count` mutants of the seeds; a failure names the seed, the iteration and the input. */
async function fuzz(
  name: string,
  options: { seeds: string[]; tokens: string[]; count: number },
  check: (input: string) => unknown,
): Promise<void> {
  const mutator = new Mutator(SEED, options.tokens);
  for (let i = 0; i < options.count; i++) {
    const input = mutator.mutate(mutator.pick(options.seeds));
    try {
      await check(input);
    } catch (error) {
      throw new Error(
        `${name}: FUZZ_SEED=${SEED}, iteration ${i}, input ${JSON.stringify(input)}: ${
          error instanceof Error ? error.stack : error
        }`,
      );
    }
  }
}

/** The only acceptable failure: one of our errors, with a one-line message. */
function assertOurs(error: unknown): void {
  if (!(error instanceof AwsOidcError)) throw error;
  assert.ok(error.message.length > 0, "a message");
  assert.ok(!error.message.includes("\n"), `one line: ${JSON.stringify(error.message)}`);
}

const FULL_CONFIG = `${SEED_CONFIG}
[[AuthProvider]]
name = "full"
provider_url = "http://127.0.0.1:8080/realms/x"
client_id = "cli"
roles = [{ arn = "arn:aws:iam::123456789012:role/a", alias = "a" }, { arn = "arn:aws:iam::123456789012:role/b" }]
role = "a"
scopes = ["openid", "email"]
redirect_uri = "http://127.0.0.1:{port}/cb"
sts_endpoint = "https://sts.eu-west-1.amazonaws.com"
session_name_claim = "email"
disable_pkce = false
timeout = 120
http_timeout = 10
refresh_window = 600
chain = ["arn:aws:iam::210987654321:role/spoke"]
flow = "device"
token = "access_token"
auth_params = { prompt = "login", audience = "aws" }
`;

Deno.test("fuzz: config parse and validate fail only with a ConfigError", async () => {
  const tokens = ["[[AuthProvider]]", "name", "duration = ", "role_arn", "provider_url", '"""', "'''", "= [", "= {"];
  let resolved = 0;
  await fuzz("config", { seeds: [SEED_CONFIG, FULL_CONFIG], tokens, count: 4000 }, (text) => {
    let config;
    try {
      config = configFile(text);
    } catch (error) {
      return assertOurs(error);
    }
    for (const name of new Set([...providerNames(config), "google", "full"])) {
      try {
        requireProvider({ config, name, env: () => undefined });
        resolved++;
      } catch (error) {
        assertOurs(error);
      }
    }
  });
  assert.ok(resolved > 0, "some mutants stay valid, so validation runs to the end too");
});

const AS: oauth.AuthorizationServer = {
  issuer: "https://idp.example",
  authorization_endpoint: "https://idp.example/authorize",
  authorization_response_iss_parameter_supported: true,
};
const STATE = "pRy0l9nX3QmK8bYt2w5Zc1vA7sD4fG6hJ0kL9zX8cV";

Deno.test("fuzz: callback query strings end as one valid code or our error", async () => {
  const seeds = [
    `code=abc123&state=${STATE}&iss=https%3A%2F%2Fidp.example`,
    `error=access_denied&error_description=no+way&state=${STATE}&iss=https%3A%2F%2Fidp.example`,
    `code=a&code=b&state=${STATE}&iss=https%3A%2F%2Fidp.example&session_state=x`,
  ];
  const tokens = ["code=", "state=", "iss=", "error=", `state=${STATE}`, "response=", "id_token="];
  let accepted = 0;
  await fuzz("callback", { seeds, tokens, count: 5000 }, (query) => {
    const params = new URL(`http://127.0.0.1:1/auth/callback?${query}`).searchParams;
    // What the listener checks before validation.
    if (params.getAll("state").length !== 1 || params.get("state") !== STATE) return;
    try {
      const valid = validateCallback(AS, { client_id: "c" }, params, STATE);
      assert.equal(valid.getAll("code").length, 1);
      assert.ok(valid.get("code"));
      accepted++;
    } catch (error) {
      assertOurs(error);
    }
  });
  assert.ok(accepted > 0, "some mutants stay valid, so the accepting path is exercised too");
});

Deno.test("fuzz: the loopback listener answers every mutated request below 500 and still takes the real callback", async () => {
  await using listener = startLoopbackListener("http://127.0.0.1:{port}/auth/callback");
  const result = listener.waitForCallback({
    authorizationUrl: new URL("https://idp.example/authorize"),
    state: STATE,
    timeoutSeconds: 60,
    validate: (params) => params,
  });
  const base = new URL(listener.startUrl).origin;
  const seeds = ["/auth/callback?code=abc&state=not-it", "/?x=1", "/auth/callback?error=access_denied&state=x"];
  await fuzz(
    "listener",
    { seeds, tokens: ["/", "..", "%2e%2e", "?", "state=", "code="], count: 400 },
    async (path) => {
      let url: URL;
      try {
        url = new URL(path.startsWith("/") ? base + path : `${base}/${path}`);
      } catch {
        return; // Not a URL a browser could send.
      }
      if (url.host !== new URL(base).host) return;
      const response = await fetch(url, { redirect: "manual" });
      const body = await response.text();
      assert.ok(response.status < 500, `status ${response.status}`);
      assert.notEqual(response.status, 200, "no mutant carries the state");
      assert.doesNotMatch(body, /not-it|access_denied/);
    },
  );
  await (await fetch(`${base}/auth/callback?code=real&state=${STATE}`)).body?.cancel();
  assert.equal((await result).get("code"), "real");
});

const PROVIDER = testProvider();

Deno.test("fuzz: mutated cache files read as a miss or an entry, and the pipeline still gets credentials", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-fuzz-" });
  const now = Math.floor(Date.now() / 1000);
  const tokenEntry = {
    v: 1,
    issuer: "https://idp.example",
    clientId: "client",
    idToken: "eyJ.id.token",
    idTokenExpiresAt: now + 3600,
    sub: "alice",
    aud: ["client"],
    claims: { email: "alice@example.com" },
    accessToken: "at",
    accessTokenExpiresAt: now + 3600,
    refreshToken: "rt",
    loggedInAt: now,
  };
  const credentialEntry = {
    v: 1,
    provider: "p",
    issuer: "https://idp.example",
    clientId: "client",
    roleArn: PROVIDER.roleArn,
    region: "us-east-1",
    duration: 3600,
    sub: "alice",
    sessionName: "alice",
    accessKeyId: "ASIAOLD",
    secretAccessKey: "old-secret",
    sessionToken: "old-session",
    expiration: new Date(Date.now() + 3600_000).toISOString(),
  };
  const problems: string[] = [];
  const store = await openCacheStore(join(dir, "cache"), { onProblem: (message) => problems.push(message) });
  const names = await cacheNames(PROVIDER);
  const login = (): Promise<Tokens> =>
    Promise.resolve({
      idToken: "eyJ.fresh.token",
      claims: { iss: "https://idp.example", sub: "alice", aud: "client", exp: now + 3600, iat: now },
      accessToken: "at-fresh",
    });
  const deps = {
    log: createLog({ stderr: () => {}, terminal: undefined }),
    env: () => undefined,
    store,
    login,
    refresh: () => Promise.reject(new AwsOidcError("no refresh in this test")),
    assumeRole: () =>
      Promise.resolve({
        accessKeyId: "ASIANEW",
        secretAccessKey: "new-secret",
        sessionToken: "new-session",
        expiration: new Date(Date.now() + 3600_000),
      }),
    assumeChain: () => Promise.reject(new Error("no chain configured")),
  };
  const seeds = [JSON.stringify(tokenEntry), JSON.stringify(credentialEntry)];
  const tokens = ['"v":1', '"aud":', '"sub":', '"idTokenExpiresAt":', '"expiration":', '"x"', "-1", "1e999", "[1]"];
  await using _dir = removing(dir);
  const nameFor = (text: string) =>
    text.includes('"idToken') || text.includes('"refreshToken') ? names.tokens : names.credentials;
  await fuzz("cache read", { seeds, tokens, count: 3000 }, async (text) => {
    await Deno.writeTextFile(join(store.dir, nameFor(text)), text, { mode: 0o600 });
    const read = await store.read(nameFor(text), nameFor(text) === names.tokens ? isTokenEntry : isCredentialEntry);
    assert.ok(read === undefined || (typeof read === "object" && read !== null));
  });
  // Fewer: each run takes the lock and writes (with fsync) what it obtained.
  await fuzz("cache in the pipeline", { seeds, tokens, count: 400 }, async (text) => {
    await Deno.writeTextFile(join(store.dir, nameFor(text)), text, { mode: 0o600 });
    try {
      const credentials = await getCredentials(PROVIDER, deps);
      assert.equal(typeof credentials.accessKeyId, "string");
    } catch (error) {
      assertOurs(error);
    }
    await Promise.all([store.remove(names.tokens), store.remove(names.credentials)]);
  });
  assert.ok(problems.every((message) => message.length > 0 && !message.includes("\n")));
});
