/** Provider presets: each type's issuer and refresh-token settings, detection from provider_url, and the errors. */
import assert from "node:assert/strict";
import { type FlagValues, requireProvider } from "../../src/config/resolve.ts";
import { detectType, PROVIDER_TYPES } from "../../src/config/presets.ts";
import { unappliedPreset } from "../../src/doctor/config.ts";
import { assertConfigError, configFile, SEED_CONFIG } from "../helpers/provider.ts";

const ROLE = "arn:aws:iam::123456789012:role/dev";
const TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

function resolve(settings: string, flags: FlagValues = {}, env: Record<string, string> = {}) {
  const text = `[[AuthProvider]]\nname = "p"\nclient_id = "client"\nrole_arn = "${ROLE}"\n${settings}\n`;
  const config = configFile(text, "/c");
  assert.deepEqual(config.warnings, [], "every preset key is a known key");
  return requireProvider({ config, name: "p", flags, env: (key) => env[key] });
}

/** Every type: its short settings, the issuer they make, and the scopes and parameters that get a refresh token. */
const CASES: Array<
  { type: string; settings: string; issuer: string; scopes: string[]; params: object; detected?: string }
> = [
  {
    type: "google",
    settings: 'client_secret = "s3cret"',
    issuer: "https://accounts.google.com",
    scopes: ["openid", "email", "profile"],
    params: { access_type: "offline", prompt: "consent" },
  },
  {
    type: "okta",
    settings: 'domain = "example.okta.com"',
    issuer: "https://example.okta.com",
    scopes: ["openid", "email", "profile", "offline_access"],
    params: {},
  },
  {
    type: "okta",
    settings: 'domain = "example.okta.com"\nauthorization_server = "default"',
    issuer: "https://example.okta.com/oauth2/default",
    scopes: ["openid", "email", "profile", "offline_access"],
    params: {},
  },
  {
    type: "entra",
    settings: `tenant = "${TENANT}"`,
    issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    scopes: ["openid", "email", "profile", "offline_access"],
    params: {},
  },
  {
    type: "keycloak",
    settings: 'domain = "sso.example.com"\nrealm = "staff"',
    issuer: "https://sso.example.com/realms/staff",
    scopes: ["openid", "email", "profile", "offline_access"],
    params: {},
  },
  {
    type: "onelogin",
    settings: 'domain = "acme"',
    issuer: "https://acme.onelogin.com/oidc/2",
    scopes: ["openid", "email", "profile"],
    params: {},
  },
  {
    type: "forgerock",
    settings: 'domain = "id.example.com/am"\nrealm = "alpha"',
    issuer: "https://id.example.com/am/oauth2/realms/root/realms/alpha",
    scopes: ["openid", "email", "profile"],
    params: {},
  },
  {
    type: "forgerock",
    settings: 'domain = "am.example.com:8443/openam"\nrealm = "root"',
    issuer: "https://am.example.com:8443/openam/oauth2/realms/root",
    scopes: ["openid", "email", "profile"],
    params: {},
  },
  {
    type: "auth0",
    settings: 'domain = "example.us.auth0.com"',
    issuer: "https://example.us.auth0.com/",
    scopes: ["openid", "email", "profile", "offline_access"],
    params: {},
  },
  {
    type: "gitlab",
    settings: "",
    issuer: "https://gitlab.com",
    scopes: ["openid", "email", "profile"],
    params: {},
  },
  {
    type: "gitlab",
    settings: 'domain = "git.example.com"',
    issuer: "https://git.example.com",
    detected: "generic", // a self-hosted GitLab has no telltale host
    scopes: ["openid", "email", "profile"],
    params: {},
  },
  {
    type: "generic",
    settings: 'provider_url = "https://idp.example.com"',
    issuer: "https://idp.example.com",
    scopes: ["openid", "email", "profile"],
    params: {},
  },
];

Deno.test("presets: each type builds its issuer and asks for refresh tokens its way", () => {
  for (const { type, settings, issuer, scopes, params } of CASES) {
    const provider = resolve(`type = "${type}"\n${settings}`);
    assert.equal(provider.type, type);
    assert.equal(provider.providerUrl, issuer, type);
    assert.deepEqual(provider.scopes, scopes, type);
    assert.deepEqual(provider.authParams, params, type);
  }
  assert.deepEqual(
    new Set(CASES.map((c) => c.type)),
    new Set(PROVIDER_TYPES),
    "every type has a case",
  );
});

Deno.test("presets: each built issuer is detected as its own type", () => {
  for (const { type, issuer, detected } of CASES) assert.equal(detectType(issuer), detected ?? type, issuer);
  assert.equal(detectType("https://example.oktapreview.com/oauth2/default"), "okta");
  assert.equal(detectType("https://sso.example.com/auth/realms/old"), "keycloak");
  assert.equal(detectType("https://notokta.com"), "generic");
  assert.equal(detectType("https://accounts.google.com.evil.example"), "generic");
  assert.equal(detectType("not a url"), "generic");
});

Deno.test("presets: a config without type resolves exactly as before, the type only detected", () => {
  const config = configFile(SEED_CONFIG, "/c");
  const provider = requireProvider({ config, name: "google", env: () => undefined });
  assert.equal(provider.type, "google");
  assert.deepEqual(provider.scopes, ["openid", "email", "profile"], "no preset scopes without type");
  assert.deepEqual(provider.authParams, {}, "no preset parameters without type");
  const okta = resolve('provider_url = "https://example.okta.com"');
  assert.equal(okta.type, "okta");
  assert.deepEqual(okta.scopes, ["openid", "email", "profile"]);
});

Deno.test("presets: explicit scopes and auth_params win over the preset's", () => {
  const provider = resolve(
    'type = "google"\nclient_secret = "s3cret"\nscopes = ["openid", "email"]\nauth_params = { prompt = "select_account", hd = "example.com" }',
  );
  assert.deepEqual(provider.scopes, ["openid", "email"]);
  assert.deepEqual(provider.authParams, { access_type: "offline", prompt: "select_account", hd: "example.com" });
});

Deno.test("presets: the short settings come from flags and the environment too", () => {
  const provider = resolve("", { type: "keycloak", realm: "staff" }, { AWS_OIDC_DOMAIN: "sso.example.com" });
  assert.equal(provider.providerUrl, "https://sso.example.com/realms/staff");
});

Deno.test("presets: an unknown type lists the known ones", () => {
  const error = assertConfigError(() => resolve('type = "ping"'), /type "ping" .* must be one of/);
  for (const type of PROVIDER_TYPES) assert.ok(error.message.includes(`"${type}"`), type);
});

Deno.test("presets: a missing short setting is named, with its flag", () => {
  const error = assertConfigError(() => resolve('type = "okta"'), /has no domain, which type "okta" needs/);
  assert.match(error.hint!, /Okta domain .*--domain/);
  assertConfigError(() => resolve('type = "entra"'), /has no tenant/);
  assertConfigError(() => resolve('type = "keycloak"\ndomain = "sso.example.com"'), /has no realm/);
  assertConfigError(() => resolve('type = "generic"'), /has no provider_url/);
});

Deno.test("presets: quirks are enforced: Google's client secret, Entra's tenant GUID", () => {
  const google = assertConfigError(
    () => resolve('type = "google"'),
    /has no client_secret: Google's desktop-app clients/,
  );
  assert.match(google.hint!, /--client-secret/);
  assertConfigError(
    () => resolve('type = "entra"\ntenant = "contoso.onmicrosoft.com"'),
    /tenant .* must be the .* GUID/,
  );
});

Deno.test("presets: settings that do not fit are refused", () => {
  assertConfigError(
    () => resolve('type = "google"\nclient_secret = "s"\ndomain = "x.com"'),
    /domain .* is not used by type/,
  );
  assertConfigError(() => resolve('domain = "example.okta.com"'), /domain .* needs a type/);
  assertConfigError(() => resolve('type = "okta"\ndomain = "http://example.okta.com"'), /must use https/);
  assertConfigError(() => resolve('type = "okta"\ndomain = "a.com?x=1"'), /domain .* is not a host name/);
  assertConfigError(
    () => resolve('type = "okta"\ndomain = "a.com"\nauthorization_server = "../x"'),
    /authorization_server/,
  );
  assertConfigError(
    () => resolve('type = "okta"\ndomain = "example.okta.com"\nprovider_url = "https://other.okta.com"'),
    /provider_url "https:\/\/other.okta.com" but its okta settings make "https:\/\/example.okta.com"/,
  );
  // The same issuer twice is fine.
  assert.equal(
    resolve('type = "okta"\ndomain = "example.okta.com"\nprovider_url = "https://example.okta.com"').providerUrl,
    "https://example.okta.com",
  );
});

Deno.test("presets: type with provider_url alone: an Okta custom domain takes the preset's quirks only", () => {
  const okta = resolve('type = "okta"\nprovider_url = "https://login.example.com/oauth2/default"');
  assert.equal(okta.providerUrl, "https://login.example.com/oauth2/default");
  assert.equal(okta.type, "okta");
  assert.deepEqual(okta.scopes, ["openid", "email", "profile", "offline_access"]);
  // A short setting next to it still has to agree, and to be complete.
  assertConfigError(
    () => resolve('type = "okta"\nauthorization_server = "default"\nprovider_url = "https://login.example.com"'),
    /has no domain, which type "okta" needs/,
  );
});

Deno.test("presets: type auth0 with provider_url alone, and Google's quirks with its own provider_url", () => {
  const auth0 = resolve('type = "auth0"\nprovider_url = "https://x.us.auth0.com/"');
  assert.equal(auth0.providerUrl, "https://x.us.auth0.com/");
  assert.deepEqual(auth0.scopes, ["openid", "email", "profile", "offline_access"]);
  const gitlab = resolve('type = "gitlab"\nprovider_url = "https://gitlab.example.com"');
  assert.equal(gitlab.providerUrl, "https://gitlab.example.com");
  assertConfigError(
    () => resolve('type = "google"\nprovider_url = "https://accounts.google.com"'),
    /has no client_secret/,
  );
});

Deno.test("doctor: a detected IdP whose refresh-token parameters are not sent is warned about; given ones are not", () => {
  const google = 'provider_url = "https://accounts.google.com"\nclient_secret = "s"';
  const warning = unappliedPreset(resolve(google));
  assert.equal(warning?.status, "warn");
  assert.match(warning!.message, /looks like Google but does not send access_type=offline, prompt=consent/);
  assert.match(warning!.hint!, /type = "google"/);
  assert.equal(unappliedPreset(resolve('type = "google"\nclient_secret = "s"')), undefined);
  assert.equal(
    unappliedPreset(resolve(`${google}\nauth_params = { access_type = "offline", prompt = "consent" }`)),
    undefined,
  );
  // offline_access is asked for whenever the IdP lists it: nothing to warn about for Keycloak.
  assert.equal(unappliedPreset(resolve('provider_url = "https://sso.example.com/realms/dev"')), undefined);
});
