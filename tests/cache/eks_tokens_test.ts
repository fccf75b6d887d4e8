/** When a cached EKS token may be served, and what its fast index fingerprint covers. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { eksIndexName, type EksTokenEntry, getEksToken, servableEksToken } from "../../src/cache/eks_tokens.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import type { CredentialEntry, TokenEntry } from "../../src/cache/entries.ts";
import { removing } from "../helpers/dispose.ts";

const NOW = Date.parse("2030-01-01T10:00:00Z");
const V1 = "client.authentication.k8s.io/v1";
const ENTRY: EksTokenEntry = {
  credentials: "credentials-0123.json",
  cluster: "prod",
  region: "eu-west-1",
  apiVersion: V1,
  accessKeyId: "ASIAONE",
  token: "k8s-aws-v1.abc",
  expiresAt: "2030-01-01T10:10:00.000Z",
};
const CREDENTIALS: CredentialEntry = {
  provider: "google",
  issuer: "https://idp.example",
  clientId: "client",
  roleArn: "arn:aws:iam::123456789012:role/one",
  region: "eu-west-1",
  duration: 3600,
  sub: "alice",
  sessionName: "alice",
  accessKeyId: "ASIAONE",
  secretAccessKey: "secret",
  sessionToken: "session",
  expiration: "2030-01-01T11:00:00Z",
};
const TOKENS: TokenEntry = {
  issuer: "https://idp.example",
  clientId: "client",
  idTokenExpiresAt: 0,
  sub: "alice",
  aud: ["client"],
  claims: {},
  accessToken: "access",
  loggedInAt: 0,
};
const REQUEST = { cluster: "prod", apiVersion: V1 };

Deno.test("servableEksToken: served while the signing session is the cached one and more than a minute remains", () => {
  const serve = (
    entry: Partial<EksTokenEntry> = {},
    session: { credentials?: Partial<CredentialEntry>; tokens?: Partial<TokenEntry> } = {},
    request: Partial<typeof REQUEST> = {},
    now = NOW,
  ) =>
    servableEksToken(
      { ...ENTRY, ...entry },
      {
        credentials: session.credentials === undefined ? CREDENTIALS : { ...CREDENTIALS, ...session.credentials },
        tokens: session.tokens === undefined ? TOKENS : { ...TOKENS, ...session.tokens },
      },
      { ...REQUEST, ...request },
      now,
    );
  assert.equal(serve()?.token, "k8s-aws-v1.abc");
  assert.equal(serve({}, {}, {}, Date.parse("2030-01-01T10:08:59Z"))?.token, "k8s-aws-v1.abc");
  assert.equal(serve({}, {}, {}, Date.parse("2030-01-01T10:09:00Z")), undefined, "a minute left: sign anew");
  assert.equal(serve({ expiresAt: "garbage" }), undefined);
  assert.equal(serve({}, { credentials: { accessKeyId: "ASIATWO" } }), undefined, "new credentials since");
  assert.equal(serve({}, { tokens: { sub: "mallory" } }), undefined, "another identity logged in");
  assert.equal(serve({}, { credentials: { expiration: "2030-01-01T10:00:30Z" } }), undefined, "credentials expiring");
  assert.equal(serve({}, {}, { cluster: "staging" }), undefined);
  assert.equal(serve({}, {}, { apiVersion: "client.authentication.k8s.io/v1beta1" }), undefined);
  assert.equal(servableEksToken(ENTRY, { tokens: TOKENS }, REQUEST, NOW), undefined, "logged out: no credentials");
  assert.equal(servableEksToken(ENTRY, { credentials: CREDENTIALS }, REQUEST, NOW), undefined, "no tokens");
  assert.equal(servableEksToken(undefined, { credentials: CREDENTIALS, tokens: TOKENS }, REQUEST, NOW), undefined);
});

Deno.test("eksIndexName: changes with the arguments, API version, config, AWS config and environment", () => {
  const env: Record<string, string> = { HOME: "/home/me", PATH: "/bin" };
  const config = { path: "/c", text: 'region = "us-east-1"\n' };
  const awsConfig = { path: "/a", text: "[profile p]\n" };
  const name = (
    args = ["p", "--cluster-name", "prod"],
    options: { api?: string; config?: typeof config; aws?: typeof awsConfig; env?: Record<string, string> } = {},
  ) =>
    eksIndexName(
      args,
      { config: options.config ?? config, awsConfig: options.aws ?? awsConfig },
      options.api ?? V1,
      (key) => ({ ...env, ...options.env })[key],
    );
  const base = name();
  assert.match(base, /^fastpath-[0-9a-f]{16}\.json$/);
  assert.equal(name(undefined, { env: { PATH: "/usr/bin" } }), base);
  assert.notEqual(name(["p", "--cluster-name", "staging"]), base);
  assert.notEqual(name(undefined, { api: "client.authentication.k8s.io/v1beta1" }), base);
  assert.notEqual(name(undefined, { config: { ...config, text: 'region = "eu-west-1"\n' } }), base);
  assert.notEqual(name(undefined, { aws: { ...awsConfig, text: "[profile p]\nregion = eu-west-1\n" } }), base);
  assert.notEqual(name(undefined, { aws: { ...awsConfig, path: "/b" } }), base);
  assert.notEqual(name(undefined, { env: { AWS_REGION: "eu-west-1" } }), base);
});

Deno.test("getEksToken: signs on a miss and stores; serves the stored token; --no-cache and new credentials sign anew", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-eks-cache-" });
  await using _dir = removing(dir);
  const store = await openCacheStore(join(dir, "cache"));
  const credentialsFile = "credentials-0123.json";
  let now = NOW;
  let credentials = { ...CREDENTIALS, accessKeyId: "ASIAONE" };
  await store.write(credentialsFile, { ...credentials });
  await store.write("tokens-0123.json", { ...TOKENS });
  const signed: string[] = [];
  const source = {
    store,
    tokensFile: "tokens-0123.json",
    credentials: () => Promise.resolve(credentials),
    sign: (signer: CredentialEntry) => {
      signed.push(signer.accessKeyId);
      return Promise.resolve({ token: `k8s-aws-v1.${signed.length}`, expiresAt: new Date(now + 14 * 60_000) });
    },
    now: () => now,
  };
  const request = {
    credentials: credentialsFile,
    cluster: "prod",
    region: "eu-west-1",
    endpoint: "e",
    apiVersion: V1,
  };
  const first = await getEksToken(request, source);
  assert.equal(first.entry.token, "k8s-aws-v1.1");
  assert.match(first.file, /^eks-token-[0-9a-f]{32}\.json$/);
  assert.equal((await getEksToken(request, source)).entry.token, "k8s-aws-v1.1", "from the cache");
  assert.equal((await getEksToken({ ...request, cluster: "staging" }, source)).entry.token, "k8s-aws-v1.2");
  assert.equal((await getEksToken(request, source, { noCache: true })).entry.token, "k8s-aws-v1.3");
  assert.equal((await getEksToken(request, source)).entry.token, "k8s-aws-v1.3", "the --no-cache result was stored");

  credentials = { ...credentials, accessKeyId: "ASIATWO" };
  await store.write(credentialsFile, { ...credentials });
  assert.equal((await getEksToken(request, source)).entry.token, "k8s-aws-v1.4", "signed by other credentials");
  now += 13 * 60_000 + 1;
  assert.equal((await getEksToken(request, source)).entry.token, "k8s-aws-v1.5", "less than a minute left");
  assert.deepEqual(signed, ["ASIAONE", "ASIAONE", "ASIAONE", "ASIATWO", "ASIATWO"]);
});
