import assert from "node:assert/strict";
import {
  CACHE_VERSION,
  cacheFileName,
  type CacheKey,
  type CredentialKey,
  type TokenKey,
} from "../../src/cache/keys.ts";

const tokens: TokenKey = { kind: "tokens", issuer: "https://idp.example.com", clientId: "client-1" };
const credentials: CredentialKey = {
  kind: "credentials",
  issuer: "https://idp.example.com",
  clientId: "client-1",
  roleArn: "arn:aws:iam::123456789012:role/Dev",
  duration: 3600,
  region: "eu-west-1",
};

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

Deno.test("the file name is the kind and the first 32 hex digits of SHA-256 of the sorted, versioned key", async () => {
  assert.equal(CACHE_VERSION, 1);
  const expected = await sha256Hex(
    '{"clientId":"client-1","issuer":"https://idp.example.com","kind":"tokens","v":1}',
  );
  assert.equal(await cacheFileName(tokens), `tokens-${expected.slice(0, 32)}.json`);

  const chained = { ...credentials, chain: ["arn:aws:iam::1:role/B", "arn:aws:iam::1:role/A"] };
  const expectedChained = await sha256Hex(
    '{"chain":["arn:aws:iam::1:role/B","arn:aws:iam::1:role/A"],"clientId":"client-1","duration":3600,' +
      '"issuer":"https://idp.example.com","kind":"credentials","region":"eu-west-1",' +
      '"roleArn":"arn:aws:iam::123456789012:role/Dev","v":1}',
  );
  assert.equal(await cacheFileName(chained), `credentials-${expectedChained.slice(0, 32)}.json`);
});

Deno.test("field order does not change the name, and the same values give the same name", async () => {
  const reordered: CredentialKey = {
    region: "eu-west-1",
    duration: 3600,
    roleArn: "arn:aws:iam::123456789012:role/Dev",
    clientId: "client-1",
    issuer: "https://idp.example.com",
    kind: "credentials",
  };
  assert.equal(await cacheFileName(reordered), await cacheFileName(credentials));
  assert.equal(await cacheFileName({ ...tokens }), await cacheFileName(tokens));
  assert.equal(await cacheFileName({ ...credentials, sessionName: undefined }), await cacheFileName(credentials));
  assert.match(await cacheFileName(credentials), /^credentials-[0-9a-f]{32}\.json$/);
});

Deno.test("different kinds and values give different names", async () => {
  const variants: CacheKey[] = [
    tokens,
    { ...tokens, issuer: "https://other.example.com" },
    { ...tokens, clientId: "client-2" },
    credentials,
    { ...credentials, issuer: "https://other.example.com" },
    { ...credentials, clientId: "client-2" },
    { ...credentials, roleArn: "arn:aws:iam::123456789012:role/Prod" },
    { ...credentials, duration: 900 },
    { ...credentials, region: "us-east-1" },
    { ...credentials, sessionName: "alice" },
    { ...credentials, chain: ["arn:aws:iam::1:role/A"] },
    { ...credentials, chain: ["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"] },
    { ...credentials, chain: ["arn:aws:iam::1:role/B", "arn:aws:iam::1:role/A"] },
  ];
  const names = await Promise.all(variants.map((key) => cacheFileName(key)));
  assert.equal(new Set(names).size, variants.length);
});
