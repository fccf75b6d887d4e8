import assert from "node:assert/strict";
import { cleanSessionName, roleSessionName } from "../../src/aws/session_name.ts";
import type { IdTokenClaims } from "../../src/oidc/mod.ts";

const base: IdTokenClaims = { iss: "https://idp", sub: "248289761001", exp: 0 };

Deno.test("email, else preferred_username, else sub; session_name_claim overrides", () => {
  assert.equal(
    roleSessionName({ ...base, email: "jane.doe@example.com", preferred_username: "jane" }),
    "jane.doe@example.com",
  );
  assert.equal(roleSessionName({ ...base, preferred_username: "jane" }), "jane");
  assert.equal(roleSessionName(base), "248289761001");
  assert.equal(roleSessionName({ ...base, email: "a@b.c", upn: "jdoe" }, "upn"), "jdoe");
  assert.equal(roleSessionName({ ...base, email: "a@b.c" }, "missing"), "248289761001");
});

Deno.test("cleaned to [\\w+=,.@-]{2,64}", () => {
  assert.equal(cleanSessionName("Jane Doe/ops:admin"), "Jane-Doe-ops-admin");
  assert.equal(cleanSessionName("x"), "x-");
  assert.equal(cleanSessionName("é".repeat(100)).length, 64);
  assert.match(cleanSessionName("ü ñ 中文 <script>"), /^[\w+=,.@-]{2,64}$/);
});
