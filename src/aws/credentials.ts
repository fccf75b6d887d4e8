/**
 * The pipeline from a resolved provider to AWS credentials:
 * cache → tokens (cache | refresh | browser login) → STS → cache.
 *
 * Cached credentials are served while more than the refresh window remains
 * (the decorator in `cache/cached_session.ts`, keyed by the request identity).
 * Otherwise, under a per-identity lock (so parallel processes share one
 * login), a still-valid ID token goes straight to STS, else the refresh token
 * is used, and only when that fails does the browser open. With
 * `token = "access_token"`, and always with client credentials, the (JWT)
 * access token is what goes to STS and whose expiry counts.
 */
import type { Provider } from "../config/provider.ts";
import type { Log } from "../log.ts";
import { type IdTokenClaims, IdTokenRefused, type RefreshedTokens, type Tokens } from "../oidc/mod.ts";
import type { CacheStore } from "../cache/store.ts";
import {
  cacheNames,
  type CredentialEntry,
  isTokenEntry,
  NO_ID_TOKEN_ON_REFRESH_HINT,
  type TokenEntry,
  webIdentityKind,
  webIdentityToken,
  webIdentityUsable,
} from "../cache/entries.ts";
import { withLock } from "../cache/lock.ts";
import { cachedSession, storeBestEffort } from "../cache/cached_session.ts";
import { roleSessionName } from "./session_name.ts";
import type { AssumeRoleRequest, AwsCredentials, ChainRequest } from "./sts.ts";
import { AwsOidcError } from "../errors.ts";

/** The outside world the pipeline touches; every piece injectable. */
export interface CredentialDeps {
  log: Log;
  env: (name: string) => string | undefined;
  store: CacheStore;
  /**
   * The same files as stored, sealed token files left sealed: enough to decide whether cached credentials may be
   * served (which needs the tokens' subject, never a secret), so a cache hit does not open the keychain.
   * Default: {@link store}.
   */
  clearStore?: CacheStore;
  /** The browser login. */
  login: (provider: Provider) => Promise<Tokens>;
  /** The refresh token grant; throws when the refresh token is no good. */
  refresh: (provider: Provider, cached: TokenEntry) => Promise<RefreshedTokens>;
  assumeRole: (request: AssumeRoleRequest) => Promise<AwsCredentials>;
  /** Role chaining after the web identity step. */
  assumeChain: (request: ChainRequest) => Promise<AwsCredentials>;
  /**
   * Called, without waiting, as soon as the cache cannot answer, so the STS client loads while tokens are read,
   * refreshed or logged in for (`preloadSts` in sts.ts). A speed-up only: nothing depends on it.
   */
  warmUp?: () => void;
  now?: () => number;
}

/** How far the cache may be trusted. */
export interface CacheMode {
  /** Do not read the cache (it is still written). */
  noCache?: boolean;
  /** Open the browser even when tokens are cached. */
  forceLogin?: boolean;
}

/**
 * Credentials for `provider`: the inner source (tokens → STS) wrapped in the
 * cache decorator, keyed by the request identity.
 */
export async function getCredentials(
  provider: Provider,
  deps: CredentialDeps,
  mode: CacheMode = {},
): Promise<CredentialEntry> {
  const names = await cacheNames(provider);
  return await cachedSession(async (cachedTokens) => {
    const tokens = await obtainTokens(provider, deps, names.tokens, cachedTokens);
    return await exchange(provider, tokens, deps);
  }, {
    store: deps.store,
    peek: deps.clearStore,
    log: deps.log,
    names,
    session: provider,
    now: deps.now ?? Date.now,
    trustCache: !mode.noCache && !mode.forceLogin,
    // The decorator locks only when the cache cannot answer: STS will be called, so its client starts loading
    // now, beside the wait for the lock and the token file (the keychain), refresh grant or login.
    lock: (fn) => {
      deps.warmUp?.();
      return withIdentityLock(provider, deps, names, fn);
    },
  });
}

/** OIDC tokens for `provider` (for `token`): cached while the token for STS is usable, else refreshed or a login. */
export async function getTokens(provider: Provider, deps: CredentialDeps, mode: CacheMode = {}): Promise<TokenEntry> {
  const names = await cacheNames(provider);
  const trustCache = !mode.noCache && !mode.forceLogin;
  return await withIdentityLock(provider, deps, names, async () => {
    const cached = trustCache ? await deps.store.read<TokenEntry>(names.tokens, isTokenEntry) : undefined;
    return await obtainTokens(provider, deps, names.tokens, cached);
  });
}

/**
 * Runs `fn` holding the provider identity's lock, so parallel processes share
 * one login (and a logout cannot race a refresh that would write tokens back).
 */
export async function withIdentityLock<T>(
  provider: Provider,
  deps: Pick<CredentialDeps, "store" | "log">,
  names: { tokens: string },
  fn: () => Promise<T>,
): Promise<T> {
  const lockPath = `${deps.store.dir}/${names.tokens.replace(/\.json$/, ".lock")}`;
  return await withLock(lockPath, {
    // The holder may need the whole login timeout, then discovery, code redemption, JWKS and STS calls.
    timeoutSeconds: provider.timeout + 120,
    onWait: () => deps.log.notice(`Waiting for a login to "${provider.name}" in another aws-oidc process…`),
    onFallback: (path, cause) =>
      deps.log.debug(`locking with "${path}": the cache's own lock failed (${cause.message})`),
  }, fn);
}

/** A usable token for STS: the cached one, a refreshed one, or a login's. Stores what it gets. */
async function obtainTokens(
  provider: Provider,
  deps: CredentialDeps,
  tokensName: string,
  cached: TokenEntry | undefined,
): Promise<TokenEntry> {
  const now = deps.now ?? Date.now;
  for (const secret of [cached?.idToken, cached?.accessToken, cached?.refreshToken]) deps.log.secret(secret);
  if (cached && webIdentityUsable(cached, provider, now())) {
    deps.log.debug(`using the cached ${webIdentityKind(provider).replace("_", " ")}`);
    return cached;
  }
  const needsIdToken = webIdentityKind(provider) === "id_token";
  if (cached?.refreshToken && needsIdToken && cached.refreshSendsNoIdToken) {
    // Known from an earlier refresh: asking again would only renew tokens that cannot go to STS.
    deps.log.info(`${NO_ID_TOKEN_MESSAGE}; logging in again (hint: ${NO_ID_TOKEN_ON_REFRESH_HINT})`);
  } else if (cached?.refreshToken) {
    try {
      deps.log.debug("refreshing tokens without the browser");
      const { id, ...rest } = await deps.refresh(provider, cached);
      const receivedAt = Math.floor(now() / 1000);
      // Without a new ID token the refresh still renews the access token and may rotate the refresh token.
      const refreshed: TokenEntry = id
        ? { ...toEntry({ ...id, ...rest }, provider, cached.loggedInAt, receivedAt), refreshSendsNoIdToken: false }
        : {
          ...cached,
          ...rest,
          receivedAt: needsIdToken ? cached.receivedAt : receivedAt,
          refreshSendsNoIdToken: true,
        };
      await storeTokens(deps, tokensName, refreshed);
      // A token just issued is used whatever its lifetime, as long as it has not expired.
      const fresh = !needsIdToken || id !== undefined;
      if (webIdentityUsable(refreshed, provider, now(), { justIssued: fresh })) return refreshed;
      deps.log.info(unusableRefresh(provider, refreshed, id !== undefined));
      cached = refreshed;
    } catch (error) {
      if (error instanceof IdTokenRefused) throw error;
      deps.log.info(`${(error as Error).message}; logging in again`);
    }
  }
  const loggedInAt = Math.floor(now() / 1000);
  const tokens: TokenEntry = {
    ...toEntry(await deps.login(provider), provider, loggedInAt, loggedInAt),
    // What the IdP does on refresh is a fact about it, not about this login.
    ...(cached?.refreshSendsNoIdToken === undefined ? {} : { refreshSendsNoIdToken: cached.refreshSendsNoIdToken }),
  };
  await storeTokens(deps, tokensName, tokens);
  return tokens;
}

/** What was wrong with the token a refresh grant left for STS, as it happened, and that the browser comes next. */
function unusableRefresh(provider: Provider, refreshed: TokenEntry, newIdToken: boolean): string {
  const again = "logging in again";
  if (webIdentityKind(provider) === "access_token") {
    return refreshed.accessTokenExpiresAt === undefined
      ? `The identity provider refreshed the session but did not say when the new access token expires; ${again}`
      : `The identity provider refreshed the session with an access token that has already expired (check this machine's clock); ${again}`;
  }
  return newIdToken
    ? `The identity provider refreshed the session with an ID token that has already expired (check this machine's clock); ${again}`
    : `${NO_ID_TOKEN_MESSAGE}; ${again} (hint: ${NO_ID_TOKEN_ON_REFRESH_HINT})`;
}

async function storeTokens(deps: CredentialDeps, name: string, tokens: TokenEntry): Promise<void> {
  await storeBestEffort(deps.store, deps.log, name, { ...tokens });
}

const NO_ID_TOKEN_MESSAGE = "The identity provider sends no new ID token on refresh (OIDC allows it), " +
  "so the expired ID token cannot go to STS";

/** `clientId` is the provider's: an ID token was checked to be for it, and an access token's audience is the resource. */
function toEntry(
  tokens: Tokens,
  provider: Pick<Provider, "clientId">,
  loggedInAt: number,
  receivedAt: number,
): TokenEntry {
  const claims: IdTokenClaims = tokens.claims;
  return {
    issuer: claims.iss,
    clientId: provider.clientId,
    idToken: tokens.idToken,
    idTokenExpiresAt: claims.exp,
    sub: claims.sub,
    aud: [claims.aud].flat() as string[],
    claims: pickClaims(claims),
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshToken: tokens.refreshToken,
    loggedInAt,
    receivedAt,
  };
}

/** The claims worth keeping (for RoleSessionName and status), not the whole token. */
function pickClaims(claims: IdTokenClaims): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === "string" && !["nonce", "at_hash", "c_hash", "sid", "jti"].includes(name)) kept[name] = value;
  }
  return kept;
}

/** Token (ID or access, see {@link webIdentityKind}) → STS; the decorator stores the result. */
async function exchange(provider: Provider, tokens: TokenEntry, deps: CredentialDeps): Promise<CredentialEntry> {
  deps.log.secret(tokens.idToken);
  deps.log.secret(tokens.accessToken);
  deps.log.secret(tokens.refreshToken);
  // The entry's own `sub` wins: the kept claims are for naming, and a file edited by hand may lack it.
  const sessionName = roleSessionName(
    { ...tokens.claims, sub: tokens.sub } as IdTokenClaims,
    provider.sessionNameClaim,
  );
  deps.log.debug(
    `assuming ${provider.roleArn} as "${sessionName}" in ${provider.region} at ${provider.stsEndpoint} (from ${provider.stsEndpointSource})`,
  );
  const { token } = webIdentityToken(tokens, provider);
  if (!token) {
    throw new AwsOidcError(`The identity provider sent no ${webIdentityKind(provider).replace("_", " ")} for STS`, {
      hint: "check the provider's flow and token settings",
    });
  }
  // ID tokens were verified as JWTs; an access token is opaque to us unless the IdP makes it a JWT.
  if (webIdentityKind(provider) === "access_token" && token.split(".").length !== 3) {
    throw new AwsOidcError("The identity provider issued an opaque access token; STS needs a JWT", {
      hint: 'configure the IdP to issue JWT access tokens (RFC 9068), or set token = "id_token"',
    });
  }
  const request = {
    roleArn: provider.roleArn,
    webIdentityToken: token,
    roleSessionName: sessionName,
    durationSeconds: provider.duration,
    region: provider.region,
    endpoint: provider.stsEndpoint,
  };
  let credentials = await deps.assumeRole(request);
  if (provider.chain.length) {
    deps.log.debug(`chaining to ${provider.chain.join(" → ")}`);
    credentials = await deps.assumeChain({ ...request, credentials, chain: provider.chain });
  }
  const roles = [provider.roleArn, ...provider.chain];
  deps.log.secret(credentials.secretAccessKey);
  deps.log.secret(credentials.sessionToken);
  const entry: CredentialEntry = {
    provider: provider.name,
    issuer: provider.providerUrl,
    clientId: provider.clientId,
    roleArn: roles.at(-1)!,
    via: roles.length > 1 ? roles.slice(0, -1) : undefined,
    region: provider.region,
    duration: provider.duration,
    sub: tokens.sub,
    sessionName,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: credentials.expiration.toISOString(),
  };
  return entry;
}
