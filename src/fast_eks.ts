/**
 * The cached `eks-token` path, which runs before every `kubectl` call: when the
 * fast index (cache/eks_tokens.ts) knows this exact invocation, and the token it
 * names is still servable, print the ExecCredential without parsing the config
 * or loading any npm package. Like fast_path.ts it only reads, synchronously,
 * and serves only a pristine cache; anything else returns undefined and the
 * full CLI takes over.
 */
import { configPath } from "./config/path.ts";
import { cacheDir } from "./cache/dir.ts";
import { flagValue, FULL_PATH_FLAGS } from "./cache/fast_index.ts";
import { type CredentialEntry, isCredentialEntry, isTokenEntry, type TokenEntry } from "./cache/entries.ts";
import {
  type EksIndexEntry,
  eksIndexName,
  type EksTokenEntry,
  type FingerprintFile,
  isEksIndexEntry,
  isEksTokenEntry,
  servableEksToken,
} from "./cache/eks_tokens.ts";
import { awsConfigPath } from "./aws/config_path.ts";
import { execApiVersion, execCredentialJson } from "./output/exec_credential.ts";
import { readPristine } from "./fast_path.ts";

const POSIX = Deno.build.os !== "windows";

/** The ExecCredential line for `eks-token <args>` from the cache, or undefined. */
export function cachedEksToken(
  args: string[],
  get: (name: string) => string | undefined,
  now = Date.now(),
): string | undefined {
  if (args.some((arg) => FULL_PATH_FLAGS.has(arg))) return undefined;
  try {
    const { apiVersion, warning } = execApiVersion(get("KUBERNETES_EXEC_INFO"));
    const cluster = flagValue(args, "--cluster-name")?.trim();
    if (warning || !cluster) return undefined; // the full path warns, or explains
    const config = regularFile(configPath(flagValue(args, "--config"), get));
    // A profile is read from the AWS config; with --provider that file plays no part.
    const viaProfile = flagValue(args, "--provider") === undefined;
    const awsConfig = viaProfile ? regularFile(awsConfigPath(get)) : undefined;
    if (!config || (viaProfile && !awsConfig)) return undefined;
    const indexName = eksIndexName(args, { config, awsConfig }, apiVersion, get);
    const dir = flagValue(args, "--node-local-cache") || get("AWS_OIDC_NODE_LOCAL_CACHE") || cacheDir(undefined, get);
    const info = Deno.statSync(dir);
    if (!info.isDirectory || (POSIX && (info.mode! & 0o077) !== 0)) return undefined;
    const index = readPristine<EksIndexEntry>(dir, indexName, isEksIndexEntry);
    if (!index) return undefined;
    const entry = readPristine<EksTokenEntry>(dir, index.eksToken, isEksTokenEntry);
    const credentials = readPristine<CredentialEntry>(dir, index.credentials, isCredentialEntry);
    const tokens = readPristine<TokenEntry>(dir, index.tokens, isTokenEntry);
    const hit = servableEksToken(entry, { credentials, tokens }, { cluster, apiVersion }, now);
    return hit ? execCredentialJson(apiVersion, hit.token, new Date(hit.expiresAt)) : undefined;
  } catch {
    return undefined;
  }
}

/** A regular file's path and text; undefined for anything else (a FIFO would block: the full path explains). */
function regularFile(path: string): FingerprintFile | undefined {
  try {
    return Deno.statSync(path).isFile ? { path, text: Deno.readTextFileSync(path) } : undefined;
  } catch {
    return undefined;
  }
}
