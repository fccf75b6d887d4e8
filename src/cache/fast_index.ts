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

/** What one invocation needs to answer from the cache. */
export interface FastIndexEntry {
  tokens: string;
  credentials: string;
  duration: number;
  refreshWindow?: number;
}

/** Environment variables (besides every `AWS_OIDC_*`) that change what `auth` resolves to. */
const RELEVANT_ENV = [
  "HOME",
  "USERPROFILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL_STS",
  "AWS_ENDPOINT_URL",
];

/** The index file name for `auth <args>` given the config file's path and content. */
export function fastIndexName(args: string[], configFile: string, config: string, env: Record<string, string>): string {
  const relevant = Object.keys(env)
    .filter((name) => name.startsWith("AWS_OIDC_") || RELEVANT_ENV.includes(name))
    .sort()
    .map((name) => [name, env[name]]);
  const fingerprint = JSON.stringify({
    v: 1,
    args,
    config: [configFile, config],
    env: relevant,
  });
  return `fastpath-${fnv1a(fingerprint, 0x811c9dc5)}${fnv1a(fingerprint, 0x01000193)}.json`;
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
