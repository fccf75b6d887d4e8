/**
 * The sessions in a cache, by kind: listing them (`status`), finding which
 * configured providers use a token file, and removing a session with every
 * file obtained from it (`logout`), each file told apart by its kind
 * (cache/keys.ts `cacheFileKind`).
 */
import type { Log } from "../log.ts";
import type { ConfigFile } from "../config/load.ts";
import { providerNames, requireProvider } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import type { CacheStore } from "./store.ts";
import { holdsToken } from "./sealed.ts";
import { cacheNames, type CredentialEntry, isCredentialEntry, isTokenEntry, type TokenEntry } from "./entries.ts";
import { removeEksTokensOf } from "./eks_tokens.ts";
import { cacheFileKind } from "./keys.ts";

/** One cache file as `status` shows it: names and times, never a token or key. */
export interface CachedSession {
  kind: "credentials" | "tokens";
  /** The provider name; for tokens, the configured providers that use them (null when none does). */
  provider: string | null;
  /** Credentials: the role. */
  role_arn: string | null;
  region: string | null;
  /** Tokens: the issuer and client. */
  issuer: string | null;
  client_id: string | null;
  /** The RoleSessionName (credentials), or the email, username or subject of the tokens. */
  identity: string;
  /** When the credentials, or the ID token, expire (ISO 8601). */
  expires_at: string;
  /** Seconds until then; negative once expired. */
  expires_in: number;
  /** Tokens: whether a refresh token is cached (so no browser is needed when the ID token expires). */
  refresh_token: boolean | null;
  /** Tokens: false once a refresh brought no new ID token (each expiry of the ID token then needs the browser). */
  id_token_on_refresh: boolean | null;
  file: string;
}

/**
 * The sessions in the cache, sorted by provider then kind. `tokenOwners` maps
 * a token file's name to the providers that use it (token files do not record
 * a provider name: one login serves every role of an issuer and client).
 */
export async function listSessions(
  store: CacheStore,
  options: { nowMs: number; tokenOwners?: Map<string, string[]> },
): Promise<CachedSession[]> {
  const sessions: CachedSession[] = [];
  for (const file of await store.list()) {
    const kind = cacheFileKind(file);
    if (kind === "credentials") {
      const entry = await store.read<CredentialEntry>(file, isCredentialEntry);
      if (entry) sessions.push(credentialSession(file, entry, options.nowMs));
    } else if (kind === "tokens") {
      const entry = await store.read<TokenEntry>(file, isTokenEntry);
      const owners = options.tokenOwners?.get(file);
      if (entry) sessions.push(tokenSession(file, entry, owners?.join(",") ?? null, options.nowMs));
    }
  }
  return sessions.sort((a, b) =>
    (a.provider ?? "\uffff").localeCompare(b.provider ?? "\uffff") || a.kind.localeCompare(b.kind) ||
    a.file.localeCompare(b.file)
  );
}

function credentialSession(file: string, entry: CredentialEntry, nowMs: number): CachedSession {
  const expires = Date.parse(entry.expiration);
  return {
    kind: "credentials",
    provider: String(entry.provider),
    role_arn: String(entry.roleArn),
    region: String(entry.region),
    issuer: null,
    client_id: null,
    identity: String(entry.sessionName),
    expires_at: Number.isFinite(expires) ? new Date(expires).toISOString() : String(entry.expiration),
    expires_in: Number.isFinite(expires) ? Math.floor((expires - nowMs) / 1000) : 0,
    refresh_token: null,
    id_token_on_refresh: null,
    file,
  };
}

function tokenSession(file: string, entry: TokenEntry, provider: string | null, nowMs: number): CachedSession {
  const claims = entry.claims ?? {};
  const identity = [claims.email, claims.preferred_username, entry.sub].find((value) => typeof value === "string");
  return {
    kind: "tokens",
    provider,
    role_arn: null,
    region: null,
    issuer: String(entry.issuer),
    client_id: String(entry.clientId),
    identity: String(identity),
    expires_at: new Date(entry.idTokenExpiresAt * 1000).toISOString(),
    expires_in: Math.floor(entry.idTokenExpiresAt - nowMs / 1000),
    refresh_token: holdsToken({ ...entry }, "refreshToken"),
    id_token_on_refresh: entry.refreshSendsNoIdToken === undefined ? null : !entry.refreshSendsNoIdToken,
    file,
  };
}

/**
 * The configured providers by the name of their token file (several may share
 * one: one login serves every role of an issuer and client). Providers that do
 * not resolve on their own (a missing role_arn, say) are skipped.
 */
export async function providersByTokenFile(
  config: ConfigFile,
  env: (name: string) => string | undefined,
  log: Log,
): Promise<Map<string, Provider[]>> {
  const providers = new Map<string, Provider[]>();
  for (const name of providerNames(config)) {
    try {
      const provider = requireProvider({ config, name, env });
      log.secret(provider.clientSecret);
      const { tokens } = await cacheNames(provider);
      providers.set(tokens, [...providers.get(tokens) ?? [], provider]);
    } catch (error) {
      log.debug(`provider "${name}" does not resolve, so it names no token file: ${(error as Error).message}`);
    }
  }
  return providers;
}

/**
 * Removes every file of the cache, the fast path's index included; `ending`
 * is called on each token file first (to revoke its tokens). Resolves to the
 * number of sessions (token and credential files) removed.
 */
export async function removeAllSessions(
  store: CacheStore,
  ending: (tokenFile: string) => Promise<void>,
): Promise<number> {
  let removed = 0;
  for (const file of await store.list()) {
    const kind = cacheFileKind(file);
    if (kind === "tokens") await ending(file);
    // Everything goes; only sessions are counted.
    if (await store.remove(file) && (kind === "tokens" || kind === "credentials")) removed++;
  }
  return removed;
}

/**
 * Deletes the credential files obtained with a logged-out identity: those
 * recording its issuer and client id, and those of the providers in `names`
 * (the one logged out and any other sharing its tokens), the EKS tokens they
 * signed, and the fast path's index entries that point at them or at the token file.
 * Resolves to the number of credential and EKS token files removed.
 */
export async function removeCredentialsOf(
  store: CacheStore,
  names: Set<string>,
  identity: { providerUrl: string; clientId: string; tokens: string },
): Promise<number> {
  let removed = 0;
  const gone = new Set<string>();
  const files = await store.list();
  for (const file of files) {
    if (cacheFileKind(file) !== "credentials") continue;
    const entry = await store.read<CredentialEntry>(file, isCredentialEntry);
    if (!entry) continue;
    const sameIdentity = entry.issuer === identity.providerUrl && entry.clientId === identity.clientId;
    if (sameIdentity || names.has(entry.provider)) {
      gone.add(file);
      if (await store.remove(file)) removed++;
    }
  }
  // The fast path's index entries that pointed at them (or at the tokens) go too; they are not counted.
  for (const file of files) {
    if (cacheFileKind(file) !== "fastpath") continue;
    const index = await store.read<{ tokens?: unknown; credentials?: unknown }>(file);
    if (index && (gone.has(String(index.credentials)) || index.tokens === identity.tokens)) await store.remove(file);
  }
  return removed + await removeEksTokensOf(store, gone);
}
