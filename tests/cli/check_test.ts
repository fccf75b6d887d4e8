import assert from "node:assert/strict";
import { checkRefreshTtl, checkTokenValid, refreshTtlJson } from "../../src/cli/check.ts";
import { tokenJson } from "../../src/cli/token.ts";
import { main } from "../../src/cli/main.ts";
import { cacheFileName } from "../../src/cache/keys.ts";
import { defaultTokenKey } from "../helpers/provider.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import { AwsOidcError, QuietExit } from "../../src/errors.ts";
import type { TokenEntry } from "../../src/cache/entries.ts";
import { CONFIG, NOW, type TestCli, tokenEntry, withCli } from "./test_context.ts";

const INPUT = { name: "google", flags: {}, globals: {}, cache: {} };

async function cacheTokens(cli: TestCli, entry: TokenEntry): Promise<void> {
  const store = await openCacheStore(cli.cacheDir);
  await store.write(await cacheFileName(defaultTokenKey("https://idp.example", "client")), {
    ...entry,
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => undefined, (error) => error);
}

Deno.test("check-token-valid: valid while the ID token has more than a minute left, else invalid and exit 1", async () => {
  await withCli(CONFIG, async (cli) => {
    const quiet = await failure(checkTokenValid(INPUT, cli.context, () => NOW));
    assert.ok(quiet instanceof QuietExit && quiet.exitCode === 1);
    await cacheTokens(cli, tokenEntry(61));
    await checkTokenValid(INPUT, cli.context, () => NOW);
    await cacheTokens(cli, tokenEntry(60));
    assert.ok(await failure(checkTokenValid(INPUT, cli.context, () => NOW)) instanceof QuietExit);
    assert.deepEqual(cli.stdout, ["invalid\n", "valid\n", "invalid\n"]);
    assert.deepEqual(cli.stderr, []);
  });
});

Deno.test("check-token-valid through main: exit code 1 and nothing on stderr", async () => {
  await withCli(CONFIG, async (cli) => {
    assert.equal(await main(["check-token-valid", "google"], cli.context), 1);
    await cacheTokens(cli, tokenEntry(3600, { idTokenExpiresAt: Math.floor(Date.now() / 1000) + 3600 }));
    assert.equal(await main(["check-token-valid", "alias"], cli.context), 0, "alias shares google's tokens");
    assert.deepEqual(cli.stdout, ["invalid\n", "valid\n"]);
    assert.deepEqual(cli.stderr, []);
  });
});

Deno.test("refreshTtlJson: seconds left and the instant, null when the IdP does not say, or inactive", () => {
  const exp = NOW / 1000 + 86123;
  assert.equal(
    refreshTtlJson({ active: true, expiresAt: exp }, NOW),
    '{"active":true,"expires_in":86123,"expires_at":"2030-01-02T11:55:23.000Z"}\n',
  );
  assert.equal(refreshTtlJson({ active: true }, NOW), '{"active":true,"expires_in":null,"expires_at":null}\n');
  assert.equal(refreshTtlJson({ active: false, expiresAt: exp }, NOW), '{"active":false}\n');
});

Deno.test("check-refresh-ttl: introspects the cached refresh token; inactive exits 1; none cached is an error", async () => {
  await withCli(CONFIG, async (cli) => {
    const asked: string[] = [];
    let active = true;
    const deps = {
      introspect: (_: unknown, token: string) => {
        asked.push(token);
        return Promise.resolve({ active, expiresAt: NOW / 1000 + 100 });
      },
      now: () => NOW,
    };
    const missing = await failure(checkRefreshTtl(INPUT, cli.context, deps));
    assert.ok(missing instanceof AwsOidcError && !(missing instanceof QuietExit));
    assert.match(missing.message, /No refresh token is cached for "google"/);
    assert.match(missing.hint ?? "", /log in first/);

    await cacheTokens(cli, tokenEntry(3000));
    await checkRefreshTtl(INPUT, cli.context, deps);
    active = false;
    assert.ok(await failure(checkRefreshTtl(INPUT, cli.context, deps)) instanceof QuietExit);
    assert.deepEqual(asked, ["refresh-token-secret-value", "refresh-token-secret-value"]);
    assert.deepEqual(cli.stdout, [
      '{"active":true,"expires_in":100,"expires_at":"2030-01-01T12:01:40.000Z"}\n',
      '{"active":false}\n',
    ]);

    await cacheTokens(cli, tokenEntry(3000, { refreshToken: undefined }));
    const none = await failure(checkRefreshTtl(INPUT, cli.context, deps));
    assert.match((none as AwsOidcError).hint ?? "", /issued none/);
  });
});

Deno.test("tokenJson: version, ID and access token, the ID token's expiry; never the refresh token", () => {
  const line = tokenJson(tokenEntry(3600));
  assert.ok(line.endsWith("}\n"));
  assert.deepEqual(JSON.parse(line), {
    version: 1,
    id_token: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl",
    access_token: "access-token-secret-value",
    expiry: "2030-01-01T13:00:00.000Z",
  });
});
