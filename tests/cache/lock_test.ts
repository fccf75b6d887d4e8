import assert from "node:assert/strict";
import { join } from "node:path";
import { withLock } from "../../src/cache/lock.ts";
import { runCommand } from "../helpers/command.ts";

async function mount(...args: string[]): Promise<void> {
  const { code, stderr } = await runCommand("mount", args);
  if (code !== 0) {
    throw new Error(`mount ${args.join(" ")} failed (this test needs root): ${stderr}`);
  }
}

Deno.test("a lock beside a read-only cache falls back to a private lock directory and still excludes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-ro-lock-" });
  try {
    await mount("--bind", dir, dir);
    await mount("-o", "remount,ro,bind", dir);
    const path = join(dir, `tokens-${crypto.randomUUID().replaceAll("-", "")}.lock`);
    const order: string[] = [];
    const fallbacks: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => release = resolve);
    const options = { timeoutSeconds: 5, onFallback: (used: string) => fallbacks.push(used) };
    const first = withLock(path, options, async () => {
      order.push("first in");
      await held;
      order.push("first out");
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = withLock(path, options, () => (order.push("second in"), Promise.resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ["first in", "first out", "second in"]);
    assert.equal(fallbacks.length, 2);
    assert.match(fallbacks[0], new RegExp(`^/tmp/aws-oidc-${Deno.uid()}-locks/tokens-[0-9a-f]{32}\\.lock$`));
    assert.equal((await Deno.stat(fallbacks[0].replace(/\/[^/]+$/, ""))).mode! & 0o777, 0o700);
    await Deno.remove(fallbacks[0]);
  } finally {
    await runCommand("umount", [dir]);
    await Deno.remove(dir, { recursive: true });
  }
});
