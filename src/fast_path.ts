/**
 * The cached `auth` path, which runs before every `aws` command: when the
 * fast index (see cache/fast_index.ts) knows this exact invocation and its
 * credentials are still fresh, answer without parsing the config or loading
 * any npm package.
 *
 * It only reads, synchronously (an async file operation starts Deno's blocking
 * thread pool, which costs more than the reads themselves), and only serves a
 * pristine cache: a missing, corrupted, symlinked or loosely permitted file or
 * directory returns undefined, and the full CLI takes over, repairs and reports.
 */
import { configPath } from "./config/path.ts";
import { CACHE_FILE_NAME, CACHE_VERSION } from "./cache/keys.ts";
import { cacheDir } from "./cache/dir.ts";
import { type FastIndexEntry, fastIndexName, flagValue, FULL_PATH_FLAGS } from "./cache/fast_index.ts";
import {
  type CredentialEntry,
  isCredentialEntry,
  isTokenEntry,
  servableCredentials,
  type TokenEntry,
} from "./cache/entries.ts";
import { credentialProcessJson } from "./output/process.ts";

const POSIX = Deno.build.os !== "windows";

/** The credential_process line for `auth <args>` from the cache, or undefined. */
export function cachedAuth(
  args: string[],
  get: (name: string) => string | undefined,
  now = Date.now(),
): string | undefined {
  return answerFromCache(args, () => {
    const config = regularFile(configPath(flagValue(args, "--config"), get));
    const dir = pristineCacheDir(args, get);
    if (!config || !dir) return undefined;
    const index = readPristine<FastIndexEntry>(dir, fastIndexName(args, config.path, config.text, get));
    if (!index) return undefined;
    const credentials = readPristine<CredentialEntry>(dir, index.credentials, isCredentialEntry);
    const tokens = readPristine<TokenEntry>(dir, index.tokens, isTokenEntry);
    const hit = servableCredentials(credentials, tokens, index, now);
    return hit ? credentialProcessJson(hit) : undefined;
  });
}

/**
 * What `answer` reads from the cache; undefined for the flags only the full path handles, and for anything unexpected
 * on the way (a missing, foreign or half-written file: the full path explains or repairs it).
 */
export function answerFromCache(args: string[], answer: () => string | undefined): string | undefined {
  if (args.some((arg) => FULL_PATH_FLAGS.has(arg))) return undefined;
  try {
    return answer();
  } catch {
    return undefined;
  }
}

/** A regular file's path and text; undefined for anything else (a FIFO would block: the full path explains). */
export function regularFile(path: string): { path: string; text: string } | undefined {
  try {
    return Deno.statSync(path).isFile ? { path, text: Deno.readTextFileSync(path) } : undefined;
  } catch {
    return undefined;
  }
}

/** The cache directory the invocation names, when it is a directory closed to others; else the full path's. */
export function pristineCacheDir(args: string[], get: (name: string) => string | undefined): string | undefined {
  const dir = flagValue(args, "--node-local-cache") || get("AWS_OIDC_NODE_LOCAL_CACHE") || cacheDir(undefined, get);
  const info = Deno.statSync(dir);
  return info.isDirectory && !(POSIX && (info.mode! & 0o077) !== 0) ? dir : undefined;
}

/** A cache file's data when it is a 0600 regular file of the current version; anything else is the full path's. */
export function readPristine<T>(
  dir: string,
  name: string,
  isValid: (data: Record<string, unknown>) => boolean = () => true,
): T | undefined {
  if (!CACHE_FILE_NAME.test(name)) return undefined;
  const path = `${dir}/${name}`;
  const info = Deno.lstatSync(path);
  if (!info.isFile || (POSIX && (info.mode! & 0o777) !== 0o600)) return undefined;
  const data = JSON.parse(Deno.readTextFileSync(path));
  return data?.v === CACHE_VERSION && isValid(data) ? data as T : undefined;
}
