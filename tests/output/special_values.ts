/**
 * Values that break naive quoting: every character a shell, cmd or an env-file
 * reader might treat specially, alone and mixed. Credentials never hold most
 * of them, which is exactly why the quoting must be proven on them.
 */
import { runCommand } from "../helpers/command.ts";
import { removing } from "../helpers/dispose.ts";

export const SPECIAL_VALUES: string[] = [
  "plain",
  "it's",
  "'",
  "''",
  "'leading and trailing'",
  'say "hi"',
  "$HOME $(id) ${PATH} $1 $$",
  "`id` and \\`id\\`",
  "a b  c",
  " surrounding spaces ",
  "#not a comment",
  "a #not a comment either",
  "a=b==",
  "100% %PATH% %%",
  "!history !! !$",
  "back\\slash\\",
  "\\'",
  "\\\\'\\\\",
  "ünïcødé ✓ 🔑 日本",
  "‘smart’ ‚quotes‛",
  "tab\there",
  "line\nbreak",
  "-n",
  "--",
  "*?[a-z]",
  "~ ~root",
  ";rm -rf / & echo | cat > x < y ^ ()",
  "{a,b} @(x) ${!x}",
  "",
  "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+ab/cd==",
];

/** The variables `V0`, `V1`, … holding {@link SPECIAL_VALUES} (or `values`). */
export function numbered(values: string[] = SPECIAL_VALUES): Record<string, string> {
  return Object.fromEntries(values.map((value, index) => [`V${index}`, value]));
}

/**
 * True when `program` is on PATH, or when running in CI: CI installs every
 * shell these tests read back with, so there a missing one fails the test
 * instead of skipping it.
 */
export function onPath(program: string): boolean {
  if (Deno.env.get("CI")) return true;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${program}`).isFile) return true;
    } catch { /* not here */ }
  }
  return false;
}

/**
 * Runs `program args…` with `script` in a file at `$SCRIPT` and a minimal
 * environment plus `env`; returns stdout, failing on a non-zero exit or stderr.
 */
export async function runWithScript(
  program: string,
  args: string[],
  script: string,
  env: Record<string, string> = {},
): Promise<string> {
  const file = await Deno.makeTempFile({ prefix: "aws-oidc-script-" });
  await using _file = removing(file);
  await Deno.writeTextFile(file, script);
  const output = await runCommand(program, args, {
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/nonexistent", SCRIPT: file, ...env },
  });
  const stderr = output.stderr;
  if (output.code !== 0 || stderr !== "") throw new Error(`${program} exited ${output.code}: ${stderr}`);
  return output.stdout;
}
