/**
 * Structured, versioned cache keys. A key names what was cached (its kind) and
 * everything that decides its value; the file name is a hash of that, so no
 * value needs escaping and field order never matters.
 *
 * Loaded on the fast cached path: imports nothing.
 */

/** What a cache file's name looks like (never a path): checked before any file is opened. */
export const CACHE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*\.json$/;

/**
 * Bumped when the layout of a cache file or of a key changes; files of other
 * versions then simply miss, and stay for the version that wrote them.
 */
export const CACHE_VERSION = 2;

/**
 * What a provider's tokens depend on: who the client is at which issuer, how it
 * authenticates and obtains tokens, what it asks for, and which token goes to
 * STS. Two providers share tokens only when all of this is equal.
 */
export interface TokenKey {
  kind: "tokens";
  issuer: string;
  clientId: string;
  clientAuth: "none" | "client_secret" | "private_key_jwt";
  flow: string;
  /** Sorted, without duplicates: the order scopes are asked in changes nothing. */
  scopes: string[];
  authParams: Record<string, string>;
  /** Which token goes to STS. */
  token: "id_token" | "access_token";
}

/** AWS credentials for one role, obtained with the tokens of one {@link TokenKey}. */
export interface CredentialKey {
  kind: "credentials";
  tokens: Omit<TokenKey, "kind">;
  roleArn: string;
  /** Roles assumed after `roleArn`, in order. */
  chain: string[];
  /** Session duration in seconds. */
  duration: number;
  region: string;
  partition: string;
  sessionName?: string;
  /** The STS endpoint as aws-oidc resolved it: credentials from a stand-in are never served for real AWS. */
  endpoint: string;
}

/** An EKS token (cache/eks_tokens.ts): signed with one credential set, for one cluster, region and API version. */
export interface EksTokenKey {
  kind: "eks-token";
  /** The cache file name of the credentials that sign: itself a hash of their {@link CredentialKey}. */
  credentials: string;
  cluster: string;
  region: string;
  /** The STS endpoint the token's URL points at. */
  endpoint: string;
  apiVersion: string;
}

export type CacheKey = TokenKey | CredentialKey | EksTokenKey;

const encoder = new TextEncoder();

/**
 * The cache file name for a key: `<kind>-<32 hex digits>.json`, the digits being
 * the start of the SHA-256 of the key's canonical JSON with `v: CACHE_VERSION` added.
 */
export async function cacheFileName(key: CacheKey): Promise<string> {
  const canonical = canonicalJson({ ...key, v: CACHE_VERSION });
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(canonical));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${key.kind}-${hex.slice(0, 32)}.json`;
}

/** The name prefix of the fast path's index files (src/cache/fast_index.ts), which are not keyed by a {@link CacheKey}. */
export const FAST_INDEX_PREFIX = "fastpath-";

/** What a cache file holds, by its name: a key's kind, the fast path's index, or anything else. */
export type CacheFileKind = CacheKey["kind"] | "fastpath" | "other";

/** The kind of the cache file `file`, read back from the name {@link cacheFileName} (or the fast index) gave it. */
export function cacheFileKind(file: string): CacheFileKind {
  const kind = /^(tokens|credentials|eks-token|fastpath)-/.exec(file)?.[1];
  return (kind ?? "other") as CacheFileKind;
}

/**
 * JSON with object keys sorted at every depth; array order is kept. Undefined
 * fields are left out, as `JSON.stringify` does, so absent and undefined agree.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const name of Object.keys(inner).sort()) sorted[name] = (inner as Record<string, unknown>)[name];
    return sorted;
  });
}
