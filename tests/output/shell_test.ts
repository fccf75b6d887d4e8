/**
 * Shell statements, read back by the shells themselves where they are
 * installed (bash and dash always are; zsh and fish when present), and checked
 * character for character where they are not (PowerShell, cmd).
 */
import assert from "node:assert/strict";
import {
  cmdSet,
  detectShell,
  quoteFish,
  quotePosix,
  quotePowerShell,
  type Shell,
  shellScript,
} from "../../src/output/shell.ts";
import { AwsOidcError } from "../../src/errors.ts";
import { numbered, onPath, runWithScript, SPECIAL_VALUES } from "./special_values.ts";

const UNSET = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

/** Evaluates `script` in `shell` (started with AWS_PROFILE set) and reads every variable back. */
async function readBack(
  program: string,
  script: string,
  names: string[],
  options: { fish?: boolean; before?: string } = {},
): Promise<{ values: string[]; profile: string }> {
  const print = names.map((name) => `printf '%s\\0' "$${name}"`).join("; ");
  const command = options.fish
    ? `source $SCRIPT; ${print}; set -q AWS_PROFILE; and printf '%s\\0' "$AWS_PROFILE"; or printf 'unset\\0'`
    : `${options.before ?? ""}eval "$(cat "$SCRIPT")"; ${print}; printf '%s\\0' "\${AWS_PROFILE-unset}"`;
  const output = await runWithScript(program, ["-c", command], script, {
    AWS_PROFILE: "leftover",
    AWS_DEFAULT_PROFILE: "leftover",
  });
  const fields = output.split("\0");
  assert.equal(fields.pop(), "", "every field ends in NUL");
  const profile = fields.pop()!;
  return { values: fields, profile };
}

async function assertRoundTrip(shell: Shell, program: string, options: { fish?: boolean; before?: string } = {}) {
  const variables = numbered();
  const script = shellScript(variables, UNSET, shell);
  const { values, profile } = await readBack(program, script, Object.keys(variables), options);
  assert.deepEqual(values, SPECIAL_VALUES);
  assert.equal(profile, "unset", "AWS_PROFILE was removed");
}

Deno.test("bash: eval reads every special value back exactly, and AWS_PROFILE is unset", async () => {
  await assertRoundTrip("bash", "bash");
});

Deno.test("bash syntax in dash (any POSIX sh): the same values", { ignore: !onPath("dash") }, async () => {
  await assertRoundTrip("bash", "dash");
});

Deno.test("zsh: the same values, with and without RC_QUOTES", { ignore: !onPath("zsh") }, async () => {
  await assertRoundTrip("zsh", "zsh");
  await assertRoundTrip("zsh", "zsh", { before: "setopt rc_quotes; " });
});

Deno.test("fish: source reads every special value back exactly, and AWS_PROFILE is erased", {
  ignore: !onPath("fish"),
}, async () => {
  await assertRoundTrip("fish", "fish", { fish: true });
});

Deno.test("bash: an exported variable reaches a child process unchanged", async () => {
  const script = shellScript({ AWS_SESSION_TOKEN: "to'k$en`x`\\n ü" }, [], "bash");
  const output = await runWithScript("bash", ["-c", 'eval "$(cat "$SCRIPT")"; env | grep ^AWS_SESSION_TOKEN='], script);
  assert.equal(output, "AWS_SESSION_TOKEN=to'k$en`x`\\n ü\n");
});

Deno.test("quotePosix: single-quoted runs, each ' as \\', never an empty ''", () => {
  assert.equal(quotePosix("abc"), "'abc'");
  assert.equal(quotePosix(""), "''");
  assert.equal(quotePosix("it's"), "'it'\\''s'");
  assert.equal(quotePosix("'"), "\\'");
  assert.equal(quotePosix("''x"), "\\'\\''x'");
  assert.equal(quotePosix("$x `y` \\"), "'$x `y` \\'");
  for (const value of SPECIAL_VALUES) {
    if (value !== "") assert.doesNotMatch(quotePosix(value), /(?<!\\)''/, `no empty quotes in ${value}`);
  }
});

Deno.test("quoteFish: single quotes; only \\ and ' escaped", () => {
  assert.equal(quoteFish("abc"), "'abc'");
  assert.equal(quoteFish(""), "''");
  assert.equal(quoteFish("it's"), "'it\\'s'");
  assert.equal(quoteFish("a\\b"), "'a\\\\b'");
  assert.equal(quoteFish('$x "y" `z` ~ * \n'), "'$x \"y\" `z` ~ * \n'");
});

Deno.test("quotePowerShell: single quotes, every kind of single quote doubled", () => {
  assert.equal(quotePowerShell("abc"), "'abc'");
  assert.equal(quotePowerShell(""), "''");
  assert.equal(quotePowerShell("it's"), "'it''s'");
  assert.equal(quotePowerShell("\u2018a\u2019 \u201ab\u201b"), "'\u2018\u2018a\u2019\u2019 \u201a\u201ab\u201b\u201b'");
  assert.equal(quotePowerShell('$env:HOME "x" `n \\ %P% !'), "'$env:HOME \"x\" `n \\ %P% !'");
});

Deno.test('cmdSet: set "NAME=value"; refuses ", %, ! and control characters', () => {
  assert.equal(cmdSet("A", "abc"), '@set "A=abc"');
  assert.equal(cmdSet("A", "a&b|c<d>e^f (g) 'h' ü"), "@set \"A=a&b|c<d>e^f (g) 'h' ü\"");
  assert.equal(
    cmdSet("A", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY=="),
    '@set "A=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY=="',
  );
  for (const [value, named] of [['say "hi"', '"\\""'], ["100%", '"%"'], ["wow!", '"!"'], ["a\nb", "U\\+000a"]]) {
    assert.throws(
      () => cmdSet("AWS_SESSION_TOKEN", value),
      (error: Error) =>
        error instanceof AwsOidcError && new RegExp(`AWS_SESSION_TOKEN for cmd.*${named}`).test(error.message) &&
        /--shell powershell/.test(error.hint ?? ""),
    );
  }
});

Deno.test("shellScript: unsets first, then sets; each shell's syntax; CRLF for cmd only", () => {
  const variables = { AWS_ACCESS_KEY_ID: "ASIAX", AWS_SESSION_TOKEN: "t'o" };
  const unset = ["AWS_PROFILE"];
  assert.equal(
    shellScript(variables, unset, "bash"),
    "unset AWS_PROFILE\nexport AWS_ACCESS_KEY_ID='ASIAX'\nexport AWS_SESSION_TOKEN='t'\\''o'\n",
  );
  assert.equal(shellScript(variables, unset, "zsh"), shellScript(variables, unset, "bash"));
  assert.equal(
    shellScript(variables, unset, "fish"),
    "set -e AWS_PROFILE\nset -gx AWS_ACCESS_KEY_ID 'ASIAX'\nset -gx AWS_SESSION_TOKEN 't\\'o'\n",
  );
  assert.equal(
    shellScript(variables, unset, "powershell"),
    "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n$Env:AWS_ACCESS_KEY_ID = 'ASIAX'\n" +
      "$Env:AWS_SESSION_TOKEN = 't''o'\n",
  );
  assert.equal(
    shellScript(variables, unset, "cmd"),
    '@set "AWS_PROFILE="\r\n@set "AWS_ACCESS_KEY_ID=ASIAX"\r\n@set "AWS_SESSION_TOKEN=t\'o"\r\n',
  );
});

Deno.test("shellScript: a NUL is refused in every shell (no environment variable can hold one)", () => {
  for (const shell of ["bash", "zsh", "fish", "powershell", "cmd"] as const) {
    assert.throws(() => shellScript({ A: "a\0b" }, [], shell), /Cannot set A: the value contains a NUL character/);
  }
});

Deno.test("detectShell: SHELL's basename, then PowerShell or cmd on Windows, else bash", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(detectShell(env({ SHELL: "/bin/bash" }), "linux"), "bash");
  assert.equal(detectShell(env({ SHELL: "/usr/bin/zsh" }), "darwin"), "zsh");
  assert.equal(detectShell(env({ SHELL: "/opt/homebrew/bin/fish" }), "darwin"), "fish");
  assert.equal(detectShell(env({ SHELL: "/usr/bin/pwsh" }), "linux"), "powershell");
  assert.equal(detectShell(env({ SHELL: "/bin/dash" }), "linux"), "bash", "POSIX shells read bash syntax");
  assert.equal(detectShell(env({}), "linux"), "bash");
  assert.equal(detectShell(env({ SHELL: "C:\\Program Files\\Git\\usr\\bin\\bash.exe" }), "windows"), "bash");
  const system =
    "C:\\Program Files\\WindowsPowerShell\\Modules;C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules";
  const user = "C:\\Users\\me\\Documents\\WindowsPowerShell\\Modules";
  assert.equal(detectShell(env({ USERPROFILE: "C:\\Users\\me", PSModulePath: system }), "windows"), "cmd");
  assert.equal(
    detectShell(env({ USERPROFILE: "C:\\Users\\Me", PSModulePath: `${user};${system}` }), "windows"),
    "powershell",
  );
  assert.equal(detectShell(env({ PSModulePath: `${user};${system}` }), "windows"), "powershell");
  assert.equal(detectShell(env({}), "windows"), "cmd");
});
