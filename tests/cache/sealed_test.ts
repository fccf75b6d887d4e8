import assert from "node:assert/strict";
import { importDataKey, isSealed, newDataKeyText, sealEntry, unsealEntry } from "../../src/cache/sealed.ts";
import type { TokenEntry } from "../../src/cache/entries.ts";
import { isTokenEntry } from "../../src/cache/entries.ts";

const NAME = "tokens-0123456789abcdef0123456789abcdef.json";
const ENTRY: TokenEntry = {
  issuer: "https://idp.example",
  clientId: "client",
  idToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.sig",
  idTokenExpiresAt: 2_000_000_000,
  sub: "user-1",
  aud: ["client"],
  claims: { email: "u@example.com" },
  accessToken: "access-secret",
  refreshToken: "refresh-secret",
  loggedInAt: 1_900_000_000,
};

Deno.test("a sealed entry keeps no token in the clear, keeps a token entry's shape, and opens with its key", async () => {
  const key = await importDataKey(newDataKeyText(), "secret-service");
  const sealed = await sealEntry(NAME, ENTRY, key);
  const text = JSON.stringify(sealed);
  for (const secret of ["access-secret", "refresh-secret", ENTRY.idToken!]) assert.ok(!text.includes(secret));
  assert.ok(isSealed(sealed) && isTokenEntry(sealed), "the fast path still reads the subject");
  assert.equal(sealed.sub, "user-1");
  assert.deepEqual(await unsealEntry(NAME, sealed as never, key), ENTRY);
});

Deno.test("another data key cannot open a sealed entry, nor can the same key once the box moved or the identity changed", async () => {
  const key = await importDataKey(newDataKeyText(), "secret-service");
  const other = await importDataKey(newDataKeyText(), "secret-service");
  const sealed = await sealEntry(NAME, ENTRY, key) as never as Record<string, unknown> & { sealed: never };
  await assert.rejects(unsealEntry(NAME, sealed, other), DOMException);
  // The same key bytes under another identity: the key id is bound as additional data.
  const [, , , bytes] = newDataKeyText().split(":");
  const sameBytes = await importDataKey(`aws-oidc-key:v1:${"0".repeat(16)}:${bytes}`, "secret-service");
  await assert.rejects(unsealEntry(NAME, sealed, sameBytes), DOMException);
  await assert.rejects(unsealEntry(NAME.replace("0123", "3210"), sealed, key), DOMException, "moved to another file");
  await assert.rejects(unsealEntry(NAME, { ...sealed, sub: "user-2" }, key), DOMException, "another subject");
  await assert.rejects(unsealEntry(NAME, sealed, { ...key, keychain: "macos-keychain" }), DOMException);
});

Deno.test("a data key's text is 32 random bytes with a random id; anything else is refused", async () => {
  const text = newDataKeyText();
  assert.match(text, /^aws-oidc-key:v1:[0-9a-f]{16}:[\w-]{43}$/);
  assert.notEqual(text, newDataKeyText());
  await assert.rejects(importDataKey("not a key", "secret-service"), /not a data key aws-oidc wrote/);
});
