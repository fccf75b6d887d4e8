/**
 * What most commands need before their own work, in one place: the log, the
 * config, one provider resolved (a person picks the role on a terminal when
 * several fit), the cache, the credential pipeline's dependencies, and the
 * cache mode (`--no-cache`, `--force-login`). {@link openSession} builds each
 * piece on first use and only once, as aws-vault's cli/global.go does, so a
 * command pays only for what it uses.
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
import { assumeRoleChain, assumeRoleWithWebIdentity, preloadSts } from "../aws/sts.ts";
import type { AuthOptions, CacheOptions } from "./flags.ts";
import { resolveName, type Target } from "./target.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** What a command opens a session for. */
export interface SessionRequest {
  /** A provider; with `profiles`, a provider or a profile in ~/.aws/config that runs aws-oidc. */
  name?: string;
  /** A provider named outright (`exec --provider`), skipping the profile lookup. */
  provider?: string;
  /** The provider settings given on the command line. */
  flags?: FlagValues;
  cache?: AuthOptions;
  globals: GlobalOptions;
  /** The name may be a profile (src/cli/target.ts). */
  profiles?: boolean;
}

/** How the pipeline may use the cache: `--no-cache` and `--force-login`. */
export interface CacheMode {
  noCache: boolean;
  forceLogin?: boolean;
}

/** A command's view of the world; every piece is built on first use. */
export interface Session {
  log: Log;
  /** The provider and settings to use, read through a profile when the name is one. */
  target(): Promise<Target>;
  /** The cache mode of the target's settings. */
  mode(): Promise<CacheMode>;
  /** The config file (its warnings are given when a provider is resolved). */
  config(): Promise<ConfigFile>;
  /** The provider resolved from the target. */
  provider(): Promise<Provider>;
  /** Whether a person chose the provider's role on the terminal (then the invocation alone does not determine it). */
  interactiveChoice(): Promise<boolean>;
  /** The cache (node-local when asked), repairs reported on stderr. */
  store(): Promise<CacheStore>;
  /** {@link store}, then the shared cache a node-local one was seeded from. */
  stores(): Promise<CacheStore[]>;
  /** The store with token files sealed as the provider's `storage` says (src/cache/sealed.ts). */
  tokens(): Promise<CacheStore>;
  /** The real outside world of the credential pipeline, for the session's provider or `provider`. */
  deps(provider?: Provider): Promise<CredentialDeps>;
}

/** Opens a command's session; nothing is read until asked for. */
export function openSession(request: SessionRequest, context: CliContext): Session {
  const globals = request.globals;
  const log = context.makeLog({ debug: globals.debug ?? false, quiet: globals.quiet ?? false });
  const target = once(async (): Promise<Target> => {
    const given = { flags: request.flags ?? {}, cache: request.cache ?? {}, globals };
    if (request.profiles) {
      return await resolveName({ ...given, name: request.name, provider: request.provider }, context, log);
    }
    return { ...given, provider: request.provider ?? request.name! };
  });
  const config = once(async () => loadConfigFile(configPath((await target()).globals.config, context.env)));
  const resolved = once(async () => {
    const { provider, flags } = await target();
    return await resolveWithPicker(await config(), provider, flags, context, log);
  });
  const cacheOptions = async () => (await target()).cache;
  const store = once(async () => openCache(storeOptions(await cacheOptions(), context, log)));
  const stores = once(async () => openCaches(storeOptions(await cacheOptions(), context, log)));
  return {
    log,
    target,
    mode: async () => {
      const cache = await cacheOptions();
      return { noCache: cache.cache === false, forceLogin: cache.forceLogin };
    },
    config,
    provider: async () => (await resolved()).provider,
    interactiveChoice: async () => (await resolved()).interactiveChoice,
    store,
    stores,
    tokens: async () => tokenStore(await store(), (await resolved()).provider.storage, log),
    deps: async (provider) => credentialDeps(provider ?? (await resolved()).provider, await store(), context, log),
  };
}

/** Memoises an async builder: the first call builds, later calls share its result. */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => built ??= build();
}

/**
 * Resolves one provider, warning about unknown keys. Several roles and none chosen: a person at a terminal
 * picks one, else the error lists the choices.
 */
async function resolveWithPicker(
  config: ConfigFile,
  name: string,
  flags: FlagValues,
  context: CliContext,
  log: Log,
): Promise<{ provider: Provider; interactiveChoice: boolean }> {
  for (const warning of config.warnings) log.warn(warning);
  let provider: Provider;
  let interactiveChoice = false;
  const resolution = resolveProvider({ config, name, flags, env: context.env });
  if ("provider" in resolution) {
    provider = resolution.provider;
  } else {
    if (!context.interactive()) throw new RoleChoiceNeeded(name, resolution.choices);
    const role = await pickRole(name, resolution.choices, log);
    provider = requireProvider({ config, name, flags: { ...flags, role }, env: context.env });
    interactiveChoice = true;
  }
  log.secret(provider.clientSecret);
  return { provider, interactiveChoice };
}

function storeOptions(options: CacheOptions, context: CliContext, log: Log) {
  return { nodeLocal: options.nodeLocalCache, env: context.env, onProblem: (message: string) => log.warn(message) };
}

/**
 * The store as the pipeline sees it: token files sealed with the OS keychain's
 * data key as `mode` says (src/cache/sealed.ts); a sealed file opens in any mode.
 */
export function tokenStore(store: CacheStore, mode: StorageMode, log: Log) {
  return sealingStore(store, { mode, keychain: systemKeychain({ dir: store.dir }), log });
}

/** The real outside world for the credential pipeline. */
function credentialDeps(provider: Provider, store: CacheStore, context: CliContext, log: Log): CredentialDeps {
  const platform = currentPlatform();
  const tokens = tokenStore(store, provider.storage, log);
  return {
    log,
    env: context.env,
    store: tokens,
    clearStore: tokens.clear,
    // Where the new tokens will go is settled first: a keychain that cannot be used fails before the browser
    // opens, and before a refresh spends a rotating refresh token. The IdP's modules (oauth4webapi, jose) load
    // only when the IdP is needed (oidc/mod.ts): fresh tokens in the cache take STS alone.
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
    // The STS SDK is the heaviest module on the path: it starts loading as soon as the cache cannot answer.
    warmUp: preloadSts,
    ...context.services,
  };
}
