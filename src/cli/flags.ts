/**
 * The flags several commands share, defined once: the provider settings (from
 * config/fields.ts), the output format, and the cache. Commander is used here
 * through the command given (`createOption`), never imported as a value, so
 * the command table costs nothing until a command line must be parsed.
 */
import type { Command } from "commander";
import { FIELDS, REPEATABLE_KEYS } from "../config/fields.ts";
import type { OutputFormat } from "../output/formats.ts";
import { SHELLS } from "../output/shell.ts";

export { providerFlagValues } from "../aws/credential_process.ts";

/** Options about the cache that several commands share. */
export interface CacheOptions {
  nodeLocalCache?: string;
}

/** The cache flags of `auth` and the commands built on it. */
export interface AuthOptions extends CacheOptions {
  /** False with --no-cache. */
  cache?: boolean;
  forceLogin?: boolean;
}

/** Adds the provider-setting flags (both spellings) to a command. */
export function addProviderFlags(command: Command): Command {
  for (const field of FIELDS) {
    if (!field.flags) continue;
    const [documented, ...aliases] = field.flags;
    const repeatable = REPEATABLE_KEYS.has(field.key);
    const option = command.createOption(`--${documented} <${field.arg}>`, field.help);
    command.addOption(repeatable ? option.argParser(collect) : option);
    for (const alias of aliases) {
      const hidden = command.createOption(`--${alias} <${field.arg}>`).hideHelp();
      command.addOption(repeatable ? hidden.argParser(collect) : hidden);
    }
  }
  return command.option("--device", "log in with the device flow (RFC 8628), e.g. over SSH; same as --flow device");
}

/** Collects the values of a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
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

/** Adds --no-cache, --force-login and --node-local-cache. */
export function addCacheFlags(command: Command): Command {
  return addNodeLocalCacheFlag(
    command
      .option("--no-cache", "do not read the cache (results are still cached)")
      .option("--force-login", "open the browser even when cached tokens could be used"),
  );
}

/** Adds --node-local-cache: alone for the commands that use the cache but never log in. */
export function addNodeLocalCacheFlag(command: Command): Command {
  return command.option(
    "--node-local-cache <dir>",
    "keep the cache and its locks in this node-local directory (NFS homes); or AWS_OIDC_NODE_LOCAL_CACHE",
  );
}
