import assert from "node:assert/strict";
import { join } from "node:path";
import { openSession } from "../../src/cli/session.ts";
import { CONFIG, withCli } from "./test_context.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("openSession reads nothing until asked, then each piece once", async () => {
  await withCli(CONFIG, async (cli) => {
    const broken = openSession({ name: "google", globals: { config: join(cli.home, "missing.toml") } }, cli.context);
    assert.equal(await exists(cli.cacheDir), false, "opening reads no config and makes no cache");
    await assert.rejects(broken.provider(), /missing\.toml/);

    const session = openSession(
      { name: "google", flags: { region: "eu-west-1" }, cache: { cache: false, forceLogin: true }, globals: {} },
      cli.context,
    );
    assert.deepEqual(await session.mode(), { noCache: true, forceLogin: true });
    assert.equal(await exists(cli.cacheDir), false, "the cache mode needs no cache");
    const provider = await session.provider();
    assert.equal(provider.region, "eu-west-1");
    assert.equal(await session.provider(), provider, "resolved once");
    assert.equal(await session.interactiveChoice(), false);
    assert.equal(await session.store(), await session.store(), "opened once");
    assert.equal(await exists(cli.cacheDir), true);
    assert.equal((await session.deps()).env, cli.context.env);
  });
});

Deno.test("openSession: a profile name is read through ~/.aws/config when the command takes profiles", async () => {
  await withCli(CONFIG, async (cli) => {
    await Deno.mkdir(join(cli.home, ".aws"), { recursive: true });
    await Deno.writeTextFile(
      join(cli.home, ".aws", "config"),
      "[profile dev]\ncredential_process = aws-oidc auth alias --no-cache\nregion = eu-west-2\n",
    );
    const session = openSession({ name: "dev", profiles: true, globals: {} }, cli.context);
    assert.deepEqual(await session.target().then((target) => [target.provider, target.profile]), ["alias", "dev"]);
    assert.equal((await session.provider()).region, "eu-west-2");
    assert.deepEqual(await session.mode(), { noCache: true, forceLogin: undefined });
  });
});
