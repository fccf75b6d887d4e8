import assert from "node:assert/strict";
import { type FlagValues, requireProvider, resolveProvider } from "../../src/config/resolve.ts";
import { FIELDS } from "../../src/config/fields.ts";
import { splitCommand } from "../../src/config/command_line.ts";
import { assertConfigError, configFile, SEED_CONFIG } from "../helpers/provider.ts";

function resolve(text: string, name = "google", flags: FlagValues = {}, env: Record<string, string> = {}) {
  return requireProvider({ config: configFile(text), name, flags, env: (key) => env[key] });
}

Deno.test("the seed config resolves exactly as written", () => {
  const parsed = configFile(SEED_CONFIG);
  assert.deepEqual(parsed.warnings, []);
  const provider = resolve(SEED_CONFIG);
  assert.equal(provider.roleArn, "arn:aws:iam::0123456789012:role/your-role-name");
  assert.equal(provider.duration, 900);
  assert.equal(provider.providerUrl, "https://accounts.google.com");
  assert.equal(provider.clientId, "YOUR_CLIENT_ID");
  assert.equal(provider.clientSecret, "YOUR_CLIENT_SECRET");
  assert.deepEqual(provider.agent, [
    "open",
    "-b",
    "com.google.chrome",
    "-n",
    "--args",
    "--profile-directory=Profile 1",
    "{}",
  ]);
  assert.equal(provider.region, "us-east-1");
  assert.equal(provider.redirectUri, "http://127.0.0.1:{port}/auth/callback");
  assert.deepEqual(provider.scopes, ["openid", "email", "profile"]);
  assert.equal(provider.timeout, 300);
});

Deno.test("seed flags --role_arn=… --duration 7200 override the table", () => {
  const provider = resolve(SEED_CONFIG, "google", {
    role_arn: "arn:aws:iam::0123456789012:role/your-role-name",
    duration: "7200",
  });
  assert.equal(provider.duration, 7200);
});

Deno.test("precedence: flag > environment > provider table > top level > default", () => {
  const text = `region = "eu-west-1"\nduration = 1800\n${SEED_CONFIG.replace('region = "us-east-1"\n', "")}`;
  assert.equal(resolve(text).region, "eu-west-1", "top level");
  assert.equal(resolve(text).duration, 900, "provider table beats top level");
  assert.equal(resolve(text, "google", {}, { AWS_OIDC_DURATION: "2000" }).duration, 2000, "env beats table");
  assert.equal(
    resolve(text, "google", { duration: "3000" }, { AWS_OIDC_DURATION: "2000" }).duration,
    3000,
    "flag beats env",
  );
  const noRegion = SEED_CONFIG.replace('region = "us-east-1"\n', "");
  assert.equal(resolve(noRegion, "google", {}, { AWS_REGION: "ap-south-1" }).region, "ap-south-1");
  assert.equal(resolve(noRegion).region, "us-east-1");
  assert.equal(resolve(SEED_CONFIG, "google", {}, { AWS_REGION: "ap-south-1" }).region, "us-east-1");
});

Deno.test("TOML syntax errors give line and column", () => {
  assertConfigError(() => configFile('region = "us-east-1"\n[[AuthProvider]]\nname = google\n'), /line 3, column \d+/);
});

Deno.test("unknown provider lists the configured ones", () => {
  const twice = SEED_CONFIG + SEED_CONFIG.split("\n").slice(1).join("\n").replace('"google"', '"okta"');
  assertConfigError(() => resolve(twice, "gogle"), /Unknown provider "gogle".*"google", "okta"/);
});

Deno.test("a missing config file says where it looked", () => {
  assertConfigError(
    () =>
      requireProvider({
        config: { path: "/nope/config", exists: false, text: "", defaults: {}, providers: [], warnings: [] },
        name: "google",
        env: () => undefined,
      }),
    /No config file at "\/nope\/config"/,
  );
});

Deno.test("each invalid field is refused with its source", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["role_arn", '""', /role_arn "" .*non-empty/],
    ["role_arn", '"my-role"', /role_arn "my-role" .*not an IAM role ARN/],
    ["role_arn", '"arn:aws:iam::123456789012:user/bob"', /not an IAM role ARN/],
    ["duration", "60", /duration 60 .*outside 900-43200/],
    ["duration", "50000", /duration 50000 .*outside 900-43200/],
    ["duration", '"900"', /duration "900" .*outside/],
    ["provider_url", '"accounts.google.com"', /provider_url .*not a URL/],
    ["provider_url", '"http://accounts.google.com"', /provider_url .*must use https/],
    ["agent", "[]", /agent \[\] .*non-empty list/],
    ["agent", '"open"', /agent "open" .*non-empty list/],
    ["region", '"mars-1"', /region "mars-1" .*not an AWS region/],
    ["redirect_uri", '"http://example.com:{port}/cb"', /redirect_uri .*127\.0\.0\.1 or localhost/],
    ["timeout", "0", /timeout 0 .*outside 1-3600/],
    ["http_timeout", "0", /http_timeout 0 .*outside 1-600/],
    ["http_timeout", '"fast"', /http_timeout "fast" .*outside 1-600/],
    ["redirect_uri", '"http://127.0.0.1:{port}/"', /redirect_uri .*needs a path/],
    ["auth_params", '{ state = "fixed" }', /auth_params .*may not set "state"/],
    ["roles", '[{ alias = "x" }]', /roles .*list of \{ arn, alias \} tables/],
    ["chain", '["not-an-arn"]', /chain .*list of IAM role ARNs/],
    ["sts_endpoint", '"ftp://x"', /sts_endpoint .*not an http\(s\) URL/],
  ];
  for (const [key, value, pattern] of cases) {
    const lines = SEED_CONFIG.split("\n").filter((line) => !line.startsWith(`${key} =`));
    lines.splice(3, 0, `${key} = ${value}`);
    const error = assertConfigError(() => resolve(lines.join("\n")), pattern);
    assert.match(error.message, /\[\[AuthProvider\]\] "google"/, `${key}: names the source`);
  }
});

Deno.test("a missing required key names the flag that can supply it", () => {
  const text = SEED_CONFIG.replace(/^client_id.*\n/m, "");
  assertConfigError(() => resolve(text), /has no client_id/);
  assert.equal(resolve(text, "google", { client_id: "from-flag" }).clientId, "from-flag");
});

Deno.test("http is allowed for loopback issuers only", () => {
  for (const host of ["127.0.0.1:8080", "localhost:1", "[::1]:9"]) {
    const text = SEED_CONFIG.replace("https://accounts.google.com", `http://${host}`);
    assert.equal(resolve(text).providerUrl, `http://${host}`);
  }
});

Deno.test("unknown keys warn with the nearest known key", () => {
  const parsed = configFile("regoin = 1\n" + SEED_CONFIG.replace("duration = 900", "duraton = 900"));
  assert.equal(parsed.warnings.length, 2);
  assert.match(parsed.warnings[0], /Unknown key "regoin" in top level.*did you mean "region"/);
  assert.match(parsed.warnings[1], /"duraton".*did you mean "duration"/);
});

Deno.test("--agent accepts a shell-like string or a JSON array", () => {
  assert.deepEqual(splitCommand(`firefox -P "work profile" {}`), ["firefox", "-P", "work profile", "{}"]);
  assert.deepEqual(splitCommand(`["open", "-a", "Google Chrome"]`), ["open", "-a", "Google Chrome"]);
  assert.deepEqual(resolve(SEED_CONFIG, "google", { agent: "chromium --incognito" }).agent, [
    "chromium",
    "--incognito",
  ]);
});

Deno.test("scopes always include openid", () => {
  assert.deepEqual(resolve(SEED_CONFIG, "google", { scopes: ["email", "groups"] }).scopes, [
    "openid",
    "email",
    "groups",
  ]);
});

Deno.test("roles: --role picks by alias or ARN; one role needs no choice; several without a choice list them", () => {
  const text = SEED_CONFIG.replace(/^role_arn.*\n/m, "") + `roles = [
  { arn = "arn:aws:iam::111111111111:role/admin", alias = "prod-admin" },
  { arn = "arn:aws:iam::222222222222:role/read" },
]
`;
  assert.equal(resolve(text, "google", { role: "prod-admin" }).roleArn, "arn:aws:iam::111111111111:role/admin");
  assert.equal(
    resolve(text, "google", { role: "arn:aws:iam::222222222222:role/read" }).roleArn,
    "arn:aws:iam::222222222222:role/read",
  );
  const error = assertConfigError(
    () => resolve(text),
    /several roles and none was chosen: prod-admin \(arn:aws:iam::111111111111:role\/admin\), arn:aws:iam::222222222222:role\/read/,
  );
  assert.equal(error.name, "RoleChoiceNeeded");
  assertConfigError(() => resolve(text, "google", { role: "nope" }), /has no role "nope"/);
  const single = SEED_CONFIG.replace(/^role_arn.*\n/m, "") +
    'roles = [{ arn = "arn:aws:iam::333333333333:role/only" }]\n';
  assert.equal(resolve(single).roleArn, "arn:aws:iam::333333333333:role/only");
});

Deno.test("the resolver returns the roles to choose from, or the provider, and throws for neither", () => {
  const text = SEED_CONFIG.replace(/^role_arn.*\n/m, "") + `roles = [
  { arn = "arn:aws:iam::111111111111:role/admin", alias = "prod-admin" },
  { arn = "arn:aws:iam::222222222222:role/read" },
]
`;
  const input = { config: configFile(text), name: "google", env: () => undefined };
  const unchosen = resolveProvider(input);
  assert.ok("choices" in unchosen);
  assert.deepEqual(unchosen.choices.map((choice) => ({ ...choice })), [
    { arn: "arn:aws:iam::111111111111:role/admin", alias: "prod-admin" },
    { arn: "arn:aws:iam::222222222222:role/read" },
  ]);
  const chosen = resolveProvider({ ...input, flags: { role: "prod-admin" } });
  assert.ok("provider" in chosen);
  assert.equal(chosen.provider.roleArn, "arn:aws:iam::111111111111:role/admin");
});

Deno.test("every setting in FIELDS is read by the resolver (flag, environment, file)", () => {
  const asked = new Set<string>();
  const env = (key: string) => {
    asked.add(key);
    return undefined;
  };
  requireProvider({ config: configFile(SEED_CONFIG), name: "google", env });
  const unread = FIELDS.filter((field) => field.key !== "name" && !asked.has(`AWS_OIDC_${field.key.toUpperCase()}`));
  assert.deepEqual(unread.map((field) => field.key), []);
});

Deno.test("regions of every partition are accepted", () => {
  for (const region of ["us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1", "us-isob-east-1"]) {
    assert.equal(resolve(SEED_CONFIG, "google", { region }).region, region);
  }
});

Deno.test("http_timeout: 30 s by default, from the file or AWS_OIDC_HTTP_TIMEOUT", () => {
  assert.equal(resolve(SEED_CONFIG).httpTimeout, 30);
  assert.equal(resolve(SEED_CONFIG.replace("duration = 900", "duration = 900\nhttp_timeout = 5")).httpTimeout, 5);
  assert.equal(resolve(SEED_CONFIG, "google", {}, { AWS_OIDC_HTTP_TIMEOUT: "2" }).httpTimeout, 2);
});
