/**
 * Caching as a decorator around a credential source, in the shape of
 * aws-vault's `CachedSessionProvider`: the key is the request identity
 * ({@link cacheNames}), the expiry window is the provider's refresh window, and
 * the clock is injected. On a hit the inner source is never called; on a miss
 * (or inside the window) it is called under the identity's lock, the cache is
 * read once more (another process may have answered meanwhile), and what the
 * source returns is stored.
 *
 * @see https://github.com/99designs/aws-vault/blob/master/vault/cachedsessionprovider.go
 */
import type { Log } from "../log.ts";
import { AwsOidcError } from "../errors.ts";
import type { CacheStore } from "./store.ts";
import {
  type CacheNames,
  type CredentialEntry,
  isCredentialEntry,
  isTokenEntry,
  servableCredentials,
  type TokenEntry,
} from "./entries.ts";

/**
 * The inner source: credentials obtained anew. It is handed the cached tokens
 * (undefined when the cache is not trusted) so it can refresh rather than log in.
 */
export type CredentialSource = (cachedTokens: TokenEntry | undefined) => Promise<CredentialEntry>;

/** Everything the decorator decides with. */
export interface CachedSessionOptions {
  store: CacheStore;
  /** Where the hit test reads (no secret is needed for it, so no sealed file is opened); default {@link store}. */
  peek?: CacheStore;
  log: Log;
  /** The cache files of this request identity. */
  names: CacheNames;
  /** The session's length and refresh window, which set how long before expiry cached credentials stop being served. */
  session: { duration: number; refreshWindow?: number };
  /** Epoch milliseconds. */
  now: () => number;
  /** False with `--no-cache` or `--force-login`: nothing cached is read (the result is still stored). */
  trustCache: boolean;
  /** Runs a function holding the identity's lock, so parallel processes share one login. */
  lock: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** Cached credentials while they are outside the expiry window, else the inner source's, stored. */
export async function cachedSession(source: CredentialSource, options: CachedSessionOptions): Promise<CredentialEntry> {
  const { store, names, log } = options;
  const peek = options.peek ?? store;
  const servable = async () => {
    if (!options.trustCache) return undefined;
    const [credentials, tokens] = await Promise.all([
      peek.read<CredentialEntry>(names.credentials, isCredentialEntry),
      peek.read<TokenEntry>(names.tokens, isTokenEntry),
    ]);
    return servableCredentials(credentials, tokens, options.session, options.now());
  };
  const first = await servable();
  if (first) {
    log.debug(`serving cached credentials for ${first.roleArn}`);
    return first;
  }
  return await options.lock(async () => {
    const hit = await servable();
    if (hit) {
      log.debug("another process refreshed the credentials meanwhile");
      return hit;
    }
    const tokens = options.trustCache ? await store.read<TokenEntry>(names.tokens, isTokenEntry) : undefined;
    const entry = await source(tokens);
    await storeBestEffort(store, log, names.credentials, { ...entry });
    return entry;
  });
}

/** Caches already warned about in this process. */
const unwritable = new WeakSet<CacheStore>();

/**
 * Stores what was obtained. The cache is an optimisation: when it cannot be
 * written (a full disk, a read-only file system), the answer is still given,
 * with one warning per cache naming the directory and the cause.
 */
export async function storeBestEffort(
  store: CacheStore,
  log: Log,
  name: string,
  data: Record<string, unknown>,
): Promise<void> {
  try {
    await store.write(name, data);
  } catch (error) {
    if (!(error instanceof AwsOidcError)) throw error;
    if (unwritable.has(store)) return;
    unwritable.add(store);
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    log.warn(
      `Cannot write to the cache "${store.dir}": ${cause}; the credentials are given but not cached, ` +
        "so the next run logs in again (free some space or choose another directory with AWS_OIDC_CACHE_DIR)",
    );
  }
}
