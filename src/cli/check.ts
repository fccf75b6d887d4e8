/**
 * The work of `aws-oidc check-token-valid <provider>`: is the cached token for STS still usable
 * (cache only, no network)? `aws-oidc check-refresh-ttl <provider>`: how long
 * the IdP will still take the cached refresh token (RFC 7662 introspection).
 * Both answer on stdout and with the exit code: 0 yes, 1 no.
 */
import { AwsOidcError, QuietExit } from "../errors.ts";
import type { FlagValues } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import type { CacheStore } from "../cache/store.ts";
import { cacheNames, isTokenEntry, type TokenEntry, webIdentityUsable } from "../cache/entries.ts";
import { type Introspection, introspectRefreshToken } from "../oidc/introspect.ts";
import type { CacheOptions } from "./flags.ts";
import { openSession } from "./session.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** What the check commands are given. */
export interface CheckInput {
  name: string;
  flags: FlagValues;
  globals: GlobalOptions;
  cache: CacheOptions;
}

/** The work of `check-token-valid`: prints `valid` or `invalid`; invalid ends in exit code 1. */
export async function checkTokenValid(
  input: CheckInput,
  context: CliContext,
  now: () => number = Date.now,
): Promise<void> {
  const session = openSession(input, context);
  const provider = await session.provider();
  const store = await session.tokens();
  const valid = webIdentityUsable(await cachedTokens(provider, store), provider, now());
  context.stdout(valid ? "valid\n" : "invalid\n");
  if (!valid) throw new QuietExit(1);
}

/** The outside world of `check-refresh-ttl`. */
export interface RefreshTtlDeps {
  introspect: (provider: Provider, refreshToken: string) => Promise<Introspection>;
  now: () => number;
}

/** The work of `check-refresh-ttl`: prints the IdP's answer as JSON; an inactive token ends in exit code 1. */
export async function checkRefreshTtl(
  input: CheckInput,
  context: CliContext,
  deps: RefreshTtlDeps = { introspect: introspectRefreshToken, now: Date.now },
): Promise<void> {
  const session = openSession(input, context);
  const { log } = session;
  const provider = await session.provider();
  // Sealed token files are opened (src/cache/sealed.ts), so the refresh token can be introspected.
  const store = await session.tokens();
  const tokens = await cachedTokens(provider, store);
  if (!tokens?.refreshToken) {
    throw new AwsOidcError(`No refresh token is cached for "${provider.name}"`, {
      hint: tokens
        ? "the identity provider issued none; some IdPs need the offline_access scope or auth_params"
        : `log in first, e.g. aws-oidc token ${provider.name}`,
    });
  }
  log.secret(tokens.refreshToken);
  const introspection = await deps.introspect(provider, tokens.refreshToken);
  context.stdout(refreshTtlJson(introspection, deps.now()));
  if (!introspection.active) throw new QuietExit(1);
}

/** The line `check-refresh-ttl` prints. */
export function refreshTtlJson(introspection: Introspection, nowMs: number): string {
  if (!introspection.active) return `${JSON.stringify({ active: false })}\n`;
  const expiresAt = introspection.expiresAt;
  return `${
    JSON.stringify({
      active: true,
      expires_in: expiresAt === undefined ? null : Math.max(0, expiresAt - Math.floor(nowMs / 1000)),
      expires_at: expiresAt === undefined ? null : new Date(expiresAt * 1000).toISOString(),
    })
  }\n`;
}

/** The provider's cached tokens, if any. */
export async function cachedTokens(provider: Provider, store: CacheStore): Promise<TokenEntry | undefined> {
  return await store.read<TokenEntry>((await cacheNames(provider)).tokens, isTokenEntry);
}
