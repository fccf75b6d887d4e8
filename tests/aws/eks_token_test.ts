/** The EKS token: what `aws eks get-token` and aws-iam-authenticator put in it, signed by the SDK's signer. */
import assert from "node:assert/strict";
import { presignEksToken } from "../../src/aws/eks_token.ts";
import { defaultStsEndpoint } from "../../src/config/partition.ts";
import { tokenUrl } from "../helpers/eks_token.ts";

const CREDENTIALS = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE01",
  secretAccessKey: "secret/with+base64=chars",
  sessionToken: "IQoJb3JpZ2luX2VjE+session/token==",
  expiration: "2030-01-01T12:00:00Z",
};
const NOW = new Date("2030-01-01T10:00:00.123Z");

Deno.test("eks token: a GetCallerIdentity URL for the regional STS endpoint, x-k8s-aws-id signed, 60 s, 14 minutes", async () => {
  const { token, expiresAt } = await presignEksToken({
    clusterName: "prod",
    region: "eu-west-1",
    credentials: CREDENTIALS,
    now: NOW,
  });
  const url = tokenUrl(token);
  assert.equal(url.origin, "https://sts.eu-west-1.amazonaws.com");
  assert.equal(url.pathname, "/");
  const params = Object.fromEntries(url.searchParams);
  assert.equal(params.Action, "GetCallerIdentity");
  assert.equal(params.Version, "2011-06-15");
  assert.equal(params["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
  assert.equal(params["X-Amz-Credential"], "ASIAEXAMPLEEXAMPLE01/20300101/eu-west-1/sts/aws4_request");
  assert.equal(params["X-Amz-Date"], "20300101T100000Z");
  assert.equal(params["X-Amz-Expires"], "60");
  assert.equal(params["X-Amz-SignedHeaders"], "host;x-k8s-aws-id");
  assert.equal(params["X-Amz-Security-Token"], CREDENTIALS.sessionToken, "survives the query string intact");
  assert.match(params["X-Amz-Signature"], /^[0-9a-f]{64}$/);
  assert.equal(expiresAt.toISOString(), "2030-01-01T10:14:00.123Z");
  assert.equal(url.search.includes("+"), false, "percent-encoded, never a + for a space");
});

Deno.test("eks token: another cluster, region or endpoint signs differently; credentials expiring sooner cap the expiry", async () => {
  const base = { clusterName: "prod", region: "eu-west-1", credentials: CREDENTIALS, now: NOW };
  const signature = async (overrides: Partial<typeof base> & { endpoint?: string }) =>
    tokenUrl((await presignEksToken({ ...base, ...overrides })).token).searchParams.get("X-Amz-Signature");
  const prod = await signature({});
  assert.equal(await signature({}), prod, "deterministic for one signing time");
  assert.notEqual(await signature({ clusterName: "staging" }), prod);
  assert.notEqual(await signature({ region: "eu-west-2" }), prod);
  assert.notEqual(await signature({ endpoint: "http://127.0.0.1:4566" }), prod);

  const local = await presignEksToken({ ...base, endpoint: "http://127.0.0.1:4566" });
  assert.equal(tokenUrl(local.token).origin, "http://127.0.0.1:4566", "sts_endpoint is where the token points");
  const china = await presignEksToken({ ...base, region: "cn-north-1" });
  assert.equal(tokenUrl(china.token).host, "sts.cn-north-1.amazonaws.com.cn");
  const short = await presignEksToken({ ...base, credentials: { ...CREDENTIALS, expiration: "2030-01-01T10:05:00Z" } });
  assert.equal(short.expiresAt.toISOString(), "2030-01-01T10:05:00.000Z");
});

Deno.test("defaultStsEndpoint: each partition's domain", () => {
  assert.equal(defaultStsEndpoint("us-east-1"), "https://sts.us-east-1.amazonaws.com");
  assert.equal(defaultStsEndpoint("us-gov-west-1"), "https://sts.us-gov-west-1.amazonaws.com");
  assert.equal(defaultStsEndpoint("cn-northwest-1"), "https://sts.cn-northwest-1.amazonaws.com.cn");
  assert.equal(defaultStsEndpoint("eusc-de-east-1"), "https://sts.eusc-de-east-1.amazonaws.eu");
});
