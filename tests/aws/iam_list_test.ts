/** The trust-policy matcher, and ListRoles through the SDK against the IAM stand-in. */
import assert from "node:assert/strict";
import {
  audienceClaim,
  claimConditions,
  globMatches,
  type IamRole,
  listRoles,
  matchRole,
  parseTrustPolicy,
} from "../../src/aws/iam_list.ts";
import { AwsOidcError } from "../../src/errors.ts";
import { IAM_TEST_KEYS, startIam } from "../fixtures/iam.ts";

const CLAIM = "accounts.google.com:aud";
const FEDERATED = { Federated: "arn:aws:iam::123456789012:oidc-provider/accounts.google.com" };

function statement(condition: unknown, overrides: Record<string, unknown> = {}) {
  return {
    Effect: "Allow",
    Principal: FEDERATED,
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: condition,
    ...overrides,
  };
}

/** A role whose trust policy is `statements`, URL-encoded as IAM returns it. */
function role(name: string, statements: unknown): IamRole {
  return {
    roleName: name,
    arn: `arn:aws:iam::123456789012:role/${name}`,
    assumeRolePolicyDocument: encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: statements })),
  };
}

function matched(statements: unknown, clientId = "client-1") {
  return matchRole(role("r", statements), { claim: CLAIM, clientId })?.conditions.map((c) =>
    `${c.operator}=${c.value}`
  );
}

Deno.test("audienceClaim: the issuer without scheme and trailing slash, then :aud", () => {
  assert.equal(audienceClaim("https://accounts.google.com"), "accounts.google.com:aud");
  assert.equal(audienceClaim("https://example.okta.com/oauth2/default/"), "example.okta.com/oauth2/default:aud");
  assert.equal(audienceClaim("http://127.0.0.1:8080/realms/x"), "127.0.0.1:8080/realms/x:aud");
});

Deno.test("parseTrustPolicy: URL-encoded (as IAM returns it) or plain JSON; garbage is undefined", () => {
  const policy = { Version: "2012-10-17", Statement: [] };
  assert.deepEqual(parseTrustPolicy(encodeURIComponent(JSON.stringify(policy))), policy);
  assert.deepEqual(parseTrustPolicy(JSON.stringify(policy)), policy);
  assert.equal(parseTrustPolicy("%E0%A4%A"), undefined);
  assert.equal(parseTrustPolicy("[1]"), undefined);
});

Deno.test("StringEquals: a single value, an array, and a statement object instead of an array", () => {
  assert.deepEqual(matched([statement({ StringEquals: { [CLAIM]: "client-1" } })]), ["StringEquals=client-1"]);
  assert.deepEqual(
    matched([statement({ StringEquals: { [CLAIM]: ["client-0", "client-1"] } })]),
    ["StringEquals=client-1"],
  );
  assert.deepEqual(matched(statement({ StringEquals: { [CLAIM]: "client-1" } })), ["StringEquals=client-1"]);
  assert.equal(matched([statement({ StringEquals: { [CLAIM]: "client-2" } })]), undefined);
  // Values compare case-sensitively, keys do not.
  assert.equal(matched([statement({ StringEquals: { [CLAIM]: "CLIENT-1" } })]), undefined);
  assert.deepEqual(
    matched([statement({ StringEquals: { "Accounts.Google.COM:AUD": "client-1" } })]),
    ["StringEquals=client-1"],
  );
});

Deno.test("StringLike: * and ? globs, and the ForAnyValue:/ForAllValues: forms", () => {
  assert.deepEqual(matched([statement({ StringLike: { [CLAIM]: "client-*" } })]), ["StringLike=client-*"]);
  assert.deepEqual(matched([statement({ StringLike: { [CLAIM]: "client-?" } })]), ["StringLike=client-?"]);
  assert.equal(matched([statement({ StringLike: { [CLAIM]: "client-??" } })]), undefined);
  assert.equal(matched([statement({ StringLike: { [CLAIM]: "other-*" } })]), undefined);
  assert.deepEqual(
    matched([statement({ "ForAnyValue:StringLike": { [CLAIM]: ["x", "*-1"] } })]),
    ["ForAnyValue:StringLike=*-1"],
  );
  assert.deepEqual(
    matched([statement({ "ForAllValues:StringEquals": { [CLAIM]: "client-1" } })]),
    ["ForAllValues:StringEquals=client-1"],
  );
  // StringEquals does not expand globs.
  assert.equal(matched([statement({ StringEquals: { [CLAIM]: "client-*" } })]), undefined);
  assert.ok(globMatches("a.b*", "a.bcd"));
  assert.ok(!globMatches("a.b", "axb"), "a dot is literal");
  assert.ok(globMatches("*", ""));
});

Deno.test("ignored: Deny, other actions, negated operators, other claims, unparsable policies", () => {
  const condition = { StringEquals: { [CLAIM]: "client-1" } };
  assert.equal(matched([statement(condition, { Effect: "Deny" })]), undefined);
  assert.equal(matched([statement(condition, { Action: "sts:AssumeRole" })]), undefined);
  assert.equal(matched([statement(condition, { Action: ["sts:TagSession", "sts:AssumeRole"] })]), undefined);
  assert.equal(matched([statement({ StringNotEquals: { [CLAIM]: "client-1" } })]), undefined);
  assert.equal(matched([statement({ StringEquals: { "accounts.google.com:sub": "client-1" } })]), undefined);
  assert.equal(matched([statement({ StringEquals: { "other.example:aud": "client-1" } })]), undefined);
  assert.equal(
    matchRole({ ...role("r", []), assumeRolePolicyDocument: "not json" }, { claim: CLAIM, clientId: "client-1" }),
    undefined,
  );
  // Wildcard actions, action arrays and NotAction do count.
  assert.ok(matched([statement(condition, { Action: "sts:*" })]));
  assert.ok(matched([statement(condition, { Action: "*" })]));
  assert.ok(matched([statement(condition, { Action: ["sts:TagSession", "STS:AssumeRoleWithWebIdentity"] })]));
  assert.ok(matched([statement(condition, { Action: undefined, NotAction: "sts:AssumeRole" })]));
  // An Allow next to a Deny still lists the role (Deny is not evaluated).
  assert.ok(matched([statement(condition, { Effect: "Deny" }), statement(condition)]));
});

Deno.test("without a client id every condition on the claim is reported", () => {
  const conditions = claimConditions(
    {
      Statement: [
        statement({ StringEquals: { [CLAIM]: ["a", "b"], "accounts.google.com:sub": "s" } }),
        statement({ StringLike: { [CLAIM]: "c-*" } }),
      ],
    },
    CLAIM,
  );
  assert.deepEqual(conditions, [
    { operator: "StringEquals", value: "a" },
    { operator: "StringEquals", value: "b" },
    { operator: "StringLike", value: "c-*" },
  ]);
  const anyClient = matchRole(role("r", [statement({ StringLike: { [CLAIM]: "c-*" } })]), { claim: CLAIM });
  assert.deepEqual(anyClient?.conditions, [{ operator: "StringLike", value: "c-*" }]);
});

Deno.test("listRoles: every page through the SDK, signed; refusals keep the AWS code and say what to fix", async () => {
  const roles = Array.from({ length: 5 }, (_, i) => ({
    name: `role-${i}`,
    trustPolicy: { Version: "2012-10-17", Statement: [statement({ StringEquals: { [CLAIM]: `c${i}` } })] },
  }));
  await using iam = await startIam({ roles, pageSize: 2 });
  await using denied = await startIam({ roles, denyListRoles: true });
  const pages: number[] = [];
  const listed = await listRoles({
    region: "us-east-1",
    endpoint: iam.url,
    credentials: IAM_TEST_KEYS,
    onPage: (_, count) => pages.push(count),
  });
  assert.deepEqual(listed.map((r) => r.roleName), roles.map((r) => r.name));
  assert.deepEqual(pages, [2, 2, 1]);
  assert.equal(iam.counters.listRoles, 3);
  assert.equal(iam.markers[0], null);
  assert.equal(listed[3].arn, "arn:aws:iam::123456789012:role/role-3");
  assert.deepEqual(
    matchRole(listed[3], { claim: CLAIM, clientId: "c3" })?.conditions,
    [{ operator: "StringEquals", value: "c3" }],
  );

  const refusal = async (endpoint: string, secretAccessKey: string, pattern: RegExp, hint: RegExp) => {
    const error = await listRoles({
      region: "us-east-1",
      endpoint,
      credentials: { ...IAM_TEST_KEYS, secretAccessKey },
    }).then(() => undefined, (e) => e);
    assert.ok(error instanceof AwsOidcError, String(error));
    assert.match(error.message, pattern);
    assert.match(error.hint ?? "", hint);
  };
  await refusal(iam.url, "wrong", /IAM refused ListRoles \(SignatureDoesNotMatch\)/, /secret access key/);
  await refusal(denied.url, IAM_TEST_KEYS.secretAccessKey, /\(AccessDenied\).*iam:ListRoles/, /iam:ListRoles/);

  const unsigned = await fetch(iam.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "Action=ListRoles&Version=2010-05-08",
  });
  assert.equal(unsigned.status, 403);
  assert.match(await unsigned.text(), /MissingAuthenticationToken/);
});
