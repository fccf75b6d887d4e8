/**
 * Cached EKS tokens (`eks-token`): what is stored, under which key, when it may
 * be served, and the fast index that lets main.ts answer without the CLI.
 *
 * A token is a bearer secret for one cluster, good until 15 minutes after it
 * was signed and only while the credentials that signed it are: it is served
 * while more than {@link EKS_TOKEN_MARGIN} seconds of its offered lifetime
 * remain, and only while the credential cache still holds the very session
 * that signed it (a logout, or new credentials, retire it).
 *
 * Loaded on the fast cached path: Deno APIs and local modules only.
 */
import { type CredentialEntry, isCredentialEntry, isTokenEntry, type TokenEntry } from "./entries.ts";
import type { CacheStore } from "./store.ts";
import { cacheFileKind, cacheFileName, type EksTokenKey } from "./keys.ts";
import { fastIndexName } from "./fast_index.ts";

/** Seconds of validity a token must have left to be served (kubectl asks again once it has expired). */
export const EKS_TOKEN_MARGIN = 60;

/** One stored token. */
export interface EksTokenEntry {
  /** The cache file of the credentials that signed it (a logout of them removes the token too). */
  credentials: string;
  cluster: string;
  region: string;
  apiVersion: string;
  /** The access key id of the credentials that signed it. */
  accessKeyId: string;
  token: string;
  /** ISO 8601: when the token stops being offered (the ExecCredential's expirationTimestamp). */
  expiresAt: string;
}

/** What the fast index records for one `eks-token` invocation: the three files that decide its answer. */
export interface EksIndexEntry {
  eksToken: string;
  credentials: string;
  tokens: string;
}

/** True when `data` has every field of an {@link EksTokenEntry}, each a string. */
export function isEksTokenEntry(data: Record<string, unknown>): boolean {
  return ["credentials", "cluster", "region", "apiVersion", "accessKeyId", "token", "expiresAt"].every((key) =>
    typeof data[key] === "string"
  );
}

/** True when `data` is an {@link EksIndexEntry}. */
export function isEksIndexEntry(data: Record<string, unknown>): boolean {
  return ["eksToken", "credentials", "tokens"].every((key) => typeof data[key] === "string");
}

/** What a token is for: the credentials that sign it (their cache file), cluster, region, STS endpoint, API version. */
export type EksTokenRequest = Omit<EksTokenKey, "kind">;

/** The outside world of {@link getEksToken}. */
export interface EksTokenSource {
  store: CacheStore;
  /** The session's token file: with the credentials, it decides whether the signing session is still cached. */
  tokensFile: string;
  /** Credentials through the pipeline (cache, refresh, login). */
  credentials: () => Promise<CredentialEntry>;
  /** Signs a token for the request with them. */
  sign: (credentials: CredentialEntry) => Promise<{ token: string; expiresAt: Date }>;
  now?: () => number;
}

/**
 * The token for `request`: the cached one while {@link servableEksToken} allows
 * (unless `mode.noCache`), else one signed with fresh credentials, then stored.
 * Resolves to it and its cache file's name.
 */
export async function getEksToken(
  request: EksTokenRequest,
  source: EksTokenSource,
  mode: { noCache?: boolean } = {},
): Promise<{ entry: EksTokenEntry; file: string }> {
  const now = source.now ?? Date.now;
  const file = await cacheFileName({ kind: "eks-token", ...request });
  if (!mode.noCache) {
    const [cached, credentials, tokens] = await Promise.all([
      source.store.read<EksTokenEntry>(file, isEksTokenEntry),
      source.store.read<CredentialEntry>(request.credentials, isCredentialEntry),
      source.store.read<TokenEntry>(source.tokensFile, isTokenEntry),
    ]);
    const hit = servableEksToken(cached, { credentials, tokens }, request, now());
    if (hit) return { entry: hit, file };
  }
  const credentials = await source.credentials();
  const { token, expiresAt } = await source.sign(credentials);
  const entry: EksTokenEntry = {
    credentials: request.credentials,
    cluster: request.cluster,
    region: request.region,
    apiVersion: request.apiVersion,
    accessKeyId: credentials.accessKeyId,
    token,
    expiresAt: expiresAt.toISOString(),
  };
  await source.store.write(file, { ...entry });
  return { entry, file };
}

/**
 * The cached token, when it may be served at `nowMs`: the session that signed
 * it is still the cached one (same access key, tokens of the same subject), and
 * it and those credentials stay valid for more than {@link EKS_TOKEN_MARGIN} seconds.
 */
export function servableEksToken(
  entry: EksTokenEntry | undefined,
  session: { credentials?: CredentialEntry; tokens?: TokenEntry },
  request: { cluster: string; apiVersion: string },
  nowMs: number,
): EksTokenEntry | undefined {
  const { credentials, tokens } = session;
  if (!entry || !credentials || !tokens || credentials.sub !== tokens.sub) return undefined;
  if (entry.accessKeyId !== credentials.accessKeyId) return undefined;
  if (entry.cluster !== request.cluster || entry.apiVersion !== request.apiVersion) return undefined;
  const margin = EKS_TOKEN_MARGIN * 1000;
  const fresh = (iso: string) => Date.parse(iso) - nowMs > margin; // NaN: false
  return fresh(entry.expiresAt) && fresh(credentials.expiration) ? entry : undefined;
}

/** A file the fingerprint covers: its path and content (undefined when it could not be read). */
export interface FingerprintFile {
  path: string;
  text?: string;
}

/**
 * The fast index name of `eks-token <args>`: the `auth` fingerprint (arguments,
 * aws-oidc config, environment) plus the AWS config a profile is read from (none
 * with `--provider`) and the API version asked for.
 */
export function eksIndexName(
  args: string[],
  files: { config: FingerprintFile; awsConfig?: FingerprintFile },
  apiVersion: string,
  env: (name: string) => string | undefined,
): string {
  const content = JSON.stringify([files.config.text, files.awsConfig?.path, files.awsConfig?.text]);
  return fastIndexName(["eks-token", apiVersion, ...args], files.config.path, content, env);
}

/** Removes the tokens signed with the credentials cached in `credentialFiles`; resolves to how many went. */
export async function removeEksTokensOf(store: CacheStore, credentialFiles: ReadonlySet<string>): Promise<number> {
  let removed = 0;
  for (const file of await store.list()) {
    if (cacheFileKind(file) !== "eks-token") continue;
    const entry = await store.read<EksTokenEntry>(file, isEksTokenEntry);
    if (entry && credentialFiles.has(entry.credentials) && await store.remove(file)) removed++;
  }
  return removed;
}
