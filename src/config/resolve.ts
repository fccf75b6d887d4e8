/**
 * Turns the config file, the command line and the environment into one
 * validated {@link Provider}. Precedence lives here and only here:
 * flag > environment (`AWS_OIDC_<KEY>`) > `[[AuthProvider]]` table > top level > default.
 * Region is the exception the AWS tools taught people: after the config come
 * `AWS_REGION`, `AWS_DEFAULT_REGION`, then `us-east-1`.
 */
import { ConfigError } from "../errors.ts";
import type { ConfigFile, RawTable } from "./load.ts";
import { envName, FIELDS, type FieldSpec, type ProviderKey } from "./fields.ts";
import { parseRoleArn } from "./arn.ts";
import { splitCommand } from "./command_line.ts";
import { defaultStsEndpoint } from "./partition.ts";
/** `AWS_OIDC_PRIVATE_KEY` (oidc/client_key.ts, not imported: it loads jose). */
const PRIVATE_KEY_ENV = "AWS_OIDC_PRIVATE_KEY";
import { CLIENT_AUTH_METHODS, type ClientAuthMethod, LOGIN_FLOWS, type Provider, type RoleChoice } from "./provider.ts";
import {
  detectType,
  expandPreset,
  type Expansion,
  type PresetInputKey,
  PresetInputProblem,
  type PresetInputs,
  presetOf,
  PROVIDER_TYPES,
  type ProviderType,
} from "./presets.ts";

/** Values given on the command line, as strings (repeatable flags as arrays). */
export type FlagValues = Partial<Record<ProviderKey, string | string[]>>;

/** Inputs of {@link resolveProvider}. */
export interface ResolveInput {
  config: ConfigFile;
  name: string;
  flags?: FlagValues;
  env: (name: string) => string | undefined;
}

export const DEFAULT_DURATION = 3600;
export const DEFAULT_TIMEOUT = 300;
export const DEFAULT_HTTP_TIMEOUT = 30;
export const DEFAULT_SCOPES = ["openid", "email", "profile"];
export const DEFAULT_REDIRECT_URI = "http://127.0.0.1:{port}/auth/callback";
export const MIN_DURATION = 900;
export const MAX_DURATION = 43200;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

interface Sourced {
  value: unknown;
  /** Where the value came from, for error messages. */
  source: string;
}

/** Resolves and validates one provider. */
export function resolveProvider(input: ResolveInput): Provider {
  const table = findProvider(input.config, input.name);
  const pick = (key: ProviderKey): Sourced | undefined => pickValue(key, table, input);
  const get = <T>(key: ProviderKey, check: (s: Sourced) => T): T | undefined => {
    const found = pick(key);
    return found === undefined ? undefined : check(found);
  };
  const required = <T>(key: ProviderKey, check: (s: Sourced) => T): T => {
    const value = get(key, check);
    if (value === undefined) {
      const flag = FIELDS.find((field) => field.key === key)?.flags?.[0];
      throw new ConfigError(`Provider "${input.name}" has no ${key}`, {
        hint: `add ${key} = … to its [[AuthProvider]] table in "${input.config.path}"` +
          (flag ? ` or pass --${flag}` : ""),
      });
    }
    return value;
  };

  /** `role` picks among `roles`; else `role_arn`; else the only role, or the person must choose. */
  const roleArnOf = (name: string, role: string | undefined, roles: RoleChoice[] | undefined) => {
    const picked = chooseRole(name, role, roles) ?? get("role_arn", checkRoleArn);
    if (picked !== undefined || roles === undefined) return picked;
    if (roles.length === 1) return roles[0].arn;
    throw new RoleChoiceNeeded(name, roles);
  };
  const explicitType = get("type", (found) => checkChoice(found, "type", PROVIDER_TYPES));
  const expansion = presetExpansion(input, explicitType, pick);
  const configuredUrl = get("provider_url", checkProviderUrl);
  if (configuredUrl && expansion?.providerUrl && configuredUrl !== expansion.providerUrl) {
    throw new ConfigError(
      `Provider "${input.name}" has provider_url "${configuredUrl}" but its ${explicitType} settings make "${expansion.providerUrl}"`,
      { hint: "keep one of them: remove provider_url, or the short settings (domain, tenant, realm…)" },
    );
  }
  const providerUrl = configuredUrl ??
    (expansion?.providerUrl !== undefined
      ? checkProviderUrl({ value: expansion.providerUrl, source: `type "${explicitType}"` })
      : required("provider_url", checkProviderUrl));
  const clientSecret = get("client_secret", checkNonEmpty);
  const needsSecret = explicitType && presetOf(explicitType).needsClientSecret;
  if (needsSecret && clientSecret === undefined) {
    throw new ConfigError(`Provider "${input.name}" has no client_secret: ${needsSecret}`, {
      hint: `add client_secret = … to its [[AuthProvider]] table in "${input.config.path}" or pass --client-secret`,
    });
  }
  const region = get("region", checkRegion) ?? fallbackRegion(input.env);
  const privateKeyFile = get("private_key_file", checkNonEmpty);
  return {
    name: input.name,
    type: explicitType ?? detectType(providerUrl),
    ...(explicitType ? {} : { typeDetected: true }),
    roleArn: roleArnOf(input.name, get("role", checkNonEmpty), get("roles", checkRoles)) ??
      required("role_arn", checkRoleArn),
    duration: get("duration", checkDuration) ?? DEFAULT_DURATION,
    providerUrl,
    clientId: required("client_id", checkNonEmpty),
    clientSecret,
    agent: get("agent", checkAgent),
    scopes: withOpenId(get("scopes", checkScopes) ?? [...DEFAULT_SCOPES, ...expansion?.extraScopes ?? []]),
    redirectUri: get("redirect_uri", checkRedirectUri) ?? DEFAULT_REDIRECT_URI,
    region,
    ...stsEndpointOf(pick("sts_endpoint"), region, input.env),
    clientAuth: privateKeyFile !== undefined || input.env(PRIVATE_KEY_ENV)
      ? "private_key_jwt"
      : clientSecret !== undefined
      ? "client_secret"
      : "none",
    sessionNameClaim: get("session_name_claim", checkNonEmpty),
    disablePkce: get("disable_pkce", checkBoolean) ?? false,
    disableNonce: get("disable_nonce", checkBoolean) ?? false,
    timeout: get("timeout", checkTimeout) ?? DEFAULT_TIMEOUT,
    httpTimeout: get("http_timeout", checkHttpTimeout) ?? DEFAULT_HTTP_TIMEOUT,
    authParams: { ...expansion?.authParams, ...get("auth_params", checkStringTable) },
    refreshWindow: get("refresh_window", checkRefreshWindow),
    chain: get("chain", checkChain) ?? [],
    signinUrl: get("signin_url", checkSigninUrl),
    flow: get("flow", (found) => checkChoice(found, "flow", LOGIN_FLOWS)) ?? "browser",
    token: get("token", (found) => checkChoice(found, "token", ["id_token", "access_token"] as const)) ?? "id_token",
    privateKeyFile,
    keyId: get("key_id", checkNonEmpty),
    tokenEndpointAuthMethod: get(
      "token_endpoint_auth_method",
      (found) => checkChoice(found, "token_endpoint_auth_method", CLIENT_AUTH_METHODS),
    ),
    storage: get("storage", (found) => checkChoice(found, "storage", ["auto", "keychain", "file"] as const)) ?? "auto",
  };
}

/** The STS endpoint and where it came from; see {@link Provider.stsEndpoint}. */
function stsEndpointOf(
  configured: Sourced | undefined,
  region: string,
  env: (name: string) => string | undefined,
): { stsEndpoint: string; stsEndpointSource: string } {
  if (configured) {
    const named = /^(--|AWS_)/.test(configured.source);
    return {
      stsEndpoint: checkHttpUrl(configured),
      stsEndpointSource: named ? configured.source : `sts_endpoint in ${configured.source}`,
    };
  }
  for (const name of ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"]) {
    const value = env(name);
    if (value) return { stsEndpoint: checkHttpUrl({ value, source: name }), stsEndpointSource: name };
  }
  return { stsEndpoint: defaultStsEndpoint(region), stsEndpointSource: `the default for region "${region}"` };
}

const PRESET_INPUTS: readonly PresetInputKey[] = ["domain", "tenant", "realm", "authorization_server"];

/** The explicit type's preset applied to the short inputs; undefined without a type (then inputs are refused). */
function presetExpansion(
  input: ResolveInput,
  type: ProviderType | undefined,
  pick: (key: ProviderKey) => Sourced | undefined,
): Expansion | undefined {
  const inputs: PresetInputs = {};
  const sources: Partial<Record<PresetInputKey, Sourced>> = {};
  for (const key of PRESET_INPUTS) {
    const found = pick(key);
    if (found === undefined) continue;
    inputs[key] = checkNonEmpty(found, key).trim();
    sources[key] = found;
  }
  if (type === undefined) {
    const key = PRESET_INPUTS.find((k) => sources[k]);
    if (key) {
      fail(
        key,
        sources[key]!,
        "needs a type",
        `add type = "…" (${PROVIDER_TYPES.join(", ")}) to say which IdP it is for`,
      );
    }
    return undefined;
  }
  try {
    return expandPreset(type, inputs, pick("provider_url") !== undefined);
  } catch (error) {
    if (!(error instanceof PresetInputProblem)) throw error;
    const found = sources[error.key];
    if (found) fail(error.key, found, error.problem, error.hint);
    const flag = FIELDS.find((field) => field.key === error.key)?.flags?.[0];
    throw new ConfigError(`Provider "${input.name}" has no ${error.key}, which type "${type}" needs`, {
      hint: `${error.hint}, in its [[AuthProvider]] table in "${input.config.path}"` +
        (flag ? ` or with --${flag}` : ""),
    });
  }
}

/** A provider with several roles and none chosen: the CLI may ask, or must list the choices. */
export class RoleChoiceNeeded extends ConfigError {
  readonly choices: RoleChoice[];

  constructor(provider: string, choices: RoleChoice[]) {
    super(`Provider "${provider}" has several roles and none was chosen: ${describeChoices(choices)}`, {
      hint: "pass --role <alias|arn>, or set role_arn",
    });
    this.name = "RoleChoiceNeeded";
    this.choices = choices;
  }
}

function describeChoices(choices: RoleChoice[]): string {
  return choices.map((choice) => choice.alias ? `${choice.alias} (${choice.arn})` : choice.arn).join(", ");
}

/**
 * The role picked with `role` (alias or ARN) among `roles`; a valid ARN not in
 * the list is taken as given. Undefined when nothing was picked and `role_arn`
 * should decide; throws {@link RoleChoiceNeeded} when only `roles` could.
 */
function chooseRole(provider: string, role: string | undefined, roles: RoleChoice[] | undefined): string | undefined {
  if (role !== undefined) {
    const match = roles?.find((choice) => choice.alias === role || choice.arn === role);
    if (match) return match.arn;
    if (parseRoleArn(role)) return role;
    throw new ConfigError(`Provider "${provider}" has no role "${role}"`, {
      hint: roles?.length ? `choose one of: ${describeChoices(roles)}` : "give an IAM role ARN",
    });
  }
  return undefined;
}

/** The names of the configured providers. */
export function providerNames(config: ConfigFile): string[] {
  return config.providers.map((table) => table.name).filter((name) => typeof name === "string");
}

function findProvider(config: ConfigFile, name: string): RawTable {
  if (!config.exists) {
    throw new ConfigError(`No config file at "${config.path}"`, {
      hint: `create it with a [[AuthProvider]] table named "${name}" (see aws-oidc auth --help)`,
    });
  }
  const matches = config.providers.filter((table) => table.name === name);
  if (matches.length > 1) {
    throw new ConfigError(`Provider "${name}" is defined ${matches.length} times in "${config.path}"`, {
      hint: "give each [[AuthProvider]] a unique name",
    });
  }
  if (matches.length === 0) {
    const known = providerNames(config);
    throw new ConfigError(
      `Unknown provider "${name}": ` +
        (known.length
          ? `"${config.path}" defines ${known.map((n) => `"${n}"`).join(", ")}`
          : `"${config.path}" defines no providers`),
      { hint: `use one of those names, or add an [[AuthProvider]] table with name = "${name}"` },
    );
  }
  return matches[0];
}

function pickValue(key: ProviderKey, table: RawTable, input: ResolveInput): Sourced | undefined {
  const spec = FIELDS.find((field) => field.key === key) as FieldSpec;
  const flag = input.flags?.[key];
  if (flag !== undefined) return { value: fromText(spec, flag), source: `--${spec.flags?.[0]}` };
  const env = input.env(envName(key));
  if (env !== undefined && env !== "") return { value: fromText(spec, env), source: envName(key) };
  if (table[key] !== undefined) return { value: table[key], source: `[[AuthProvider]] "${input.name}"` };
  if (input.config.defaults[key] !== undefined) {
    return { value: input.config.defaults[key], source: `the top level of "${input.config.path}"` };
  }
  return undefined;
}

/** Converts a flag or environment string to the field's type. */
function fromText(spec: FieldSpec, text: string | string[]): unknown {
  const values = Array.isArray(text) ? text : [text];
  switch (spec.type) {
    case "string[]":
      return values.flatMap((value) => spec.key === "agent" ? splitCommand(value) : value.split(/[\s,]+/))
        .filter((part) => part !== "");
    case "integer":
      return /^-?\d+$/.test(values.at(-1)!.trim()) ? Number(values.at(-1)!.trim()) : values.at(-1);
    case "boolean":
      return ({ "true": true, "1": true, "false": false, "0": false } as Record<string, boolean>)[
        values.at(-1)!.toLowerCase()
      ] ?? values.at(-1);
    default:
      return values.at(-1);
  }
}

function fail(key: string, found: Sourced, problem: string, hint: string): never {
  throw new ConfigError(`${key} ${JSON.stringify(found.value)} (from ${found.source}) ${problem}`, { hint });
}

function checkNonEmpty(found: Sourced, key = "value"): string {
  if (typeof found.value !== "string" || found.value.trim() === "") {
    fail(key, found, "must be a non-empty string", "put the value in double quotes");
  }
  return found.value;
}

function checkRoleArn(found: Sourced): string {
  const value = checkNonEmpty(found, "role_arn");
  if (!parseRoleArn(value)) {
    fail(
      "role_arn",
      found,
      "is not an IAM role ARN",
      "it looks like arn:aws:iam::123456789012:role/name (copy it from the IAM console)",
    );
  }
  return value;
}

function checkDuration(found: Sourced): number {
  if (
    !Number.isInteger(found.value) || (found.value as number) < MIN_DURATION || (found.value as number) > MAX_DURATION
  ) {
    fail(
      "duration",
      found,
      `is outside ${MIN_DURATION}-${MAX_DURATION} seconds`,
      "pick a whole number of seconds in that range, no more than the role's maximum session duration",
    );
  }
  return found.value as number;
}

function checkTimeout(found: Sourced): number {
  if (!Number.isInteger(found.value) || (found.value as number) < 1 || (found.value as number) > 3600) {
    fail("timeout", found, "is outside 1-3600 seconds", "give the login wait in whole seconds, e.g. 300");
  }
  return found.value as number;
}

function checkHttpTimeout(found: Sourced): number {
  if (!Number.isInteger(found.value) || (found.value as number) < 1 || (found.value as number) > 600) {
    fail("http_timeout", found, "is outside 1-600 seconds", "give the wait per request in whole seconds, e.g. 30");
  }
  return found.value as number;
}

function checkRoles(found: Sourced): RoleChoice[] {
  const value = found.value;
  const valid = Array.isArray(value) && value.length > 0 &&
    value.every((item) =>
      typeof item === "object" && item !== null && typeof item.arn === "string" && parseRoleArn(item.arn) &&
      (item.alias === undefined || typeof item.alias === "string")
    );
  if (!valid) {
    fail(
      "roles",
      found,
      "must be a list of { arn, alias } tables",
      'e.g. roles = [{ arn = "arn:aws:iam::…", alias = "prod" }]',
    );
  }
  return value as RoleChoice[];
}

function checkChain(found: Sourced): string[] {
  const value = typeof found.value === "string" ? [found.value] : found.value;
  if (!Array.isArray(value) || !value.every((arn) => typeof arn === "string" && parseRoleArn(arn))) {
    fail("chain", found, "must be a list of IAM role ARNs", 'e.g. chain = ["arn:aws:iam::210987654321:role/deploy"]');
  }
  return value;
}

function checkChoice<T extends string>(found: Sourced, key: string, choices: readonly T[]): T {
  if (!choices.includes(found.value as T)) {
    fail(key, found, `must be one of ${choices.map((c) => `"${c}"`).join(", ")}`, `e.g. ${key} = "${choices[0]}"`);
  }
  return found.value as T;
}

function checkRefreshWindow(found: Sourced): number {
  if (!Number.isInteger(found.value) || (found.value as number) < 0 || (found.value as number) > MAX_DURATION) {
    fail("refresh_window", found, "is not a number of seconds", "e.g. refresh_window = 900");
  }
  return found.value as number;
}

function checkBoolean(found: Sourced): boolean {
  if (typeof found.value !== "boolean") fail("value", found, "must be true or false", "write true or false");
  return found.value;
}

/** https, or http on a loopback host (tests and the demo). */
export function isAllowedIssuerUrl(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

function checkProviderUrl(found: Sourced): string {
  const value = checkNonEmpty(found, "provider_url");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail("provider_url", found, "is not a URL", "use the issuer URL, e.g. https://accounts.google.com");
  }
  if (!isAllowedIssuerUrl(url)) {
    fail("provider_url", found, "must use https", "only 127.0.0.1, ::1 and localhost may use plain http");
  }
  if (url.search || url.hash) {
    fail("provider_url", found, "must not have a query or fragment", "use the bare issuer URL");
  }
  return value;
}

function checkHttpUrl(found: Sourced): string {
  const value = checkNonEmpty(found, "sts_endpoint");
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:") return value;
  } catch { /* reported below */ }
  fail("sts_endpoint", found, "is not an http(s) URL", "e.g. https://sts.eu-west-1.amazonaws.com");
}

function checkSigninUrl(found: Sourced): string {
  const value = checkNonEmpty(found, "signin_url");
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch { /* reported below */ }
  if (!url || !isAllowedIssuerUrl(url) || url.search || url.hash || url.username || url.password) {
    fail(
      "signin_url",
      found,
      "is not an https URL without query or credentials",
      "e.g. https://signin.aws.amazon.com/federation (plain http only on 127.0.0.1, ::1 and localhost)",
    );
  }
  return value;
}

function checkAgent(found: Sourced): string[] {
  const value = found.value;
  if (!Array.isArray(value) || value.length === 0 || !value.every((part) => typeof part === "string")) {
    fail("agent", found, "must be a non-empty list of strings", 'e.g. agent = ["firefox", "-P", "work", "{}"]');
  }
  if (value[0].trim() === "") fail("agent", found, "has an empty command", "put the browser program first");
  return value;
}

function checkScopes(found: Sourced): string[] {
  const value = typeof found.value === "string" ? found.value.split(/\s+/).filter(Boolean) : found.value;
  if (
    !Array.isArray(value) ||
    !value.every((scope) => typeof scope === "string" && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))
  ) {
    fail("scopes", found, "must be a list of scope names", 'e.g. scopes = ["openid", "email"]');
  }
  return value;
}

function withOpenId(scopes: string[]): string[] {
  return scopes.includes("openid") ? scopes : ["openid", ...scopes];
}

function checkRedirectUri(found: Sourced): string {
  const value = checkNonEmpty(found, "redirect_uri");
  let url: URL | undefined;
  try {
    url = new URL(value.replace("{port}", "1"));
  } catch { /* reported below */ }
  if (!url || url.protocol !== "http:" || !["127.0.0.1", "localhost"].includes(url.hostname)) {
    fail(
      "redirect_uri",
      found,
      "must be an http URL on 127.0.0.1 or localhost",
      "e.g. http://127.0.0.1:{port}/auth/callback (RFC 8252 loopback redirect)",
    );
  }
  if (url.pathname === "/") {
    fail(
      "redirect_uri",
      found,
      "needs a path",
      "the callback needs a path of its own; use e.g. /auth/callback",
    );
  }
  if (!value.includes("{port}") && !/:\d+\//.test(value)) {
    fail("redirect_uri", found, "has neither {port} nor a fixed port", "write http://127.0.0.1:{port}/auth/callback");
  }
  return value;
}

function checkRegion(found: Sourced): string {
  const value = checkNonEmpty(found, "region");
  if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(value)) {
    fail("region", found, "is not an AWS region name", "e.g. us-east-1 or eu-west-2");
  }
  return value;
}

/** Authorization request parameters aws-oidc sets itself; `auth_params` may not override them. */
export const RESERVED_AUTH_PARAMS = new Set([
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
]);

function checkStringTable(found: Sourced): Record<string, string> {
  const value = found.value;
  if (
    typeof value !== "object" || value === null || Array.isArray(value) ||
    !Object.values(value).every((item) => typeof item === "string")
  ) {
    fail("auth_params", found, "must be a table of strings", 'e.g. auth_params = { access_type = "offline" }');
  }
  const reserved = Object.keys(value).find((key) => RESERVED_AUTH_PARAMS.has(key));
  if (reserved) fail("auth_params", found, `may not set "${reserved}"`, "aws-oidc sets it itself; remove it");
  return value as Record<string, string>;
}

function fallbackRegion(env: (name: string) => string | undefined): string {
  return env("AWS_REGION") || env("AWS_DEFAULT_REGION") || "us-east-1";
}
