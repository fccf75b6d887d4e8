/**
 * Where the cache lives: `AWS_OIDC_CACHE_DIR` or `~/.aws-oidc/cache`, or, for
 * home directories shared over NFS (where file locks are unreliable), a
 * node-local directory (`--node-local-cache` / `AWS_OIDC_NODE_LOCAL_CACHE`)
 * that is seeded from the shared cache the first time it is used.
 */
import { cacheDir, type CacheStore, openCacheStore } from "./store.ts";
import { exists } from "../io.ts";

/** Options of {@link openCache}. */
export interface CacheLocation {
  /** `--node-local-cache`; wins over `AWS_OIDC_NODE_LOCAL_CACHE`. */
  nodeLocal?: string;
  env: (name: string) => string | undefined;
  onProblem: (message: string) => void;
}

/** Opens the cache the options point at, bootstrapping a node-local one. */
export async function openCache(location: CacheLocation): Promise<CacheStore> {
  const nodeLocal = location.nodeLocal || location.env("AWS_OIDC_NODE_LOCAL_CACHE");
  const shared = cacheDir(undefined, location.env);
  if (!nodeLocal) return await openCacheStore(shared, { onProblem: location.onProblem });
  const fresh = !(await exists(nodeLocal));
  const store = await openCacheStore(nodeLocal, { onProblem: location.onProblem });
  if (fresh && (await exists(shared))) {
    await copyAll(await openCacheStore(shared, { onProblem: location.onProblem }), store);
  }
  return store;
}

async function copyAll(from: CacheStore, to: CacheStore): Promise<void> {
  for (const name of await from.list()) {
    const data = await from.read<Record<string, unknown>>(name);
    if (data) await to.write(name, data);
  }
}

/**
 * Every cache the options reach: the node-local one first (when there is one),
 * then the shared one it was seeded from, if it exists. A logout must end the
 * session in all of them, or the next node would seed it back.
 */
export async function openCaches(location: CacheLocation): Promise<CacheStore[]> {
  const nodeLocal = location.nodeLocal || location.env("AWS_OIDC_NODE_LOCAL_CACHE");
  const first = await openCache(location);
  const shared = cacheDir(undefined, location.env);
  if (!nodeLocal || shared === first.dir || !(await exists(shared))) return [first];
  return [first, await openCacheStore(shared, { onProblem: location.onProblem })];
}
