/** doctor's cache check on real directories: the mode it reports is the directory's own. */
import assert from "node:assert/strict";
import { checkCache } from "../../src/doctor/cache.ts";

Deno.test("checkCache: a private directory is reported with its actual mode", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/tokens-1.json`, "{}", { mode: 0o600 });
    await Deno.chmod(dir, 0o500);
    const [result] = await checkCache((name) => name === "AWS_OIDC_CACHE_DIR" ? dir : undefined);
    assert.equal(result.status, "ok");
    assert.equal(result.message, `Cache directory "${dir}" is private (mode 0500)`);
  } finally {
    await Deno.chmod(dir, 0o700);
    await Deno.remove(dir, { recursive: true });
  }
});
