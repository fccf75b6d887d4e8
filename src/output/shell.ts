/**
 * Credentials as statements for a shell to evaluate: `eval "$(aws-oidc env google)"`
 * in bash or zsh, `aws-oidc env google | source` in fish,
 * `aws-oidc env google | Out-String | Invoke-Expression` in PowerShell, and a
 * batch file for cmd. Each value is quoted in the shell's own literal syntax,
 * so no character of it is ever expanded or executed.
 */
import { AwsOidcError } from "../errors.ts";

/** The shells whose syntax `env` can write. */
export const SHELLS = ["bash", "zsh", "fish", "powershell", "cmd"] as const;

/** One of {@link SHELLS}. */
export type Shell = typeof SHELLS[number];

/**
 * The shell that is most likely reading our output: the basename of `SHELL`
 * when it names a shell we know (bash, zsh, fish, pwsh/powershell; `.exe`
 * ignored); else on Windows PowerShell when `PSModulePath` holds a per-user
 * module folder (PowerShell prepends one to the inherited value at start-up,
 * while the machine-wide value that cmd.exe also sees holds only system
 * folders), cmd otherwise; else bash, whose syntax every POSIX shell reads.
 */
export function detectShell(env: (name: string) => string | undefined, os: string = Deno.build.os): Shell {
  const shell = (env("SHELL") ?? "").split(/[\\/]/).at(-1)?.toLowerCase().replace(/\.exe$/, "");
  if (shell === "bash" || shell === "zsh" || shell === "fish") return shell;
  if (shell === "pwsh" || shell === "powershell") return "powershell";
  if (os !== "windows") return "bash";
  return inPowerShell(env) ? "powershell" : "cmd";
}

function inPowerShell(env: (name: string) => string | undefined): boolean {
  const modulePath = env("PSModulePath");
  if (!modulePath) return false;
  const folders = modulePath.split(";").filter(Boolean).map((folder) => folder.toLowerCase());
  const profile = env("USERPROFILE")?.toLowerCase().replace(/[\\/]+$/, "");
  if (profile) return folders.some((folder) => folder.startsWith(`${profile}\\`) || folder.startsWith(`${profile}/`));
  return folders.length >= 3;
}

/**
 * Statements that remove each of `unset` and then set each of `variables`, one
 * a line, in `shell`'s syntax. cmd lines end in CRLF (batch files); the others in LF.
 * A variable that is not set is no error in any of them.
 *
 * @throws {AwsOidcError} when a value cannot be carried safely (see {@link cmdSet}; NUL everywhere).
 */
export function shellScript(variables: Record<string, string>, unset: string[], shell: Shell): string {
  const lines = [
    ...unset.map((name) => unsetStatement(checkName(name), shell)),
    ...Object.entries(variables).map(([name, value]) => setStatement(checkName(name), checkValue(name, value), shell)),
  ];
  const end = shell === "cmd" ? "\r\n" : "\n";
  return lines.map((line) => line + end).join("");
}

function unsetStatement(name: string, shell: Shell): string {
  switch (shell) {
    case "bash":
    case "zsh":
      return `unset ${name}`;
    case "fish":
      return `set -e ${name}`;
    case "powershell":
      return `Remove-Item Env:${name} -ErrorAction SilentlyContinue`;
    case "cmd":
      return `@set "${name}="`;
  }
}

function setStatement(name: string, value: string, shell: Shell): string {
  switch (shell) {
    case "bash":
    case "zsh":
      return `export ${name}=${quotePosix(value)}`;
    case "fish":
      return `set -gx ${name} ${quoteFish(value)}`;
    case "powershell":
      return `$Env:${name} = ${quotePowerShell(value)}`;
    case "cmd":
      return cmdSet(name, value);
  }
}

/**
 * A POSIX shell word (bash, zsh, dash…) that reads back as exactly `value`:
 * the runs between single quotes in single quotes, each `'` as `\'`. No
 * `''` ever appears, so zsh's RC_QUOTES option cannot change the meaning.
 *
 * @see https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_02_02
 */
export function quotePosix(value: string): string {
  if (value === "") return "''";
  return value.split("'").map((run) => run === "" ? "" : `'${run}'`).join("\\'");
}

/**
 * A fish word that reads back as exactly `value`: single quotes, in which fish
 * knows only two escapes, `\\` and `\'`.
 *
 * @see https://fishshell.com/docs/current/language.html#quotes
 */
export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}

/**
 * A PowerShell verbatim string that reads back as exactly `value`: single
 * quotes, each quote doubled. PowerShell also takes the typographic single
 * quotes U+2018–U+201B for `'`, so those are doubled too.
 *
 * @see https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.core/about/about_quoting_rules
 */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote)}'`;
}

/** Characters cmd cannot carry in `set "NAME=value"`: quotes end it, `%` and `!` expand, line breaks end the line. */
const CMD_UNSAFE = /["%!\p{Cc}]/u;

/**
 * `@set "NAME=value"` (the `@` keeps a batch file from echoing the secret to
 * the console): inside the quotes `&`, `|`, `<`, `>`, `^` and spaces are
 * literal. A value holding `"`, `%`, `!` or a control character is refused
 * instead of escaped: `%` is written `%%` in a batch file but not at the prompt,
 * and `!` needs `^!` only when delayed expansion is on, so no single escaping is
 * right everywhere. STS credentials, regions and timestamps never hold them.
 *
 * @throws {AwsOidcError} for such a value.
 */
export function cmdSet(name: string, value: string): string {
  const unsafe = CMD_UNSAFE.exec(value);
  if (unsafe) {
    throw new AwsOidcError(`Cannot write ${name} for cmd: the value contains ${describe(unsafe[0])}`, {
      hint: "use --shell powershell, or --format json",
    });
  }
  return `@set "${name}=${value}"`;
}

/** A character as an error message names it. */
export function describe(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `the control character U+${code.toString(16).padStart(4, "0")}` : `"${char}"`;
}

function checkName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not an environment variable name: "${name}"`);
  return name;
}

function checkValue(name: string, value: string): string {
  if (value.includes("\0")) {
    throw new AwsOidcError(`Cannot set ${name}: the value contains a NUL character`, {
      hint: "no environment variable can hold one; use --format json",
    });
  }
  return value;
}
