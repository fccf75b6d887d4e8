/**
 * Turns the config file, the command line and the environment into one
 * validated {@link Provider}. Precedence lives here and only here:
 * flag > environment (`AWS_OIDC_<KEY>`) > `[[AuthProvider]]` table > top level > default.
 * Region is the exception the AWS tools taught people: after the config come
 * `AWS_REGION`, `AWS_DEFAULT_REGION`, then `us-east-1`.
 */
import { ConfigError } from "../errors.ts";
import type { ConfigFile, RawTable } from "./load.ts";
import { envName, type FieldSpec, fieldSpec, PRIVATE_KEY_ENV, type ProviderKey } from "./fields.ts";
import { parseRoleArn } from "./arn.ts";
import { splitCommand } from "./command_line.ts";
import { defaultStsEndpoint } from "./partition.ts";
import {
  DEFAULT_DURATION,
  DEFAULT_HTTP_TIMEOUT,
  DEFAULT_REDIRECT_URI,
  DEFAULT_SCOPES,
  DEFAULT_TIMEOUT,
} from "./defaults.ts";
import {
  checkAgent,
  checkAuthParams,
  checkBoolean,
  checkChain,
  checkChoice,
  checkDuration,
  checkHttpTimeout,
  checkHttpUrl,
  checkNonEmpty,
  checkProviderUrl,
  checkRedirectUri,
  checkRefreshWindow,
  checkRegion,
  checkRoleArn,
  checkRoles,
  checkScopes,
  checkSigninUrl,
  checkTimeout,
  fail,
  type Sourced,
} from "./checks.ts";
import { CLIENT_AUTH_METHODS, LOGIN_FLOWS, type Provider, type RoleChoice } from "./provider.ts";
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

/**
 * What {@link resolveProvider} found: the provider, or, for a provider with
 * several `roles` and none chosen, the roles to choose from (the CLI may ask,
 * then resolve again with `role` set).
 */
export type Resolution = { provider: Provider } | { choices: RoleChoice[] };

/** Resolves and validates one provider; see {@link Resolution}. */
export function resolveProvider(input: ResolveInput): Resolution {
  const table = findProvider(input.config, input.name);
  const pick = (key: ProviderKey): Sourced | undefined => pickValue(key, table, input);
  const get = <T>(key: ProviderKey, check: (s: Sourced) => T): T | undefined => {
    const found = pick(key);
    return found === undefined ? undefined : check(found);
  };
  const required = <T>(key: ProviderKey, check: (s: Sourced) => T): T => {
    const value = get(key, check);
    if (value === undefined) {
      const flag = fieldSpec(key).flags?.[0];
      throw new ConfigError(`Provider "${input.name}" has no ${key}`, {
        hint: `add ${key} = … to its [[AuthProvider]] table in "${input.config.path}"` +
          (flag ? ` or pass --${flag}` : ""),
      });
    }
    return value;
  };

  /** `role` picks among `roles`; else `role_arn`; else the only role, or the roles to choose from. */
  const roleArnOf = (name: string, role: string | undefined, roles: RoleChoice[] | undefined) => {
    const picked = chooseRole(name, role, roles) ?? get("role_arn", checkRoleArn);
    if (picked !== undefined || roles === undefined) return picked ?? required("role_arn", checkRoleArn);
    return roles.length === 1 ? roles[0].arn : roles;
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
  const roleArn = roleArnOf(input.name, get("role", checkNonEmpty), get("roles", checkRoles));
  if (typeof roleArn !== "string") return { choices: roleArn };
  const provider: Provider = {
    name: input.name,
    type: explicitType ?? detectType(providerUrl),
    ...(explicitType ? {} : { typeDetected: true }),
    roleArn,
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
    authParams: { ...expansion?.authParams, ...get("auth_params", checkAuthParams) },
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
  return { provider };
}

/**
 * {@link resolveProvider} for callers that cannot ask: the provider, or for
 * several roles and none chosen the {@link RoleChoiceNeeded} error listing them.
 */
export function requireProvider(input: ResolveInput): Provider {
  const resolution = resolveProvider(input);
  if ("choices" in resolution) throw new RoleChoiceNeeded(input.name, resolution.choices);
  return resolution.provider;
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
    const flag = fieldSpec(error.key).flags?.[0];
    throw new ConfigError(`Provider "${input.name}" has no ${error.key}, which type "${type}" needs`, {
      hint: `${error.hint}, in its [[AuthProvider]] table in "${input.config.path}"` +
        (flag ? ` or with --${flag}` : ""),
    });
  }
}

/** A provider with several roles and none chosen, where no one can be asked: the error lists the choices. */
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
 * should decide, or when only `roles` could.
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
  const spec = fieldSpec(key);
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

function withOpenId(scopes: string[]): string[] {
  return scopes.includes("openid") ? scopes : ["openid", ...scopes];
}

function fallbackRegion(env: (name: string) => string | undefined): string {
  return env("AWS_REGION") || env("AWS_DEFAULT_REGION") || "us-east-1";
}
