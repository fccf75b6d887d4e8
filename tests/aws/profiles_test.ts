import assert from "node:assert/strict";
import { authArgumentsOf, parseAwsConfig } from "../../src/aws/profiles.ts";
import { AUTH_VALUE_FLAGS, parseCredentialProcess } from "../../src/aws/credential_process.ts";
import { buildProgram } from "../../src/cli/main.ts";
import { silentContext } from "../cli/test_context.ts";

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

Deno.test("regression: global options before auth in a credential_process line are kept", () => {
  const line = parseCredentialProcess(
    "/opt/bin/aws-oidc --config 'team config.toml' -q auth api --duration 7200 --no-cache",
    isSelf,
  );
  assert.deepEqual(line?.globals, { config: "team config.toml", quiet: true });
  assert.deepEqual(line?.args, ["api", "--duration", "7200", "--no-cache"]);
  assert.equal(line?.provider, "api");
  assert.equal(line?.config, "team config.toml");
  assert.equal(
    parseCredentialProcess("aws-oidc --config=a.toml auth --role x api --config b.toml", isSelf)?.config,
    "b.toml",
  );
  assert.equal(parseCredentialProcess("aws-oidc --config=a.toml auth --role x api", isSelf)?.provider, "api");
  assert.equal(parseCredentialProcess("aws-oidc --config auth", isSelf), undefined, "auth as --config's value");
  assert.equal(parseCredentialProcess("aws-oidc --unknown auth api", isSelf), undefined);
  assert.equal(parseCredentialProcess("aws-oidc token api", isSelf), undefined);
  assert.equal(parseCredentialProcess("other-tool auth api", isSelf), undefined);
});

Deno.test("the credential_process reader knows every option of auth and the program that takes a value", async () => {
  const program = await buildProgram(silentContext());
  const auth = program.commands.find((command) => command.name() === "auth")!;
  const options = [...program.options, ...auth.options].filter((option) => option.required || option.optional);
  assert.deepEqual([...AUTH_VALUE_FLAGS].sort(), options.map((option) => option.long!).sort());
});
