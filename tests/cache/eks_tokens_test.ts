/** When a cached EKS token may be served, and what its fast index fingerprint covers. */
import assert from "node:assert/strict";
import { eksIndexName, type EksTokenEntry, servableEksToken } from "../../src/cache/eks_tokens.ts";
import type { CredentialEntry, TokenEntry } from "../../src/cache/entries.ts";

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
const CREDENTIALS = {
  accessKeyId: "ASIAONE",
  sub: "alice",
  expiration: "2030-01-01T11:00:00Z",
} as CredentialEntry;
const TOKENS = { sub: "alice" } as TokenEntry;
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
