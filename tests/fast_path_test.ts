import assert from "node:assert/strict";
import { parseFastAuthArgs } from "../src/fast_path.ts";

Deno.test("the fast path understands the seed's auth lines", () => {
  assert.deepEqual(parseFastAuthArgs(["google"]), { name: "google", flags: {} });
  assert.deepEqual(
    parseFastAuthArgs(["onelogin", "--role_arn=arn:aws:iam::0123456789012:role/your-role-name", "--duration", "7200"]),
    { name: "onelogin", flags: { role_arn: "arn:aws:iam::0123456789012:role/your-role-name", duration: "7200" } },
  );
  assert.deepEqual(
    parseFastAuthArgs(["g", "--config=/x", "--node-local-cache", "/tmp/c", "--scope", "a", "--scope=b"]),
    {
      name: "g",
      flags: { scopes: ["a", "b"] },
      config: "/x",
      nodeLocalCache: "/tmp/c",
    },
  );
});

Deno.test("anything else is left to the full CLI", () => {
  for (
    const args of [
      [],
      ["--help"],
      ["google", "--no-cache"],
      ["google", "--force-login"],
      ["google", "--debug"],
      ["google", "--bogus", "x"],
      ["google", "--duration"],
      ["google", "positional"],
    ]
  ) {
    assert.equal(parseFastAuthArgs(args), undefined, args.join(" "));
  }
});
