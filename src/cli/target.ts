/**
 * The one way a command turns the name it was given into a provider and its
 * settings: `env`, `exec`, `serve`, `token` and `login` all call
 * {@link resolveName}.
 *
 * A name that is an `[[AuthProvider]]` in the config file is that provider.
 * Otherwise it must be a profile in `~/.aws/config` whose `credential_process`
 * runs `aws-oidc auth …`; that line is read with `auth`'s own options, the
 * profile's `region` applies unless the line sets one, and the command line
 * overrides both.
 */
import { UsageError } from "../errors.ts";
import type { Log } from "../log.ts";
import { type FlagValues, providerNames } from "../config/resolve.ts";
import { configPath, loadConfigFile } from "../config/load.ts";
import { readAwsOidcProfile } from "../aws/profiles.ts";
import { isThisProgram, parseAuthArguments } from "../aws/credential_process.ts";
import type { AuthOptions } from "./flags.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** What a command was given: a name, or (`exec --provider`) a provider named outright, and its own flags. */
export interface NamedInput {
  /** A provider or a profile. */
  name?: string;
  /** A provider, skipping the profile lookup. */
  provider?: string;
  flags: FlagValues;
  cache: AuthOptions;
  globals: GlobalOptions;
}

/** The provider to load and the settings to load it with. */
export interface Target {
  provider: string;
  /** The profile the provider came from, if it came from one. */
  profile?: string;
  flags: FlagValues;
  cache: AuthOptions;
  globals: GlobalOptions;
}

/** Resolves a provider or profile name (see the module comment). */
export async function resolveName(input: NamedInput, context: CliContext, log: Log): Promise<Target> {
  const common = { flags: input.flags, cache: input.cache, globals: input.globals };
  if (input.provider !== undefined) return { ...common, provider: input.provider };
  const name = input.name!;
  const config = await loadConfigFile(configPath(input.globals.config, context.env));
  const providers = providerNames(config);
  if (providers.includes(name)) {
    log.debug(`"${name}" is a provider in "${config.path}"`);
    return { ...common, provider: name };
  }
  let profile;
  try {
    profile = await readAwsOidcProfile(name, context.env, isThisProgram);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const known = providers.length ? providers.map((provider) => `"${provider}"`).join(", ") : "none";
    throw new UsageError(
      `"${name}" is neither a provider in "${config.path}" nor usable as a profile: ${
        error.message.replace(/^./, (first) => first.toLowerCase())
      }`,
      { hint: `providers: ${known}; ${error.hint ?? ""}`.replace(/; $/, ""), cause: error },
    );
  }
  log.debug(`profile "${profile.name}" runs aws-oidc auth ${profile.authArgs.length} argument(s)`);
  const parsed = parseAuthArguments(profile.authArgs, profile.name);
  return {
    provider: parsed.name,
    profile: profile.name,
    flags: { ...(profile.region ? { region: profile.region } : {}), ...parsed.flags, ...input.flags },
    cache: { ...parsed.cache, ...definedOnly(input.cache) },
    // Global options before `auth` in the line, then those after it, then the command line's.
    globals: { ...profile.globals, ...definedOnly(parsed.globals), ...definedOnly(input.globals) },
  };
}

/** The value of AWS_OIDC_SESSION: the provider, or `<profile> (<provider>)`. */
export function sessionLabel(target: Pick<Target, "provider" | "profile">): string {
  return target.profile === undefined ? target.provider : `${target.profile} (${target.provider})`;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
