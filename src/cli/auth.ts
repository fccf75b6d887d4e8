/** `aws-oidc auth <provider>`: credential_process output on stdout. */
import { type Command, Option } from "commander";
import { FIELDS, type ProviderKey } from "../config/fields.ts";
import { UsageError } from "../errors.ts";
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
import { SHELLS } from "../output/shell.ts";
import { type CacheOptions, credentialDeps, loadConfigAndProvider, openStore } from "./setup.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

const EXAMPLES = `
Examples:
  In ~/.aws/config:
    [profile default]
    credential_process = aws-oidc auth google

    [profile engineer]
    credential_process = aws-oidc auth onelogin --role_arn=arn:aws:iam::123456789012:role/engineer --duration 7200

  By hand:
    aws-oidc auth google | jq .Expiration
    eval "$(aws-oidc auth google --format env)"            the variables in this shell (or: aws-oidc env google)
    aws-oidc auth google --format aws-credentials --profile-name work    a profile in ~/.aws/credentials
    aws-oidc auth google --region eu-west-1 --agent "firefox -P work {}"

Settings come from the command line, then AWS_OIDC_<KEY> variables (e.g.
AWS_OIDC_ROLE_ARN), then the provider's [[AuthProvider]] table, then the top
level of ~/.aws-oidc/config (AWS_OIDC_CONFIG or --config to move it).`;

/** Adds the provider-setting flags (both spellings) to a command. */
export function addProviderFlags(command: Command): Command {
  for (const field of FIELDS) {
    if (!field.flags) continue;
    const [documented, ...aliases] = field.flags;
    const repeatable = field.key === "scopes" || field.key === "chain";
    const option = new Option(`--${documented} <${field.arg}>`, field.help);
    command.addOption(repeatable ? option.argParser(collect) : option);
    for (const alias of aliases) {
      const hidden = new Option(`--${alias} <${field.arg}>`).hideHelp();
      command.addOption(repeatable ? hidden.argParser(collect) : hidden);
    }
  }
  return command.option("--device", "log in with the device flow (RFC 8628), e.g. over SSH; same as --flow device");
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Reads the provider flags back from commander's option values, accepting
 * either spelling (`--role_arn` or `--role-arn`); the last one given wins.
 * `--device` is `--flow device`, and refused beside another `--flow`.
 */
export function providerFlagValues(options: Record<string, unknown>): FlagValues {
  const values: FlagValues = {};
  for (const field of FIELDS) {
    for (const flag of field.flags ?? []) {
      const value = options[camelCase(flag)];
      if (value !== undefined) values[field.key as ProviderKey] = value as string | string[];
    }
  }
  if (options.device === true) {
    if (values.flow !== undefined && values.flow !== "device") {
      throw new UsageError(`--device contradicts --flow "${values.flow}"`, { hint: "give one of them" });
    }
    values.flow = "device";
  }
  return values;
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Registers the command. */
export function registerAuth(program: Command, context: CliContext): void {
  const command = program
    .command("auth")
    .description("Log in with an OpenID Connect provider and print AWS credentials for credential_process")
    .argument("<provider>", "name of an [[AuthProvider]] in the config file");
  addProviderFlags(command);
  addCacheFlags(command);
  addOutputFlags(command, OUTPUT_FORMATS).addHelpText("after", EXAMPLES);
  command.action(async (name: string, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & AuthOptions & OutputFlags & Record<string, unknown>>();
    await auth(
      { name, flags: providerFlagValues(options), globals: options, cache: options, output: options },
      context,
    );
  });
}

/** Adds --format (one of `formats`, the first the default), --shell and, for aws-credentials, --profile-name. */
export function addOutputFlags(command: Command, formats: readonly OutputFormat[]): Command {
  command
    .option("--format <format>", `${formats.join(", ")} (default ${formats[0]})`)
    .option("--shell <shell>", `with --format env: ${SHELLS.join(", ")} (default: detected)`);
  if (formats.includes("aws-credentials")) {
    command.option(
      "--profile-name <name>",
      "with --format aws-credentials: the profile to write (default: the provider)",
    );
  }
  return command;
}

/** The cache flags of `auth` and the commands built on it. */
export interface AuthOptions extends CacheOptions {
  /** False with --no-cache. */
  cache?: boolean;
  forceLogin?: boolean;
}

/** Adds --no-cache, --force-login and --node-local-cache. */
export function addCacheFlags(command: Command): Command {
  return command
    .option("--no-cache", "do not read the cache (results are still cached)")
    .option("--force-login", "open the browser even when cached tokens could be used")
    .option(
      "--node-local-cache <dir>",
      "keep cache and locks in this node-local directory (NFS homes); or AWS_OIDC_NODE_LOCAL_CACHE",
    );
}

/**
 * The work of `auth` (and `env`, with its `formats`), callable without the CLI.
 * The output flags are checked before anything else, so a typo never costs a login.
 */
export async function auth(
  input: {
    name: string;
    flags: FlagValues;
    globals: GlobalOptions;
    cache: AuthOptions;
    output?: OutputFlags;
    formats?: readonly OutputFormat[];
  },
  context: CliContext,
): Promise<void> {
  const log = context.makeLog({ debug: input.globals.debug ?? false, quiet: input.globals.quiet ?? false });
  const output = resolveOutputOptions(input.output ?? {}, {
    allowed: input.formats ?? OUTPUT_FORMATS,
    providerName: input.name,
    env: context.env,
  });
  const { config, provider, interactiveChoice } = await loadConfigAndProvider(
    input.name,
    input.flags,
    input.globals,
    context,
    log,
  );
  const store = await openStore(input.cache, context, log);
  const mode = { noCache: input.cache.cache === false, forceLogin: input.cache.forceLogin };
  const credentials = await getCredentials(provider, credentialDeps(provider, store, context, log), mode);
  await writeOutput(credentials, output, {
    stdout: context.stdout,
    log,
    lockPath: `${store.dir}/aws-credentials.lock`,
  });
  // The fast path prints credential_process JSON only, and answers only what the invocation alone determines:
  // never a role a person picked on the terminal.
  const determined = config.exists && !interactiveChoice && !mode.noCache && !mode.forceLogin;
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
