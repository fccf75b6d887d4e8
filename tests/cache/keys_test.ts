import assert from "node:assert/strict";
import {
  CACHE_VERSION,
  cacheFileKind,
  cacheFileName,
  type CacheKey,
  type CredentialKey,
  type TokenKey,
} from "../../src/cache/keys.ts";
import { fastIndexName } from "../../src/cache/fast_index.ts";

const tokens: TokenKey = {
  kind: "tokens",
  issuer: "https://idp.example.com",
  clientId: "client-1",
  clientAuth: "none",
  flow: "browser",
  scopes: ["openid"],
  authParams: {},
  token: "id_token",
};
const { kind: _kind, ...tokenIdentity } = tokens;
const credentials: CredentialKey = {
  kind: "credentials",
  tokens: tokenIdentity,
  roleArn: "arn:aws:iam::123456789012:role/Dev",
  chain: [],
  duration: 3600,
  region: "eu-west-1",
  partition: "aws",
  endpoint: "https://sts.eu-west-1.amazonaws.com",
};

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

Deno.test("the file name is the kind and the first 32 hex digits of SHA-256 of the sorted, versioned key", async () => {
  assert.equal(CACHE_VERSION, 2);
  const expected = await sha256Hex(
    '{"authParams":{},"clientAuth":"none","clientId":"client-1","flow":"browser","issuer":"https://idp.example.com",' +
      '"kind":"tokens","scopes":["openid"],"token":"id_token","v":2}',
  );
  assert.equal(await cacheFileName(tokens), `tokens-${expected.slice(0, 32)}.json`);
});

Deno.test("field order does not change the name, and the same values give the same name", async () => {
  const reordered: CredentialKey = {
    endpoint: "https://sts.eu-west-1.amazonaws.com",
    partition: "aws",
    region: "eu-west-1",
    duration: 3600,
    chain: [],
    roleArn: "arn:aws:iam::123456789012:role/Dev",
    tokens: { ...tokenIdentity, token: "id_token", issuer: "https://idp.example.com" },
    kind: "credentials",
  };
  assert.equal(await cacheFileName(reordered), await cacheFileName(credentials));
  assert.equal(await cacheFileName({ ...tokens }), await cacheFileName(tokens));
  assert.equal(await cacheFileName({ ...credentials, sessionName: undefined }), await cacheFileName(credentials));
  assert.match(await cacheFileName(credentials), /^credentials-[0-9a-f]{32}\.json$/);
});

Deno.test("different kinds and values give different names", async () => {
  const inTokens = (change: Partial<TokenKey>): CredentialKey => ({
    ...credentials,
    tokens: { ...tokenIdentity, ...change },
  });
  const variants: CacheKey[] = [
    tokens,
    { ...tokens, issuer: "https://other.example.com" },
    { ...tokens, clientId: "client-2" },
    { ...tokens, clientAuth: "client_secret" },
    { ...tokens, clientAuth: "private_key_jwt" },
    { ...tokens, flow: "device" },
    { ...tokens, scopes: ["groups", "openid"] },
    { ...tokens, authParams: { resource: "https://api.example" } },
    { ...tokens, token: "access_token" },
    credentials,
    inTokens({ issuer: "https://other.example.com" }),
    inTokens({ clientId: "client-2" }),
    inTokens({ authParams: { audience: "x" } }),
    { ...credentials, roleArn: "arn:aws:iam::123456789012:role/Prod" },
    { ...credentials, duration: 900 },
    { ...credentials, region: "us-east-1" },
    { ...credentials, partition: "aws-cn" },
    { ...credentials, endpoint: "http://127.0.0.1:4566" },
    { ...credentials, sessionName: "alice" },
    { ...credentials, chain: ["arn:aws:iam::1:role/A"] },
    { ...credentials, chain: ["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"] },
    { ...credentials, chain: ["arn:aws:iam::1:role/B", "arn:aws:iam::1:role/A"] },
  ];
  const names = await Promise.all(variants.map((key) => cacheFileName(key)));
  assert.equal(new Set(names).size, variants.length);
});

Deno.test("a cache file's kind is read back from the name it was given", async () => {
  const eks: CacheKey = {
    kind: "eks-token",
    credentials: "credentials-0.json",
    cluster: "prod",
    region: "eu-west-1",
    endpoint: "https://sts.eu-west-1.amazonaws.com",
    apiVersion: "client.authentication.k8s.io/v1",
  };
  for (const key of [tokens, credentials, eks]) assert.equal(cacheFileKind(await cacheFileName(key)), key.kind);
  assert.equal(cacheFileKind(fastIndexName(["google"], "/c", "", () => undefined)), "fastpath");
  assert.equal(cacheFileKind("keychain-notice.json"), "other");
  assert.equal(cacheFileKind("aws-credentials.lock"), "other");
});
