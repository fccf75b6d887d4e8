/**
 * `aws-oidc check-token-valid <provider>`: is the cached token for STS still usable
 * (cache only, no network)? `aws-oidc check-refresh-ttl <provider>`: how long
 * the IdP will still take the cached refresh token (RFC 7662 introspection).
 * Both answer on stdout and with the exit code: 0 yes, 1 no.
 */
import type { Command } from "commander";
import { AwsOidcError, QuietExit } from "../errors.ts";
import type { FlagValues } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import type { CacheStore } from "../cache/store.ts";
import { cacheNames, isTokenEntry, type TokenEntry, webIdentityUsable } from "../cache/entries.ts";
import { type Introspection, introspectRefreshToken } from "../oidc/mod.ts";
import { addProviderFlags, providerFlagValues } from "./auth.ts";
import { addNodeLocalCacheFlag } from "./status.ts";
import { type CacheOptions, loadProvider, openStore, tokenStore } from "./setup.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** What the check commands are given. */
export interface CheckInput {
  name: string;
  flags: FlagValues;
  globals: GlobalOptions;
  cache: CacheOptions;
}

/** Registers `check-token-valid` and `check-refresh-ttl`. */
export function registerChecks(program: Command, context: CliContext): void {
  const tokenValid = program
    .command("check-token-valid")
    .description("Print valid (exit 0) or invalid (exit 1): whether the cached token for STS is usable; never logs in")
    .argument("<provider>", "name of an [[AuthProvider]] in the config file");
  addNodeLocalCacheFlag(addProviderFlags(tokenValid)).addHelpText(
    "after",
    `
Examples:
  aws-oidc check-token-valid google || aws-oidc token google >/dev/null   log in only when needed

Reads the cache alone: no network, no browser. "valid" means the ID token has more than a minute left.`,
  );
  tokenValid.action(async (name: string, _options: unknown, self: Command) => {
    await checkTokenValid(checkInput(name, self), context);
  });

  const refreshTtl = program
    .command("check-refresh-ttl")
    .description("Ask the identity provider how long the cached refresh token stays valid (JSON on stdout)")
    .argument("<provider>", "name of an [[AuthProvider]] in the config file");
  addNodeLocalCacheFlag(addProviderFlags(refreshTtl)).addHelpText(
    "after",
    `
Examples:
  aws-oidc check-refresh-ttl google | jq .expires_in

stdout: {"active":true,"expires_in":<seconds>,"expires_at":"<ISO 8601>"} (exit 0), or {"active":false} (exit 1).
expires_in and expires_at are null when the IdP does not say. Needs the IdP's introspection endpoint (RFC 7662).`,
  );
  refreshTtl.action(async (name: string, _options: unknown, self: Command) => {
    await checkRefreshTtl(checkInput(name, self), context);
  });
}

function checkInput(name: string, self: Command): CheckInput {
  const options = self.optsWithGlobals<GlobalOptions & CacheOptions & Record<string, unknown>>();
  return { name, flags: providerFlagValues(options), globals: options, cache: options };
}

/** The work of `check-token-valid`: prints `valid` or `invalid`; invalid ends in exit code 1. */
export async function checkTokenValid(
  input: CheckInput,
  context: CliContext,
  now: () => number = Date.now,
): Promise<void> {
  const { provider, store } = await open(input, context);
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
  const { provider, store, log } = await open(input, context);
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

async function open(input: CheckInput, context: CliContext) {
  const log = context.makeLog({ debug: input.globals.debug ?? false, quiet: input.globals.quiet ?? false });
  const provider = await loadProvider(input.name, input.flags, input.globals, context, log);
  // Sealed token files are opened (src/cache/sealed.ts), so the refresh token can be introspected.
  const store = tokenStore(await openStore(input.cache, context, log), provider.storage, log);
  return { provider, store, log };
}

/** The provider's cached tokens, if any. */
export async function cachedTokens(provider: Provider, store: CacheStore): Promise<TokenEntry | undefined> {
  return await store.read<TokenEntry>((await cacheNames(provider)).tokens, isTokenEntry);
}
