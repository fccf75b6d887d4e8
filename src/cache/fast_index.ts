/**
 * The fast path's index. After the full CLI answers an `auth` invocation, it
 * records which cache files answered it, under a fingerprint of everything
 * that decided the answer: the arguments, the config file's path and content
 * (not its modification time, which some file systems keep to the second) and
 * the environment variables aws-oidc reads. The next identical invocation then finds its credentials without
 * parsing TOML or loading any npm package; any change to the config, the flags
 * or the environment changes the fingerprint and takes the full path again.
 *
 * Loaded on the fast cached path: Deno APIs and local modules only.
 */
import type { CacheStore } from "./store.ts";
import { CACHE_VERSION, FAST_INDEX_PREFIX } from "./keys.ts";
import { envName, FIELDS, PRIVATE_KEY_ENV } from "../config/fields.ts";

/** What one invocation needs to answer from the cache. */
export interface FastIndexEntry {
  tokens: string;
  credentials: string;
  duration: number;
  refreshWindow?: number;
}

/**
 * Environment variables that change what `auth` resolves to: every setting's
 * `AWS_OIDC_<KEY>`, aws-oidc's own locations and the AWS region and endpoint.
 * Read by name (the permission set grants environment access by name, not the
 * whole environment); a new variable that `auth` reads belongs here.
 */
export const FINGERPRINT_ENV: readonly string[] = [
  ...FIELDS.map((field) => envName(field.key)),
  "AWS_OIDC_CONFIG",
  "AWS_OIDC_CACHE_DIR",
  "AWS_OIDC_NODE_LOCAL_CACHE",
  PRIVATE_KEY_ENV,
  "HOME",
  "USERPROFILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL_STS",
  "AWS_ENDPOINT_URL",
].sort();

/** The index file name for `auth <args>` given the config file's path and content. */
export function fastIndexName(
  args: string[],
  configFile: string,
  config: string,
  env: (name: string) => string | undefined,
): string {
  const relevant = FINGERPRINT_ENV.flatMap((name) => {
    const value = env(name);
    return value === undefined ? [] : [[name, value]];
  });
  const fingerprint = JSON.stringify({
    v: CACHE_VERSION,
    args,
    config: [configFile, config],
    env: relevant,
  });
  return `${FAST_INDEX_PREFIX}${fnv1a(fingerprint, 0x811c9dc5)}${fnv1a(fingerprint, 0x01000193)}.json`;
}

/**
 * 32-bit FNV-1a as 8 hex digits. Not a security boundary (the index lives in
 * the private cache directory and names files there); cheap, unlike WebCrypto's
 * first use, on the path that runs before every `aws` command.
 */
function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** Records an entry (best effort: the fast path is an optimisation). */
export async function writeFastIndex(store: CacheStore, name: string, entry: FastIndexEntry): Promise<void> {
  await store.write(name, { ...entry }).catch(() => {});
}

/** Flags after which the cache must not answer, or which the full CLI must see. */
export const FULL_PATH_FLAGS = new Set(["--no-cache", "--force-login", "--debug", "-h", "--help"]);

/** The value of `--name value` or `--name=value` among `args`. */
export function flagValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}
