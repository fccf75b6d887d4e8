/**
 * The ways `auth --format` and `env` hand credentials over, and the one place
 * that writes them. Everything but `aws-credentials` goes to stdout; that one
 * writes a file and says so on stderr.
 *
 * | format            | what                                                                        |
 * | ----------------- | --------------------------------------------------------------------------- |
 * | `process`         | credential_process JSON (one line)                                          |
 * | `env`             | statements for the shell (`--shell`, detected when not given)              |
 * | `dotenv`          | `NAME=value` lines for `docker run --env-file`                              |
 * | `json`            | `{"AccessKeyId","SecretAccessKey","SessionToken","Expiration","Region"}`, one line |
 * | `aws-credentials` | a profile in the shared credentials file; nothing on stdout                 |
 * | `noop`            | nothing: only fills the cache                                               |
 */
import type { CredentialEntry } from "../cache/entries.ts";
import { withLock } from "../cache/lock.ts";
import { UsageError } from "../errors.ts";
import type { Log } from "../log.ts";
import { checkProfileName, credentialsFilePath, profileValues, writeProfile } from "./credentials_file.ts";
import { dotenvLines } from "./dotenv.ts";
import { credentialProcessJson } from "./process.ts";
import { detectShell, type Shell, SHELLS, shellScript } from "./shell.ts";
import { CONFLICTING_VARIABLES, credentialVariables } from "./variables.ts";

/** Every output format, `auth`'s default first. */
export const OUTPUT_FORMATS = ["process", "env", "dotenv", "json", "aws-credentials", "noop"] as const;

/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** The formats of the `env` command, its default first. */
export const ENV_FORMATS = ["env", "dotenv", "json"] as const satisfies readonly OutputFormat[];

/** The output flags as given on the command line. */
export interface OutputFlags {
  format?: string;
  shell?: string;
  profileName?: string;
}

/** Validated output options. */
export type OutputOptions =
  | { format: "process" | "dotenv" | "json" | "noop" }
  | { format: "env"; shell: Shell }
  | { format: "aws-credentials"; profileName: string; path: string };

/**
 * Validates the output flags, before any login: the format must be one of
 * `allowed` (the first is the default), `--shell` goes only with `env` (and is
 * detected when not given), `--profile-name` only with `aws-credentials` (the
 * provider's name when not given).
 *
 * @throws {UsageError} for anything else.
 */
export function resolveOutputOptions(
  flags: OutputFlags,
  options: {
    allowed: readonly OutputFormat[];
    providerName: string;
    env: (name: string) => string | undefined;
    os?: string;
  },
): OutputOptions {
  const format = (flags.format ?? options.allowed[0]) as OutputFormat;
  if (!options.allowed.includes(format)) {
    throw new UsageError(`Unknown output format: "${flags.format}"`, {
      hint: `use --format ${options.allowed.join(", ")}`,
    });
  }
  if (flags.shell !== undefined && format !== "env") {
    throw new UsageError(`--shell applies only to --format env, not to "${format}"`, {
      hint: "drop --shell, or add --format env",
    });
  }
  if (flags.profileName !== undefined && format !== "aws-credentials") {
    throw new UsageError(`--profile-name applies only to --format aws-credentials, not to "${format}"`, {
      hint: "drop --profile-name, or add --format aws-credentials",
    });
  }
  if (format === "env") {
    if (flags.shell === undefined) return { format, shell: detectShell(options.env, options.os) };
    if (!(SHELLS as readonly string[]).includes(flags.shell)) {
      throw new UsageError(`Unknown shell: "${flags.shell}"`, { hint: `use --shell ${SHELLS.join(", ")}` });
    }
    return { format, shell: flags.shell as Shell };
  }
  if (format === "aws-credentials") {
    const profileName = checkProfileName(flags.profileName ?? options.providerName);
    return { format, profileName, path: credentialsFilePath(options.env, options.os) };
  }
  return { format };
}

/**
 * What goes to stdout for `credentials` in `options.format`: "" for
 * `aws-credentials` (see {@link writeOutput}) and `noop`.
 *
 * @throws {AwsOidcError} when a value cannot be carried safely in the format.
 */
export function renderOutput(credentials: CredentialEntry, options: OutputOptions): string {
  switch (options.format) {
    case "process":
      return credentialProcessJson(credentials);
    case "env": {
      const variables = credentialVariables(credentials, credentials.region);
      const unset = CONFLICTING_VARIABLES.filter((name) => !(name in variables));
      return shellScript(variables, unset, options.shell);
    }
    case "dotenv":
      return dotenvLines(credentialVariables(credentials, credentials.region));
    case "json":
      return credentialsJson(credentials);
    case "aws-credentials":
    case "noop":
      return "";
  }
}

/** The `json` format: one line, AWS's own field names, and the region. */
export function credentialsJson(credentials: CredentialEntry): string {
  return JSON.stringify({
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration,
    Region: credentials.region,
  }) + "\n";
}

/**
 * Hands `credentials` over as `options` says: to `io.stdout`, or into the
 * credentials file under the lock at `io.lockPath` (so two aws-oidc processes
 * writing profiles at once do not lose one), reported on the log.
 */
export async function writeOutput(
  credentials: CredentialEntry,
  options: OutputOptions,
  io: { stdout: (text: string) => void; log: Log; lockPath: string },
): Promise<void> {
  if (options.format !== "aws-credentials") {
    const text = renderOutput(credentials, options);
    if (text !== "") io.stdout(text);
    return;
  }
  await withLock(io.lockPath, { timeoutSeconds: 30 }, async () => {
    await writeProfile(options.path, options.profileName, profileValues(credentials));
  });
  io.log.info(`Wrote profile "${options.profileName}" to ${options.path} (expires ${credentials.expiration})`);
}
