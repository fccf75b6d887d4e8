import assert from "node:assert/strict";
import { authArgumentsOf, parseAwsConfig } from "../../src/aws/profiles.ts";

const CONFIG = `# my setup
[default]
region = us-east-1
credential_process = aws-oidc auth google

[profile engineer]
credential_process = /usr/local/bin/aws-oidc auth onelogin --role_arn=arn:aws:iam::0123456789012:role/your-role-name --duration 7200
region=eu-west-2
s3 =
  max_concurrent_requests = 20

[sso-session corp]
sso_region = us-east-1

[profile other]
credential_process = some-other-tool get
`;

const isSelf = (word: string) => /(^|\/)aws-oidc(\.exe)?$/.test(word);

Deno.test("profiles: default, named, nested settings skipped, sso-session ignored", () => {
  const profiles = parseAwsConfig(CONFIG);
  assert.deepEqual([...profiles.keys()], ["default", "engineer", "other"]);
  assert.equal(profiles.get("engineer")!.region, "eu-west-2");
  assert.equal(profiles.get("engineer")!.max_concurrent_requests, undefined);
});

Deno.test("the auth arguments of the seed's credential_process lines", () => {
  const profiles = parseAwsConfig(CONFIG);
  assert.deepEqual(authArgumentsOf(profiles.get("default")!.credential_process, isSelf), ["google"]);
  assert.deepEqual(authArgumentsOf(profiles.get("engineer")!.credential_process, isSelf), [
    "onelogin",
    "--role_arn=arn:aws:iam::0123456789012:role/your-role-name",
    "--duration",
    "7200",
  ]);
  assert.equal(authArgumentsOf(profiles.get("other")!.credential_process, isSelf), undefined);
});
