/** Providers and config files built in memory, for unit tests that need no config on disk. */
import assert from "node:assert/strict";
import { type ConfigFile, parseConfig } from "../../src/config/load.ts";
import { DEFAULT_SCOPES } from "../../src/config/defaults.ts";
import type { Provider } from "../../src/config/provider.ts";
import type { CredentialKey, TokenKey } from "../../src/cache/keys.ts";
import { requestIdentity } from "../../src/cache/entries.ts";
import { ConfigError } from "../../src/errors.ts";

/** The config from the original aws-oidc README, byte for byte. */
export const SEED_CONFIG = `region = "us-east-1"

[[AuthProvider]]
name = "google"
role_arn = "arn:aws:iam::0123456789012:role/your-role-name"
duration = 900
provider_url = "https://accounts.google.com"
client_id = "YOUR_CLIENT_ID"
client_secret = "YOUR_CLIENT_SECRET" # only if the provider requires it even with PKCE
agent = ["open", "-b", "com.google.chrome", "-n", "--args", "--profile-directory=Profile 1", "{}"]
`;

/** A resolved browser-flow provider "p" at https://idp.example, with `overrides` applied. */
export function testProvider(overrides: Partial<Provider> = {}): Provider {
  return {
    name: "p",
    roleArn: "arn:aws:iam::123456789012:role/r",
    duration: 3600,
    providerUrl: "https://idp.example",
    clientId: "client",
    scopes: ["openid"],
    redirectUri: "http://127.0.0.1:{port}/auth/callback",
    region: "us-east-1",
    stsEndpoint: "https://sts.us-east-1.amazonaws.com",
    stsEndpointSource: 'the default for region "us-east-1"',
    clientAuth: "none",
    disablePkce: false,
    disableNonce: false,
    httpTimeout: 30,
    timeout: 5,
    authParams: {},
    chain: [],
    flow: "browser",
    token: "id_token",
    storage: "auto",
    ...overrides,
  };
}

/** `text` parsed as the config file at `path`, which exists. */
export function configFile(text: string, path = "/home/me/.aws-oidc/config"): ConfigFile {
  return { ...parseConfig(text, path), path, exists: true, text };
}

/** Asserts that `fn` throws a ConfigError whose message matches `pattern` and which has a hint; returns it. */
export function assertConfigError(fn: () => unknown, pattern: RegExp): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    assert.match(error.message, pattern);
    assert.ok(error.hint, "every config error carries a hint");
    return error;
  }
  assert.fail(`expected a ConfigError matching ${pattern}`);
}

/** The token key of a provider configured with only `provider_url` and `client_id` (and a role). */
export function defaultTokenKey(issuer: string, clientId: string): TokenKey {
  return requestIdentity(testProvider({ providerUrl: issuer, clientId, scopes: [...DEFAULT_SCOPES] })).tokens;
}

/** The credential key of such a provider for `roleArn`, in us-east-1 at the default endpoint, one hour. */
export function defaultCredentialKey(issuer: string, clientId: string, roleArn: string): CredentialKey {
  return requestIdentity(testProvider({ providerUrl: issuer, clientId, roleArn, scopes: [...DEFAULT_SCOPES] }))
    .credentials;
}
