/**
 * The work of `aws-oidc logout <provider>` / `aws-oidc logout --all`: revoke the refresh
 * token at the IdP (RFC 7009), then delete the cached tokens and every
 * credential file obtained with them, and the keychain's data key once no
 * sealed token file is left.
 *
 * The local files are deleted even when revocation fails (the IdP cannot be
 * reached, or refuses): a logout must not leave a usable refresh token on
 * disk. The command then exits 1, because the token may still be valid at the
 * IdP until it expires. An IdP without a revocation endpoint is said so, and
 * is not a failure.
 */
import { AwsOidcError, UsageError } from "../errors.ts";
import type { Log } from "../log.ts";
import type { FlagValues } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import type { CacheStore } from "../cache/store.ts";
import { withIdentityLock } from "../aws/credentials.ts";
import { cacheNames, isTokenEntry, type TokenEntry } from "../cache/entries.ts";
import { providersByTokenFile, removeAllSessions, removeCredentialsOf } from "../cache/sessions.ts";
import { revokeToken, type TokenTypeHint } from "../oidc/revoke.ts";
import type { CacheOptions } from "./flags.ts";
import { openSession, tokenStore } from "./session.ts";
import { removeUnusedDataKey } from "../cache/sealed.ts";
import { systemKeychain } from "../cache/keychain/mod.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** Whom to log out: one provider (with its setting flags) or every cached session. */
export type LogoutTarget = { all: true } | { all: false; name: string; flags: FlagValues };

/** The outside world of `logout`. */
export interface LogoutDeps {
  /** Resolves to false when the IdP has no revocation endpoint. */
  revoke: (provider: Provider, token: string, hint: TokenTypeHint) => Promise<boolean>;
}

/** Checks that exactly one of a provider name and --all was given, and no settings with --all. */
export function parseLogoutTarget(name: string | undefined, all: boolean, flags: FlagValues): LogoutTarget {
  if (name !== undefined && all) {
    throw new UsageError(`Give a provider name or --all, not both (got "${name}" and --all)`, {
      hint: "aws-oidc logout google, or aws-oidc logout --all",
    });
  }
  if (all) {
    const given = Object.keys(flags);
    if (given.length > 0) {
      throw new UsageError(`--all takes no provider settings (got ${given.join(", ")})`, {
        hint: "each cached session is revoked with the settings of its provider in the config file",
      });
    }
    return { all: true };
  }
  if (name === undefined) {
    throw new UsageError("logout needs a provider name or --all", {
      hint: "aws-oidc logout google, or aws-oidc logout --all",
    });
  }
  return { all: false, name, flags };
}

/** The work of `logout`, callable without the CLI. */
export async function logout(
  input: { target: LogoutTarget; globals: GlobalOptions; cache: CacheOptions },
  context: CliContext,
  deps: LogoutDeps = { revoke: revokeToken },
): Promise<void> {
  const session = openSession(
    input.target.all ? input : { ...input, name: input.target.name, flags: input.target.flags },
    context,
  );
  const { log } = session;
  // A node-local cache was seeded from the shared one: the session ends in both, or the next node seeds it back.
  const [store, ...seededFrom] = await session.stores();
  const stores = [store, ...seededFrom];
  const failures: AwsOidcError[] = [];
  const revoked = new Set<string>();
  const end = async (from: CacheStore, file: string, provider: Provider | undefined) => {
    // Reads sealed token files (to revoke their refresh tokens) whatever the storage setting; writes nothing.
    const tokens = tokenStore(from, "file", log);
    const failure = await endTokenSession(tokens, file, provider, { deps, log, revoked });
    if (failure) failures.push(failure);
  };
  if (input.target.all) {
    const providers = await providersByTokenFile(await session.config(), context.env, log);
    let removed = 0;
    for (const each of stores) {
      removed += await removeAllSessions(each, (file) => end(each, file, providers.get(file)?.[0]));
    }
    log.info(
      removed === 0
        ? `No cached sessions in ${stores.map((each) => `"${each.dir}"`).join(" or ")}`
        : `Removed ${count(removed, "cached token and credential file")}`,
    );
  } else {
    const provider = await session.provider();
    const files = await cacheNames(provider);
    const sharing = (await providersByTokenFile(await session.config(), context.env, log)).get(files.tokens) ?? [];
    const names = new Set([provider.name, ...sharing.map((other) => other.name)]);
    const removed = await withIdentityLock(provider, { store, log }, files, async () => {
      let removed = 0;
      for (const each of stores) {
        await end(each, files.tokens, provider);
        removed += (await each.remove(files.tokens) ? 1 : 0) +
          await removeCredentialsOf(each, names, { ...provider, tokens: files.tokens });
      }
      return removed;
    });
    log.info(
      removed === 0
        ? `No cached session for "${provider.name}"`
        : `Logged out of "${provider.name}": removed ${count(removed, "cache file")}`,
    );
  }
  for (const each of stores) {
    if (await removeUnusedDataKey(each, systemKeychain({ dir: each.dir }), log)) {
      log.info("Removed aws-oidc's data key from the keychain: no sealed tokens are left");
    }
  }
  if (failures.length > 0) {
    const [first] = failures;
    throw new AwsOidcError(`The cached session was removed, but revocation failed: ${first.message}`, {
      hint: `${
        first.hint ? `${first.hint}; ` : ""
      }the refresh token may stay valid at the identity provider until it expires`,
      cause: first,
    });
  }
}

/**
 * Revokes the refresh token (else the access token) of the token file `file`
 * when a provider to do it with is known. Resolves to the failure, if any;
 * the file itself is left for the caller to delete.
 */
async function endTokenSession(
  store: CacheStore,
  file: string,
  provider: Provider | undefined,
  options: { deps: LogoutDeps; log: Log; revoked: Set<string> },
): Promise<AwsOidcError | undefined> {
  const { deps, log } = options;
  const entry = await store.read<TokenEntry>(file, isTokenEntry);
  if (!entry) return undefined;
  const [token, hint]: [string | undefined, TokenTypeHint] = entry.refreshToken
    ? [entry.refreshToken, "refresh_token"]
    : [entry.accessToken, "access_token"];
  if (!token || options.revoked.has(token)) return undefined; // a seeded copy of a session already ended
  log.secret(token);
  const what = hint === "refresh_token" ? "refresh token" : "access token";
  if (!provider) {
    log.warn(
      `Not revoking the ${what} of "${entry.issuer}" (client "${entry.clientId}"): no provider in the config uses it`,
    );
    return undefined;
  }
  options.revoked.add(token);
  try {
    if (await deps.revoke(provider, token, hint)) {
      log.info(`Revoked the ${what} at "${provider.providerUrl}"`);
    } else {
      log.warn(
        `The identity provider "${provider.providerUrl}" publishes no revocation_endpoint; ` +
          `the ${what} stays valid there until it expires`,
      );
    }
    return undefined;
  } catch (error) {
    return error instanceof AwsOidcError ? error : new AwsOidcError((error as Error).message, { cause: error });
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
