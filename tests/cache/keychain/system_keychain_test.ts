/**
 * The round trip through this machine's real keychain, on an item of its own
 * (`aws-oidc-test`, never the person's): on macOS the login keychain through
 * /usr/bin/security, on Windows DPAPI through PowerShell (the release
 * workflow runs this on both). Linux's Secret Service is exercised end to end
 * against a private gnome-keyring in tests/e2e/keychain_test.ts, whatever
 * session the person running the tests has.
 */
import assert from "node:assert/strict";
import { systemKeychain } from "../../../src/cache/keychain/mod.ts";
import { newDataKeyText } from "../../../src/cache/sealed.ts";

Deno.test({
  name: "the system keychain (macOS, Windows): write, read back, replace, remove",
  ignore: Deno.build.os === "linux",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "aws-oidc-keychain-" });
    const keychain = systemKeychain({ dir, service: "aws-oidc-test" });
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
      await Deno.remove(dir, { recursive: true });
    }
  },
});
