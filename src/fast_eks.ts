/**
 * The cached `eks-token` path, which runs before every `kubectl` call: when the
 * fast index (cache/eks_tokens.ts) knows this exact invocation, and the token it
 * names is still servable, print the ExecCredential without parsing the config
 * or loading any npm package. Like fast_path.ts it only reads, synchronously,
 * and serves only a pristine cache; anything else returns undefined and the
 * full CLI takes over.
 */
import { configPath } from "./config/path.ts";
import { flagValue } from "./cache/fast_index.ts";
import { type CredentialEntry, isCredentialEntry, isTokenEntry, type TokenEntry } from "./cache/entries.ts";
import {
  type EksIndexEntry,
  eksIndexName,
  type EksTokenEntry,
  isEksIndexEntry,
  isEksTokenEntry,
  servableEksToken,
} from "./cache/eks_tokens.ts";
import { awsConfigPath } from "./aws/config_path.ts";
import { execApiVersion, execCredentialJson } from "./output/exec_credential.ts";
import { answerFromCache, pristineCacheDir, readPristine, regularFile } from "./fast_path.ts";

/** The ExecCredential line for `eks-token <args>` from the cache, or undefined. */
export function cachedEksToken(
  args: string[],
  get: (name: string) => string | undefined,
  now = Date.now(),
): string | undefined {
  return answerFromCache(args, () => {
    const { apiVersion, warning } = execApiVersion(get("KUBERNETES_EXEC_INFO"));
    const cluster = flagValue(args, "--cluster-name")?.trim();
    if (warning || !cluster) return undefined; // the full path warns, or explains
    const config = regularFile(configPath(flagValue(args, "--config"), get));
    // A profile is read from the AWS config; with --provider that file plays no part.
    const viaProfile = flagValue(args, "--provider") === undefined;
    const awsConfig = viaProfile ? regularFile(awsConfigPath(get)) : undefined;
    if (!config || (viaProfile && !awsConfig)) return undefined;
    const dir = pristineCacheDir(args, get);
    if (!dir) return undefined;
    const index = readPristine<EksIndexEntry>(
      dir,
      eksIndexName(args, { config, awsConfig }, apiVersion, get),
      isEksIndexEntry,
    );
    if (!index) return undefined;
    const entry = readPristine<EksTokenEntry>(dir, index.eksToken, isEksTokenEntry);
    const credentials = readPristine<CredentialEntry>(dir, index.credentials, isCredentialEntry);
    const tokens = readPristine<TokenEntry>(dir, index.tokens, isTokenEntry);
    const hit = servableEksToken(entry, { credentials, tokens }, { cluster, apiVersion }, now);
    return hit ? execCredentialJson(apiVersion, hit.token, new Date(hit.expiresAt)) : undefined;
  });
}
