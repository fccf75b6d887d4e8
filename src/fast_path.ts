/**
 * The cached `auth` path, which runs before every `aws` command: when fresh
 * credentials are cached, answer without loading the command-line library,
 * jose, oauth4webapi or the AWS SDK. Anything this path does not understand
 * (a flag it does not know, a cache miss, a config error) returns undefined,
 * and the full CLI takes over and explains.
 */
import { FIELDS, type ProviderKey } from "./config/fields.ts";
import { configPath, loadConfigFile } from "./config/load.ts";
import { type FlagValues, resolveProvider } from "./config/resolve.ts";
import { openCache } from "./cache/location.ts";
import { cacheNames, type CredentialEntry, servableCredentials, type TokenEntry } from "./cache/entries.ts";
import { credentialProcessJson } from "./output/process.ts";

const FLAG_KEYS = new Map<string, ProviderKey>(
  FIELDS.flatMap((field) => (field.flags ?? []).map((flag) => [flag, field.key] as [string, ProviderKey])),
);

/** `auth` arguments this path can handle. */
export interface FastAuthArgs {
  name: string;
  flags: FlagValues;
  config?: string;
  nodeLocalCache?: string;
}

/** Parses `auth` arguments; undefined for anything the full CLI should handle. */
export function parseFastAuthArgs(args: string[]): FastAuthArgs | undefined {
  const [name, ...rest] = args;
  if (!name || name.startsWith("-")) return undefined;
  const parsed: FastAuthArgs = { name, flags: {} };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "-q" || arg === "--quiet") continue;
    const match = /^--([a-z_-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) return undefined;
    const flag = match[1];
    let value = match[2];
    if (value === undefined) {
      if (i + 1 >= rest.length) return undefined;
      value = rest[++i];
    }
    if (flag === "config") parsed.config = value;
    else if (flag === "node-local-cache") parsed.nodeLocalCache = value;
    else {
      const key = FLAG_KEYS.get(flag);
      if (!key) return undefined;
      parsed.flags[key] = key === "scopes" ? [...[parsed.flags.scopes ?? []].flat(), value] : value;
    }
  }
  return parsed;
}

/** The credential_process line from the cache, or undefined. */
export async function cachedAuth(
  args: string[],
  env: (name: string) => string | undefined,
  report: (message: string) => void,
  now = Date.now(),
): Promise<string | undefined> {
  const parsed = parseFastAuthArgs(args);
  if (!parsed) return undefined;
  try {
    const config = await loadConfigFile(configPath(parsed.config, env));
    if (config.warnings.length) return undefined; // the full CLI shows them
    const provider = resolveProvider({ config, name: parsed.name, flags: parsed.flags, env });
    const store = await openCache({ nodeLocal: parsed.nodeLocalCache, env, onProblem: report });
    const names = await cacheNames(provider);
    const [credentials, tokens] = await Promise.all([
      store.read<CredentialEntry>(names.credentials),
      store.read<TokenEntry>(names.tokens),
    ]);
    const hit = servableCredentials(credentials, tokens, provider, now);
    return hit ? credentialProcessJson(hit) : undefined;
  } catch {
    return undefined;
  }
}
