/**
 * The one reader of a `credential_process` line that runs aws-oidc, e.g.
 * `aws-oidc --config team.toml auth api --duration 7200`: the program word,
 * the global options before `auth`, and `auth`'s own arguments. `exec`,
 * `login`, `doctor` and the shell completions all read profiles through it, so
 * they resolve the same provider from the same config as the AWS CLI would.
 * Here too: whether a word runs this program ({@link isThisProgram}), and
 * `auth`'s own arguments read without commander ({@link readAuthArguments}).
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
 */
import { splitCommand } from "../config/command_line.ts";
import type { FlagValues } from "../config/resolve.ts";
import { FIELDS, type ProviderKey, REPEATABLE_KEYS } from "../config/fields.ts";
import { UsageError } from "../errors.ts";
import { baseName, filePathOf } from "../paths.ts";

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

/** `auth`'s output options: a credential_process line has no use for them. */
const OUTPUT_OPTIONS = ["--format", "--shell", "--profile-name"];

/** The options of `auth` (global ones included) that take a value, by spelling, and the property each sets. */
const AUTH_VALUE_OPTIONS: ReadonlyMap<string, string> = new Map([
  ...FIELDS.flatMap((field) => (field.flags ?? []).map((flag): [string, string] => [`--${flag}`, camelCase(flag)])),
  ["--config", "config"],
  ["--node-local-cache", "nodeLocalCache"],
  ...OUTPUT_OPTIONS.map((flag): [string, string] => [flag, camelCase(flag.slice(2))]),
]);

/** Options of `auth` (and global ones) that take a value, so the provider name is not mistaken for one. */
export const AUTH_VALUE_FLAGS: ReadonlySet<string> = new Set(AUTH_VALUE_OPTIONS.keys());

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

/** True for a word of a credential_process line that runs this program. */
export function isThisProgram(word: string): boolean {
  const name = baseName(word);
  if (name === "aws-oidc" || name === "aws-oidc.exe") return true;
  if (word === Deno.execPath() && !name.startsWith("deno")) return true;
  return Deno.mainModule.startsWith("file:") && word === filePathOf(Deno.mainModule);
}

/** `auth`'s arguments, read: the provider name and the option values, as `auth` itself takes them. */
export interface AuthArguments {
  name: string;
  flags: FlagValues;
  /** `cache` is false with --no-cache. */
  cache: { cache: boolean; forceLogin?: boolean; nodeLocalCache?: string };
  globals: { config?: string; debug?: boolean; quiet?: boolean };
  /** --format, --shell and --profile-name, when asked to read them. */
  output: { format?: string; shell?: string; profileName?: string };
}

/** The options of `auth` that take no value, by how they are spelt, and the property each sets. */
const AUTH_SWITCHES: ReadonlyMap<string, [key: string, value: boolean]> = new Map([
  ["--debug", ["debug", true]],
  ["-q", ["quiet", true]],
  ["--quiet", ["quiet", true]],
  ["--device", ["device", true]],
  ["--no-cache", ["cache", false]],
  ["--force-login", ["forceLogin", true]],
]);
/** The properties of the provider settings that may be given more than once; their values add up. */
const REPEATABLE: ReadonlySet<string> = new Set(
  FIELDS.filter((field) => REPEATABLE_KEYS.has(field.key)).flatMap((field) => field.flags ?? []).map(camelCase),
);

/**
 * Reads `auth`'s arguments (after the word `auth`) without commander, the way
 * `aws-oidc auth --help` describes them: options anywhere, `--name value` or
 * `--name=value`, exactly one provider name. `output` also accepts the output
 * options (a credential_process line has no use for them). Throws an Error
 * whose message says, as commander would, what is wrong.
 */
export function readAuthArguments(args: string[], options: { output?: boolean } = {}): AuthArguments {
  const values: Record<string, unknown> = { cache: true };
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word === "--") {
      names.push(...args.slice(i + 1));
      break;
    }
    if (!word.startsWith("-") || word === "-") {
      names.push(word);
      continue;
    }
    const [flag, inline] = word.startsWith("--") ? word.split(/=(.*)/s) : [word];
    const key = options.output || !OUTPUT_OPTIONS.includes(flag) ? AUTH_VALUE_OPTIONS.get(flag) : undefined;
    const switched = inline === undefined ? AUTH_SWITCHES.get(flag) : undefined;
    if (switched) {
      values[switched[0]] = switched[1];
    } else if (key !== undefined) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new Error(`option '${flag} <value>' argument missing`);
      values[key] = REPEATABLE.has(key) ? [...(values[key] as string[] | undefined ?? []), value] : value;
    } else {
      throw new Error(`unknown option '${word}'`);
    }
  }
  if (names.length === 0) throw new Error("missing required argument 'provider'");
  if (names.length > 1) throw new Error(`too many arguments. Expected 1 argument but got ${names.length}.`);
  const text = (key: string) => values[key] as string | undefined;
  const on = (key: string) => values[key] as boolean | undefined;
  return {
    name: names[0],
    flags: providerFlagValues(values),
    cache: { cache: values.cache as boolean, forceLogin: on("forceLogin"), nodeLocalCache: text("nodeLocalCache") },
    globals: { config: text("config"), debug: on("debug"), quiet: on("quiet") },
    output: { format: text("format"), shell: text("shell"), profileName: text("profileName") },
  };
}

/**
 * Reads the `auth` arguments of a credential_process line (those after `auth`).
 *
 * @throws {UsageError} naming the profile, when they are not what `auth` takes.
 */
export function parseAuthArguments(
  args: string[],
  profile: string,
): Omit<AuthArguments, "output"> {
  try {
    const { output: _, ...parsed } = readAuthArguments(args);
    return parsed;
  } catch (error) {
    throw new UsageError(`The credential_process of profile "${profile}" cannot be read: ${(error as Error).message}`, {
      hint: "check that line in ~/.aws/config with aws-oidc auth --help",
    });
  }
}

/**
 * The provider settings among parsed option values (keyed as commander keys
 * them: `roleArn` for `--role-arn`, `role_arn` for `--role_arn`), accepting
 * either spelling. `device: true` (`--device`) is `--flow device`, and refused
 * beside another `--flow`.
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
