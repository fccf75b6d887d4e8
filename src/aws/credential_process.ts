/**
 * The one reader of a `credential_process` line that runs aws-oidc, e.g.
 * `aws-oidc --config team.toml auth api --duration 7200`: the program word,
 * the global options before `auth`, and `auth`'s own arguments. `exec`,
 * `login`, `doctor` and the shell completions all read profiles through it, so
 * they resolve the same provider from the same config as the AWS CLI would.
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
 */
import { splitCommand } from "../config/command_line.ts";
import { FIELDS } from "../config/fields.ts";

/** What a `credential_process` line asks aws-oidc for. */
export interface CredentialProcessLine {
  /** The line split as a POSIX shell would (no expansion). */
  words: string[];
  /** The word that runs aws-oidc. */
  program: string;
  /** Global options given before `auth`; `auth` may repeat them (see {@link configOf}). */
  globals: { config?: string; debug?: boolean; quiet?: boolean };
  /** The words after `auth`: the provider name and `auth`'s own flags. */
  args: string[];
  /** The provider name: the first of {@link args} that is neither a flag nor a flag's value. */
  provider?: string;
  /** The config file the line reads: the last `--config`, before or after `auth`. */
  config?: string;
}

/** Options of `auth` (and global ones) that take a value, so the provider name is not mistaken for one. */
export const AUTH_VALUE_FLAGS: ReadonlySet<string> = new Set([
  ...FIELDS.flatMap((field) => (field.flags ?? []).map((flag) => `--${flag}`)),
  "--config",
  "--node-local-cache",
  "--format",
  "--shell",
  "--profile-name",
]);

/**
 * Reads `line`; undefined when it does not run `auth` of the program `isSelf`
 * recognises, or puts an option aws-oidc does not know before `auth`.
 */
export function parseCredentialProcess(
  line: string,
  isSelf: (word: string) => boolean,
): CredentialProcessLine | undefined {
  const words = splitCommand(line);
  const start = words.findIndex(isSelf);
  if (start < 0) return undefined;
  const globals: CredentialProcessLine["globals"] = {};
  let i = start + 1;
  for (; i < words.length && words[i] !== "auth"; i++) {
    const [flag, inline] = words[i].split(/=(.*)/s);
    if (flag === "--config") globals.config = inline ?? words[++i];
    else if (flag === "--debug" && inline === undefined) globals.debug = true;
    else if ((flag === "-q" || flag === "--quiet") && inline === undefined) globals.quiet = true;
    else return undefined;
  }
  if (i >= words.length) return undefined;
  const args = words.slice(i + 1);
  const { provider, config } = readAuthArgs(args);
  return { words, program: words[start], globals, args, provider, config: config ?? globals.config };
}

function readAuthArgs(args: string[]): { provider?: string; config?: string } {
  let provider: string | undefined;
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word === "--") break;
    if (word.startsWith("-")) {
      const [flag, inline] = word.split(/=(.*)/s);
      const value = inline ?? (AUTH_VALUE_FLAGS.has(flag) ? args[++i] : undefined);
      if (flag === "--config") config = value;
    } else provider ??= word;
  }
  return { provider, config };
}
