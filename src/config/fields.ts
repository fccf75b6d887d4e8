/**
 * Every setting a provider can have, in one table: its TOML key, its type, its
 * command-line flags (both spellings users already have) and its environment
 * variable. Loading, validation, flag parsing and help all read this table.
 *
 * Adding a setting takes three places, and the compiler or a test points at
 * each one left out:
 * 1. its entry in {@link FIELDS} below: the TOML key (which also makes
 *    {@link ProviderKey}, the `AWS_OIDC_<KEY>` variable, the unknown-key
 *    warning, the flags on every command that takes provider flags, their
 *    completion and help);
 * 2. its property in the `Provider` type (provider.ts), with a doc comment;
 * 3. its line in `resolveProvider` (resolve.ts): the check (checks.ts) and the
 *    default (defaults.ts). A required `Provider` property fails to compile
 *    without it; tests/config/resolve_test.ts fails for a key the resolver
 *    never reads.
 *
 * Then the row in docs/configuration.md (tests/readme_test.ts compares it with
 * this table), and, when the setting changes which tokens or credentials a
 * request gets, its field in the cache keys (src/cache/keys.ts).
 */

import {
  DEFAULT_DURATION,
  DEFAULT_HTTP_TIMEOUT,
  DEFAULT_SCOPES,
  DEFAULT_TIMEOUT,
  MAX_DURATION,
  MIN_DURATION,
} from "./defaults.ts";

/** The value types a setting can have in TOML. */
export type FieldType = "string" | "integer" | "boolean" | "string[]" | "table" | "table[]";

/** One provider setting. */
export interface FieldSpec<Key extends string = ProviderKey> {
  key: Key;
  type: FieldType;
  /** Long flags, first is the documented one. Absent: file only. */
  flags?: string[];
  /** Value name in help. */
  arg?: string;
  help: string;
}

/** The keys of an `[[AuthProvider]]` table: those of {@link FIELDS}. */
export type ProviderKey = typeof FIELDS[number]["key"];

/** The table as written, its keys kept as literal types (`const`) so that {@link ProviderKey} is read off it. */
function fieldTable<const Key extends string>(fields: readonly FieldSpec<Key>[]): readonly FieldSpec<Key>[] {
  return fields;
}

/** The table, in the order help lists it. */
export const FIELDS = fieldTable([
  { key: "name", type: "string", help: "Provider name used on the command line" },
  {
    key: "type",
    type: "string",
    flags: ["type"],
    arg: "type",
    help: "Identity provider type, which builds provider_url and asks for refresh tokens its way: " +
      "google, okta, entra, keycloak, onelogin, forgerock, auth0, gitlab, generic (default: detected from provider_url)",
  },
  {
    key: "domain",
    type: "string",
    flags: ["domain"],
    arg: "host",
    help: "The IdP's host (okta, keycloak, onelogin, forgerock, auth0, gitlab), e.g. example.okta.com",
  },
  { key: "tenant", type: "string", flags: ["tenant"], arg: "id", help: "Entra ID directory (tenant) ID" },
  { key: "realm", type: "string", flags: ["realm"], arg: "realm", help: "Keycloak or ForgeRock realm" },
  {
    key: "authorization_server",
    type: "string",
    flags: ["authorization-server", "authorization_server"],
    arg: "id",
    help: 'Okta custom authorization server id, e.g. "default" (default: the org authorization server)',
  },
  {
    key: "role_arn",
    type: "string",
    flags: ["role-arn", "role_arn"],
    arg: "arn",
    help: "IAM role to assume",
  },
  {
    key: "duration",
    type: "integer",
    flags: ["duration"],
    arg: "seconds",
    help: `Session length, ${MIN_DURATION}-${MAX_DURATION} (default ${DEFAULT_DURATION})`,
  },
  {
    key: "provider_url",
    type: "string",
    flags: ["provider-url", "provider_url"],
    arg: "url",
    help: "OIDC issuer URL (https, or http on 127.0.0.1/localhost)",
  },
  {
    key: "client_id",
    type: "string",
    flags: ["client-id", "client_id"],
    arg: "id",
    help: "OAuth client id registered at the IdP",
  },
  {
    key: "client_secret",
    type: "string",
    flags: ["client-secret", "client_secret"],
    arg: "secret",
    help: "Client secret, only if the IdP requires one with PKCE",
  },
  {
    key: "agent",
    type: "string[]",
    flags: ["agent"],
    arg: "command",
    help: 'Browser command, "{}" is the URL (e.g. "firefox -P work {}")',
  },
  {
    key: "scopes",
    type: "string[]",
    flags: ["scope"],
    arg: "scopes",
    help: `Scopes to request (default "${DEFAULT_SCOPES.join(" ")}")`,
  },
  {
    key: "redirect_uri",
    type: "string",
    flags: ["redirect-uri", "redirect_uri"],
    arg: "uri",
    help: "Loopback redirect URI, {port} is the listener's port",
  },
  {
    key: "region",
    type: "string",
    flags: ["region"],
    arg: "region",
    help: "AWS region for STS",
  },
  {
    key: "sts_endpoint",
    type: "string",
    flags: ["sts-endpoint", "sts_endpoint"],
    arg: "url",
    help: "STS endpoint URL (default: the regional endpoint)",
  },
  {
    key: "session_name_claim",
    type: "string",
    flags: ["session-name-claim", "session_name_claim"],
    arg: "claim",
    help: "ID token claim used as RoleSessionName",
  },
  { key: "disable_pkce", type: "boolean", help: "Do not send PKCE (only for IdPs that break on it)" },
  { key: "disable_nonce", type: "boolean", help: "Do not send a nonce (only for IdPs that break on it)" },
  {
    key: "timeout",
    type: "integer",
    flags: ["timeout"],
    arg: "seconds",
    help:
      `How long to wait for the person to log in, in the browser or with the device code (default ${DEFAULT_TIMEOUT})`,
  },
  {
    key: "http_timeout",
    type: "integer",
    help: `How long one request to the identity provider may take, in seconds (default ${DEFAULT_HTTP_TIMEOUT})`,
  },
  { key: "auth_params", type: "table", help: "Extra authorization request parameters" },
  { key: "roles", type: "table[]", help: 'Roles to choose from: [{ arn = "…", alias = "prod-admin" }, …]' },
  {
    key: "role",
    type: "string",
    flags: ["role"],
    arg: "alias|arn",
    help: "Pick one of the provider's roles by alias or ARN",
  },
  {
    key: "chain",
    type: "string[]",
    flags: ["chain"],
    arg: "arn",
    help: "Roles to assume in turn after role_arn (role chaining; repeatable)",
  },
  {
    key: "signin_url",
    type: "string",
    flags: ["signin-url", "signin_url"],
    arg: "url",
    help: "AWS federation endpoint for login (default: the role's partition, e.g. https://signin.aws.amazon.com)",
  },
  {
    key: "flow",
    type: "string",
    flags: ["flow"],
    arg: "flow",
    help: 'How to log in: "browser" (default), "device" (RFC 8628) or "client_credentials"',
  },
  {
    key: "token",
    type: "string",
    flags: ["token"],
    arg: "kind",
    help: 'Token sent to STS: "id_token" (default) or "access_token" (when the IdP issues JWT access tokens)',
  },
  {
    key: "private_key_file",
    type: "string",
    flags: ["private-key-file", "private_key_file"],
    arg: "path",
    help: "PEM private key for private_key_jwt client authentication (or AWS_OIDC_PRIVATE_KEY)",
  },
  {
    key: "key_id",
    type: "string",
    flags: ["key-id", "key_id"],
    arg: "kid",
    help: "Key id (kid) of that private key at the IdP",
  },
  {
    key: "token_endpoint_auth_method",
    type: "string",
    flags: ["token-endpoint-auth-method", "token_endpoint_auth_method"],
    arg: "method",
    help: 'Client authentication: "client_secret_basic", "client_secret_post", "private_key_jwt" or "none" ' +
      "(default: from the key or secret and the IdP's metadata)",
  },
  {
    key: "refresh_window",
    type: "integer",
    flags: ["refresh-window", "refresh_window"],
    arg: "seconds",
    help: "Renew cached credentials this long before they expire (default 900, or half of short sessions)",
  },
  {
    key: "storage",
    type: "string",
    flags: ["storage"],
    arg: "where",
    help: 'Where refresh tokens are kept: "auto" (default: the OS keychain when it works, else files), ' +
      '"keychain" or "file"',
  },
]);

/** Settings whose flag may be given more than once, the values adding up (`--scope a --scope b`). */
export const REPEATABLE_KEYS: ReadonlySet<ProviderKey> = new Set(["scopes", "chain"]);

/** Looks a field up by key. */
export function fieldSpec(key: ProviderKey): FieldSpec;
export function fieldSpec(key: string): FieldSpec | undefined;
export function fieldSpec(key: string): FieldSpec | undefined {
  return FIELDS.find((field) => field.key === key);
}

/** The environment variable that sets a field, e.g. `AWS_OIDC_ROLE_ARN`. */
export function envName(key: ProviderKey): string {
  return `AWS_OIDC_${key.toUpperCase()}`;
}

/**
 * The environment variable holding a `private_key_file`'s PEM text itself (CI
 * secrets are often variables, not files): read by the resolver, which names
 * the client authentication after it, and by oidc/_client_key.ts.
 */
export const PRIVATE_KEY_ENV = "AWS_OIDC_PRIVATE_KEY";

/** The nearest known key to a mistyped one, if it is close enough to be a typo. */
export function nearestKey(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const wanted = key.toLowerCase().replaceAll("-", "_");
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(wanted.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}
