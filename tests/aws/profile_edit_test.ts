/** Adding or updating a profile in ~/.aws/config as text: everything else stays byte for byte. */
import assert from "node:assert/strict";
import { upsertProfile } from "../../src/aws/profile_edit.ts";
import { parseAwsConfig } from "../../src/aws/profiles.ts";
import { AwsOidcError } from "../../src/errors.ts";

const AWS_CONFIG = `; managed partly by hand
[default]
region = eu-west-1

[profile okta]
# the old way
credential_process = other-tool okta
output = json
s3 =
  max_concurrent_requests = 20

[sso-session corp]
sso_region = us-east-1
`;

Deno.test("upsertProfile: a new profile is appended, the rest byte for byte", () => {
  const settings = { credential_process: "aws-oidc auth work", region: "us-east-2" };
  const { text, existed } = upsertProfile(AWS_CONFIG, "work", settings);
  assert.equal(existed, false);
  assert.equal(text, `${AWS_CONFIG}\n[profile work]\ncredential_process = aws-oidc auth work\nregion = us-east-2\n`);
  assert.deepEqual(parseAwsConfig(text).get("work"), settings);
  assert.equal(
    upsertProfile("", "default", settings).text,
    "[default]\ncredential_process = aws-oidc auth work\nregion = us-east-2\n",
  );
  assert.ok(
    upsertProfile("[default]\nregion = x", "a", settings).text.startsWith("[default]\nregion = x\n\n[profile a]\n"),
  );
});

Deno.test("upsertProfile: an existing profile has those keys replaced in place, new ones after its last setting", () => {
  const { text, existed } = upsertProfile(AWS_CONFIG, "okta", {
    credential_process: "aws-oidc auth okta",
    region: "us-east-1",
  });
  assert.equal(existed, true);
  assert.equal(
    text,
    AWS_CONFIG.replace("credential_process = other-tool okta", "credential_process = aws-oidc auth okta")
      .replace("  max_concurrent_requests = 20\n", "  max_concurrent_requests = 20\nregion = us-east-1\n"),
  );
  const crlf = AWS_CONFIG.replaceAll("\n", "\r\n");
  const edited = upsertProfile(crlf, "default", { region: "ap-south-1" });
  assert.equal(edited.text, crlf.replace("region = eu-west-1", "region = ap-south-1"));
});

Deno.test("upsertProfile: an appended profile that would not read back is refused", () => {
  const injected = { credential_process: "aws-oidc auth work\n[profile work]\ncredential_process = evil" };
  assert.throws(() => upsertProfile(AWS_CONFIG, "work", injected), (error) => {
    assert.ok(error instanceof AwsOidcError);
    assert.match(error.message, /^Profile "work" would not read back its credential_process after the edit$/);
    return true;
  });
  assert.throws(() => upsertProfile("", "x]\n[profile y", { region: "us-east-1" }), AwsOidcError);
  assert.throws(() => upsertProfile(AWS_CONFIG, "okta", { region: "a\nb" }), AwsOidcError);
});

Deno.test("upsertProfile: each line keeps its own line ending in a mixed LF/CRLF file", () => {
  const mixed = "[default]\r\nregion = eu-west-1\n\n[profile okta]\r\ncredential_process = old\r\noutput = json\n";
  const settings = { credential_process: "aws-oidc auth okta", region: "us-east-2" };
  const updated = upsertProfile(mixed, "okta", settings);
  assert.equal(
    updated.text,
    "[default]\r\nregion = eu-west-1\n\n[profile okta]\r\ncredential_process = aws-oidc auth okta\r\n" +
      "output = json\nregion = us-east-2\r\n",
  );
  const appended = upsertProfile(mixed, "work", settings);
  assert.equal(
    appended.text,
    `${mixed}\r\n[profile work]\r\ncredential_process = aws-oidc auth okta\r\nregion = us-east-2\r\n`,
  );
  assert.equal(
    upsertProfile("[default]\nregion = x", "default", { output: "json" }).text,
    "[default]\nregion = x\noutput = json\n",
  );
});
