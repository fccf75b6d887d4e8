/**
 * What most commands need before their own work: the config loaded and one
 * provider resolved, the cache opened, and the pipeline's dependencies built.
 */
import type { Log } from "../log.ts";
import { type ConfigFile, configPath, loadConfigFile } from "../config/load.ts";
import { type FlagValues, requireProvider, resolveProvider, RoleChoiceNeeded } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import { pickRole } from "./pick.ts";
import { openCache, openCaches } from "../cache/location.ts";
import type { CacheStore } from "../cache/store.ts";
import { sealingStore, type StorageMode } from "../cache/sealed.ts";
import { systemKeychain } from "../cache/keychain/mod.ts";
import type { CredentialDeps } from "../aws/credentials.ts";
import { currentPlatform, loginByFlow, openBrowser, refreshTokens } from "../oidc/mod.ts";
import { assumeRoleChain, assumeRoleWithWebIdentity } from "../aws/sts.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** Options about the cache that several commands share. */
export interface CacheOptions {
  nodeLocalCache?: string;
}

/** Loads the config and resolves one provider, warning about unknown keys. */
export async function loadProvider(
  name: string,
  flags: FlagValues,
  globals: GlobalOptions,
  context: CliContext,
  log: Log,
): Promise<Provider> {
  return (await loadConfigAndProvider(name, flags, globals, context, log)).provider;
}

/**
 * {@link loadProvider}, also returning the config file it read, and whether a person chose the role on the
 * terminal (then the arguments, config and environment alone do not determine the answer).
 */
export async function loadConfigAndProvider(
  name: string,
  flags: FlagValues,
  globals: GlobalOptions,
  context: CliContext,
  log: Log,
): Promise<{ config: ConfigFile; provider: Provider; interactiveChoice: boolean }> {
  const config = await loadConfigFile(configPath(globals.config, context.env));
  for (const warning of config.warnings) log.warn(warning);
  let provider: Provider;
  let interactiveChoice = false;
  const resolution = resolveProvider({ config, name, flags, env: context.env });
  if ("provider" in resolution) {
    provider = resolution.provider;
  } else {
    // Several roles and none chosen: ask when a person is at a terminal, else the error lists the choices.
    if (!context.interactive()) throw new RoleChoiceNeeded(name, resolution.choices);
    const role = await pickRole(name, resolution.choices, log);
    provider = requireProvider({ config, name, flags: { ...flags, role }, env: context.env });
    interactiveChoice = true;
  }
  log.secret(provider.clientSecret);
  return { config, provider, interactiveChoice };
}

/** Opens the cache (node-local when asked), reporting repairs on stderr. */
export async function openStore(options: CacheOptions, context: CliContext, log: Log): Promise<CacheStore> {
  return await openCache({ nodeLocal: options.nodeLocalCache, env: context.env, onProblem: (m) => log.warn(m) });
}

/** The cache {@link openStore} opens, then the shared one a node-local cache was seeded from. */
export async function openStores(options: CacheOptions, context: CliContext, log: Log): Promise<CacheStore[]> {
  return await openCaches({ nodeLocal: options.nodeLocalCache, env: context.env, onProblem: (m) => log.warn(m) });
}

/**
 * The store as the pipeline sees it: token files sealed with the OS keychain's
 * data key as `mode` says (src/cache/sealed.ts); a sealed file opens in any mode.
 */
export function tokenStore(store: CacheStore, mode: StorageMode, log: Log) {
  return sealingStore(store, { mode, keychain: systemKeychain({ dir: store.dir }), log });
}

/** The real outside world for the credential pipeline. */
export function credentialDeps(provider: Provider, store: CacheStore, context: CliContext, log: Log): CredentialDeps {
  const platform = currentPlatform();
  const tokens = tokenStore(store, provider.storage, log);
  return {
    log,
    env: context.env,
    store: tokens,
    clearStore: tokens.clear,
    // Where the new tokens will go is settled first: a keychain that cannot be used fails before the browser
    // opens, and before a refresh spends a rotating refresh token.
    login: async (p) => {
      await tokens.decide();
      return await loginByFlow(p, { log, openBrowser: (url) => openBrowser(url, p.agent, platform) });
    },
    refresh: async (p, cached) => {
      await tokens.decide();
      return await refreshTokens(p, cached);
    },
    assumeRole: assumeRoleWithWebIdentity,
    assumeChain: assumeRoleChain,
    ...context.services,
  };
}
