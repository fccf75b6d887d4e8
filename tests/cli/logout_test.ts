import assert from "node:assert/strict";
import { join } from "node:path";
import { logout, type LogoutDeps, parseLogoutTarget } from "../../src/cli/logout.ts";
import type { TokenTypeHint } from "../../src/oidc/mod.ts";
import { cacheFileName } from "../../src/cache/keys.ts";
import { defaultTokenKey } from "../helpers/provider.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import { AwsOidcError, UsageError } from "../../src/errors.ts";
import { CONFIG, credentialEntry, SECRETS, type TestCli, tokenEntry, withCli } from "./test_context.ts";

Deno.test("parseLogoutTarget: a provider name or --all, never both, no settings with --all", () => {
  assert.deepEqual(parseLogoutTarget("google", false, { region: "eu-west-1" }), {
    all: false,
    name: "google",
    flags: { region: "eu-west-1" },
  });
  assert.deepEqual(parseLogoutTarget(undefined, true, {}), { all: true });
  assert.throws(
    () => parseLogoutTarget(undefined, false, {}),
    (e: unknown) => e instanceof UsageError && /needs a provider name or --all/.test(e.message),
  );
  assert.throws(
    () => parseLogoutTarget("google", true, {}),
    (e: unknown) => e instanceof UsageError && /not both/.test(e.message),
  );
  assert.throws(
    () => parseLogoutTarget(undefined, true, { region: "x" }),
    (e: unknown) => e instanceof UsageError && /--all takes no provider/.test(e.message),
  );
});

interface Revocation {
  provider: string;
  token: string;
  hint: TokenTypeHint;
}

function recordingRevoke(answer: () => Promise<boolean>): LogoutDeps & { calls: Revocation[] } {
  const calls: Revocation[] = [];
  return {
    calls,
    revoke: (provider, token, hint) => {
      calls.push({ provider: provider.name, token, hint });
      return answer();
    },
  };
}

const TOKENS = cacheFileName(defaultTokenKey("https://idp.example", "client"));
const OTHER_TOKENS = cacheFileName(defaultTokenKey("https://idp.example", "other-client"));
const ORPHAN_TOKENS = cacheFileName(defaultTokenKey("https://gone.example", "client"));

/** google and alias share one token file; other has its own; one token file belongs to no provider. */
async function seed(cli: TestCli, first = tokenEntry(3000)): Promise<void> {
  const store = await openCacheStore(cli.cacheDir);
  await store.write(await TOKENS, { ...first });
  await store.write(await OTHER_TOKENS, {
    ...tokenEntry(3000, { clientId: "other-client", refreshToken: "other-refresh-token" }),
  });
  await store.write(await ORPHAN_TOKENS, { ...tokenEntry(3000, { issuer: "https://gone.example" }) });
  for (const [provider, role] of [["google", "one"], ["alias", "two"], ["other", "three"]]) {
    await store.write(`credentials-${role.padEnd(32, "0").replace(/[^0-9a-f]/g, "a")}.json`, {
      ...credentialEntry(provider, 600, `arn:aws:iam::123456789012:role/${role}`),
    });
  }
}

async function providersOfRemainingCredentials(cli: TestCli): Promise<string[]> {
  const providers: string[] = [];
  for await (const entry of Deno.readDir(cli.cacheDir)) {
    if (entry.name.startsWith("credentials-")) {
      providers.push(JSON.parse(await Deno.readTextFile(join(cli.cacheDir, entry.name))).provider);
    }
  }
  return providers.sort();
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("logout google: revokes the refresh token, removes its tokens and the credentials of every provider sharing them", async () => {
  await withCli(CONFIG, async (cli) => {
    await seed(cli);
    const deps = recordingRevoke(() => Promise.resolve(true));
    await logout({ target: { all: false, name: "google", flags: {} }, globals: {}, cache: {} }, cli.context, deps);
    assert.deepEqual(deps.calls, [{ provider: "google", token: "refresh-token-secret-value", hint: "refresh_token" }]);
    assert.equal(await exists(join(cli.cacheDir, await TOKENS)), false);
    assert.equal(await exists(join(cli.cacheDir, await OTHER_TOKENS)), true);
    assert.deepEqual(await providersOfRemainingCredentials(cli), ["other"]);
    assert.match(cli.stderr.join(""), /Logged out of "google": removed 3 cache files/);
    assert.deepEqual(cli.stdout, []);
    for (const secret of SECRETS) assert.ok(!cli.stderr.join("").includes(secret), secret);
  });
});

Deno.test("logout: without a refresh token the access token is revoked", async () => {
  await withCli(CONFIG, async (cli) => {
    await seed(cli, tokenEntry(3000, { refreshToken: undefined }));
    const deps = recordingRevoke(() => Promise.resolve(true));
    await logout({ target: { all: false, name: "alias", flags: {} }, globals: {}, cache: {} }, cli.context, deps);
    assert.deepEqual(deps.calls, [{ provider: "alias", token: "access-token-secret-value", hint: "access_token" }]);
    assert.match(cli.stderr.join(""), /Revoked the access token/);
  });
});

Deno.test("logout: an IdP without a revocation endpoint is said so; the files still go, exit 0", async () => {
  await withCli(CONFIG, async (cli) => {
    await seed(cli);
    await logout(
      { target: { all: false, name: "google", flags: {} }, globals: {}, cache: {} },
      cli.context,
      recordingRevoke(() => Promise.resolve(false)),
    );
    assert.match(cli.stderr.join(""), /warning: .*publishes no revocation_endpoint; the refresh token stays valid/);
    assert.equal(await exists(join(cli.cacheDir, await TOKENS)), false);
  });
});

Deno.test("logout: a revocation failure still removes the files, then fails with the reason and a hint", async () => {
  await withCli(CONFIG, async (cli) => {
    await seed(cli);
    const deps = recordingRevoke(() =>
      Promise.reject(new AwsOidcError('Cannot reach the identity provider at "https://idp.example": refused'))
    );
    const input = { target: { all: false as const, name: "google", flags: {} }, globals: {}, cache: {} };
    const error = await logout(input, cli.context, deps).then(() => undefined, (error) => error);
    assert.ok(error instanceof AwsOidcError);
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /^The cached session was removed, but revocation failed: Cannot reach/);
    assert.match(error.hint ?? "", /may stay valid at the identity provider until it expires/);
    assert.equal(await exists(join(cli.cacheDir, await TOKENS)), false);
    assert.deepEqual(await providersOfRemainingCredentials(cli), ["other"]);
  });
});

Deno.test("logout --all: each token file revoked with its provider's settings, an unknown one only removed", async () => {
  await withCli(CONFIG, async (cli) => {
    await seed(cli);
    const deps = recordingRevoke(() => Promise.resolve(true));
    await logout({ target: { all: true }, globals: {}, cache: {} }, cli.context, deps);
    assert.deepEqual(deps.calls.map((call) => [call.provider, call.token]).sort(), [
      ["google", "refresh-token-secret-value"],
      ["other", "other-refresh-token"],
    ]);
    assert.match(cli.stderr.join(""), /Not revoking the refresh token of "https:\/\/gone.example" .*no provider/);
    assert.match(cli.stderr.join(""), /Removed 6 cached token and credential files/);
    const left = [];
    for await (const entry of Deno.readDir(cli.cacheDir)) if (entry.name.endsWith(".json")) left.push(entry.name);
    assert.deepEqual(left, []);
  });
});

Deno.test("logout of a provider with nothing cached: said so, no revocation", async () => {
  await withCli(CONFIG, async (cli) => {
    const deps = recordingRevoke(() => Promise.resolve(true));
    await logout({ target: { all: false, name: "google", flags: {} }, globals: {}, cache: {} }, cli.context, deps);
    assert.deepEqual(deps.calls, []);
    assert.match(cli.stderr.join(""), /No cached session for "google"/);
  });
});
