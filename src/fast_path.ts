/**
 * The cached `auth` path, which runs before every `aws` command: when the
 * fast index (see cache/fast_index.ts) knows this exact invocation and its
 * credentials are still fresh, answer without parsing the config or loading
 * any npm package. Anything else returns undefined and the full CLI takes over.
 */
import { configPath } from "./config/path.ts";
import { cacheDir, openCacheStore } from "./cache/store.ts";
import { type FastIndexEntry, fastIndexName, flagValue, FULL_PATH_FLAGS } from "./cache/fast_index.ts";
import { type CredentialEntry, servableCredentials, type TokenEntry } from "./cache/entries.ts";
import { credentialProcessJson } from "./output/process.ts";

/** The credential_process line for `auth <args>` from the cache, or undefined. */
export async function cachedAuth(
  args: string[],
  env: Record<string, string>,
  report: (message: string) => void,
  now = Date.now(),
): Promise<string | undefined> {
  if (args.some((arg) => FULL_PATH_FLAGS.has(arg))) return undefined;
  const get = (name: string): string | undefined => env[name];
  try {
    const indexName = await fastIndexName(args, configPath(flagValue(args, "--config"), get), env);
    if (!indexName) return undefined;
    const nodeLocal = flagValue(args, "--node-local-cache") || get("AWS_OIDC_NODE_LOCAL_CACHE");
    const dir = nodeLocal || cacheDir(undefined, get);
    // A missing directory is the full path's to create (and, node-local, to seed from the shared cache).
    if (!(await Deno.stat(dir).then((info) => info.isDirectory, () => false))) return undefined;
    const store = await openCacheStore(dir, { onProblem: report });
    const index = await store.read<FastIndexEntry>(indexName);
    if (!index) return undefined;
    const [credentials, tokens] = await Promise.all([
      store.read<CredentialEntry>(index.credentials),
      store.read<TokenEntry>(index.tokens),
    ]);
    const hit = servableCredentials(credentials, tokens, index, now);
    return hit ? credentialProcessJson(hit) : undefined;
  } catch {
    return undefined;
  }
}
