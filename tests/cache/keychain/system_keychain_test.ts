/**
 * The round trip through this machine's real keychain, on an item of its own
 * (`aws-oidc-test`, never the person's): on macOS the login keychain through
 * /usr/bin/security, on Windows DPAPI through PowerShell (the release
 * workflow runs this on both), on Linux `secret-tool` against a private
 * gnome-keyring (never the Secret Service of the person running the tests).
 */
import assert from "node:assert/strict";
import { runTool, systemKeychain } from "../../../src/cache/keychain/mod.ts";
import { type Keyring, startKeyring } from "../../helpers/keyring.ts";
import { newDataKeyText } from "../../../src/cache/sealed.ts";

Deno.test({
  name: "the system keychain: write, read back, replace, remove",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "aws-oidc-keychain-" });
    const keyring: Keyring | undefined = Deno.build.os === "linux" ? await startKeyring({ unlocked: true }) : undefined;
    const keychain = systemKeychain({
      dir,
      service: "aws-oidc-test",
      run: keyring ? (program, args, stdin) => runTool(program, args, stdin, keyring.env) : undefined,
    });
    try {
      await keychain.remove();
      assert.equal(await keychain.read(), undefined);
      const first = newDataKeyText();
      await keychain.write(first);
      assert.equal(await keychain.read(), first);
      const second = newDataKeyText();
      await keychain.write(second);
      assert.equal(await keychain.read(), second, "write replaces");
      assert.equal(await keychain.remove(), true);
      assert.equal(await keychain.read(), undefined);
    } finally {
      await keychain.remove().catch(() => {});
      await keyring?.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
