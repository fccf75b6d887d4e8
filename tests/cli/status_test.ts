import assert from "node:assert/strict";
import { join } from "node:path";
import { humanExpiry, status } from "../../src/cli/status.ts";
import { cacheFileName } from "../../src/cache/keys.ts";
import { defaultCredentialKey, defaultTokenKey } from "../helpers/provider.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import { CONFIG, credentialEntry, NOW, SECRETS, type TestCli, tokenEntry, withCli } from "./test_context.ts";

Deno.test("humanExpiry: the largest whole unit, in the future or ago", () => {
  assert.equal(humanExpiry(42), "in 42 s");
  assert.equal(humanExpiry(42 * 60 + 59), "in 42 min");
  assert.equal(humanExpiry(47 * 3600), "in 47 h");
  assert.equal(humanExpiry(3 * 86400 + 5), "in 3 d");
  assert.equal(humanExpiry(-(3 * 3600 + 10)), "expired 3 h ago");
  assert.equal(humanExpiry(0), "expired 0 s ago");
});

/** google and alias share one token file; other has its own; one token file belongs to no provider. */
async function seed(cli: TestCli): Promise<void> {
  const store = await openCacheStore(cli.cacheDir);
  const tokens = (issuer: string, clientId: string) => cacheFileName(defaultTokenKey(issuer, clientId));
  const credentials = (roleArn: string) =>
    cacheFileName(defaultCredentialKey("https://idp.example", "client", roleArn));
  await store.write(await tokens("https://idp.example", "client"), { ...tokenEntry(3000) });
  await store.write(await tokens("https://idp.example", "other-client"), {
    ...tokenEntry(-7200, { clientId: "other-client", refreshToken: undefined }),
  });
  await store.write(await tokens("https://gone.example", "client"), {
    ...tokenEntry(100, { issuer: "https://gone.example" }),
  });
  await store.write(await credentials("arn:aws:iam::123456789012:role/one"), {
    ...credentialEntry("google", 42 * 60 + 30, "arn:aws:iam::123456789012:role/one"),
  });
  await store.write(await credentials("arn:aws:iam::123456789012:role/two"), {
    ...credentialEntry("alias", -(3 * 3600 + 10), "arn:aws:iam::123456789012:role/two"),
  });
}

Deno.test("status: a table of every cached session, named by provider, without secrets", async () => {
  await withCli(CONFIG, async (cli) => {
    await seed(cli);
    await status({ json: false, globals: {}, cache: {} }, cli.context, () => NOW);
    const lines = cli.stdout.join("").trimEnd().split("\n").map((line) => line.split(/\s{2,}/));
    assert.deepEqual(lines, [
      ["PROVIDER", "KIND", "ROLE / ISSUER", "IDENTITY", "EXPIRES", "REFRESH TOKEN"],
      ["alias", "credentials", "arn:aws:iam::123456789012:role/two", "user@example.test", "expired 3 h ago"],
      ["google", "credentials", "arn:aws:iam::123456789012:role/one", "user@example.test", "in 42 min"],
      ["google,alias", "tokens", "https://idp.example", "user@example.test", "in 50 min", "cached"],
      ["other", "tokens", "https://idp.example", "user@example.test", "expired 2 h ago", "none"],
      ["?", "tokens", "https://gone.example", "user@example.test", "in 1 min", "cached"],
    ]);
    const printed = cli.stdout.join("") + cli.stderr.join("");
    for (const secret of SECRETS) assert.ok(!printed.includes(secret), secret);
  });
});

Deno.test("status --json: one object per file, the same facts, without secrets", async () => {
  await withCli(CONFIG, async (cli) => {
    await seed(cli);
    await Deno.writeTextFile(join(cli.cacheDir, "tokens-ffffffffffffffffffffffffffffffff.json"), "{not json");
    await status({ json: true, globals: {}, cache: {} }, cli.context, () => NOW);
    assert.equal(cli.stdout.length, 1);
    const sessions = JSON.parse(cli.stdout[0]);
    assert.equal(sessions.length, 5, "the corrupted file is skipped");
    assert.match(cli.stderr.join(""), /was corrupted and has been discarded/);
    assert.deepEqual(sessions[1], {
      kind: "credentials",
      provider: "google",
      role_arn: "arn:aws:iam::123456789012:role/one",
      region: "us-east-1",
      issuer: null,
      client_id: null,
      identity: "user@example.test",
      expires_at: "2030-01-01T12:42:30.000Z",
      expires_in: 2550,
      refresh_token: null,
      id_token_on_refresh: null,
      file: sessions[1].file,
    });
    assert.match(sessions[1].file, /^credentials-[0-9a-f]{32}\.json$/);
    assert.deepEqual(
      sessions.slice(2).map((s: Record<string, unknown>) => [s.provider, s.client_id, s.expires_in, s.refresh_token]),
      [["google,alias", "client", 3000, true], ["other", "other-client", -7200, false], [null, "client", 100, true]],
    );
    for (const secret of SECRETS) assert.ok(!cli.stdout[0].includes(secret), secret);
  });
});

Deno.test("status: an empty cache prints nothing on stdout, or [] with --json", async () => {
  await withCli(CONFIG, async (cli) => {
    await status({ json: false, globals: {}, cache: {} }, cli.context, () => NOW);
    assert.deepEqual(cli.stdout, []);
    assert.match(cli.stderr.join(""), /No cached sessions in ".*cache"/);
    await status({ json: true, globals: {}, cache: {} }, cli.context, () => NOW);
    assert.deepEqual(cli.stdout, ["[]\n"]);
  });
});

Deno.test("status: a broken config still lists the sessions, with a warning", async () => {
  await withCli("[[AuthProvider]\n", async (cli) => {
    await seed(cli);
    await status({ json: true, globals: {}, cache: {} }, cli.context, () => NOW);
    const sessions = JSON.parse(cli.stdout[0]);
    assert.equal(sessions.length, 5);
    assert.match(cli.stderr.join(""), /warning: .*token files are shown without provider names/);
  });
});
