/**
 * The work of `auth` and `env`: AWS credentials for a provider (or, for `env`,
 * a profile that runs aws-oidc), printed in the format asked for.
 */
import type { FlagValues } from "../config/resolve.ts";
import { getCredentials } from "../aws/credentials.ts";
import type { Provider } from "../config/provider.ts";
import type { ConfigFile } from "../config/load.ts";
import type { CacheStore } from "../cache/store.ts";
import { cacheNames } from "../cache/entries.ts";
import { fastIndexName, FULL_PATH_FLAGS, writeFastIndex } from "../cache/fast_index.ts";
import {
  OUTPUT_FORMATS,
  type OutputFlags,
  type OutputFormat,
  resolveOutputOptions,
  writeOutput,
} from "../output/formats.ts";
import type { AuthOptions } from "./flags.ts";
import { openSession } from "./session.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** What {@link printCredentials} is asked for. */
export interface PrintCredentialsInput {
  /** A provider; with `profiles`, a provider or a profile in ~/.aws/config that runs aws-oidc. */
  name: string;
  flags: FlagValues;
  globals: GlobalOptions;
  cache: AuthOptions;
  output?: OutputFlags;
  /** The formats allowed, the first the default (`auth`: all of them). */
  formats?: readonly OutputFormat[];
  profiles?: boolean;
}

/**
 * The work of `auth` (and `env`, with its `formats` and `profiles`), callable without the CLI.
 * The output flags are checked before anything else, so a typo never costs a login.
 */
export async function printCredentials(input: PrintCredentialsInput, context: CliContext): Promise<void> {
  const output = resolveOutputOptions(input.output ?? {}, {
    allowed: input.formats ?? OUTPUT_FORMATS,
    providerName: input.name,
    env: context.env,
  });
  const session = openSession(input, context);
  const { log } = session;
  const provider = await session.provider();
  const store = await session.store();
  const mode = await session.mode();
  const credentials = await getCredentials(provider, await session.deps(), mode);
  await writeOutput(credentials, output, {
    stdout: context.stdout,
    log,
    lockPath: `${store.dir}/aws-credentials.lock`,
  });
  // The fast path prints credential_process JSON only, and answers only what the invocation alone determines:
  // never a role a person picked on the terminal.
  const config = await session.config();
  const determined = config.exists && !await session.interactiveChoice() && !mode.noCache && !mode.forceLogin;
  if (output.format === "process" && context.argv[0] === "auth" && determined) {
    await rememberForFastPath(provider, store, config, context);
  }
}

/** Lets the next identical `auth` be answered by the fast path (main.ts). */
async function rememberForFastPath(
  provider: Provider,
  store: CacheStore,
  config: ConfigFile,
  context: CliContext,
): Promise<void> {
  const args = context.argv.slice(1);
  if (args.some((arg) => FULL_PATH_FLAGS.has(arg))) return; // the fast path never answers these
  const name = fastIndexName(args, config.path, config.text, context.env);
  const files = await cacheNames(provider);
  await writeFastIndex(store, name, { ...files, duration: provider.duration, refreshWindow: provider.refreshWindow });
}
