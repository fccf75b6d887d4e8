/**
 * `aws-oidc completions <shell>` driven in the real shells: bash (the
 * completion function with COMP_WORDS/COMP_CWORD set, as bash calls it), zsh
 * (an interactive zsh in a pseudo-terminal pressing Tab, compinit loaded) and
 * fish (`complete -C`). Provider and profile names come from the CLI's hidden
 * `__complete`, run through an `aws-oidc` on PATH. PowerShell is not installed
 * here: its script is checked structurally (the embedded command line).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cleanEnv, cliCommand, makeHome, runCli } from "../helpers/cli.ts";
import { FIELDS } from "../../src/config/fields.ts";
import { buildProgram, processContext } from "../../src/cli/main.ts";
import { completionSpec } from "../../src/completion/spec.ts";
import { removing } from "../helpers/dispose.ts";
import { runCommand } from "../helpers/command.ts";

const HARNESS = new URL("../helpers/zsh_complete.zsh", import.meta.url).pathname;

const CONFIG = `region = "us-east-1"

[[AuthProvider]]
name = "google"
role_arn = "arn:aws:iam::123456789012:role/dev"
provider_url = "https://accounts.google.com"
client_id = "abc"

[[AuthProvider]]
name = "work-prod"
role_arn = "arn:aws:iam::123456789012:role/prod"
provider_url = "https://example.okta.com"
client_id = "def"
`;

/** A HOME with two providers and two profiles (one runs aws-oidc), an `aws-oidc` on PATH, and the four scripts. */
async function world() {
  const home = await makeHome(CONFIG);
  await Deno.writeTextFile(
    join(home, ".aws", "config"),
    `[profile dev]\ncredential_process = aws-oidc auth google\n\n[profile plain]\nregion = eu-west-1\n`,
  );
  const bin = join(home, "bin");
  await Deno.mkdir(bin);
  const quoted = cliCommand().map((word) => `'${word}'`).join(" ");
  await Deno.writeTextFile(join(bin, "aws-oidc"), `#!/bin/sh\nexec ${quoted} "$@"\n`, { mode: 0o755 });
  await Deno.chmod(join(bin, "aws-oidc"), 0o755);
  const env = cleanEnv(home, { PATH: `${bin}:${Deno.env.get("PATH")}`, TMPDIR: home });
  const scripts: Record<string, string> = {};
  for (const shell of ["bash", "zsh", "fish", "powershell"]) {
    const run = await runCli(["completions", shell], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    scripts[shell] = join(home, `completion.${shell}`);
    await Deno.writeTextFile(scripts[shell], run.stdout);
  }
  return { home, env, scripts, ...removing(home) };
}

async function shell(program: string, args: string[], env: Record<string, string>): Promise<string[]> {
  const output = await runCommand(program, args, { env });
  const stderr = output.stderr;
  assert.equal(output.code, 0, `${program} failed: ${stderr}`);
  assert.equal(stderr, "", "nothing may reach the person's terminal");
  return output.stdout.split("\n").filter((line) => line !== "");
}

/** The candidates bash's completion function offers for `line` (the cursor at its end). */
const BASH_DRIVER = `
source "$1"
read -ra COMP_WORDS <<< "$2"
[[ "$2" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_LINE="$2"; COMP_POINT=\${#COMP_LINE}
_aws_oidc aws-oidc "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"
`;

type Complete = (line: string) => Promise<string[]>;

function completers(scripts: Record<string, string>, env: Record<string, string>): Record<string, Complete> {
  return {
    bash: (line) => shell("bash", ["--norc", "--noprofile", "-c", BASH_DRIVER, "driver", scripts.bash, line], env),
    zsh: (line) => shell("zsh", ["-f", HARNESS, scripts.zsh, line], env),
    fish: async (line) =>
      (await shell("fish", ["--no-config", "-c", `source $argv[1]; complete -C"$argv[2]"`, scripts.fish, line], env))
        .map((candidate) => candidate.split("\t")[0]),
  };
}

const sorted = (list: string[]) => [...new Set(list)].sort();

/** What each shell must offer: exactly these, or (for `includes`) at least these. */
const CASES: { line: string; exactly?: string[]; includes?: string[] }[] = [
  { line: "aws-oidc doc", exactly: ["doctor"] },
  { line: "aws-oidc comp", exactly: ["completions"] },
  { line: "aws-oidc auth ", exactly: ["google", "work-prod"] },
  { line: "aws-oidc auth w", exactly: ["work-prod"] },
  { line: "aws-oidc auth --duration 900 ", exactly: ["google", "work-prod"] },
  { line: "aws-oidc --debug token g", exactly: ["google"] },
  { line: "aws-oidc exec ", exactly: ["dev", "google", "work-prod"] },
  { line: "aws-oidc serve ", exactly: ["dev", "google", "work-prod"] },
  { line: "aws-oidc login ", exactly: ["dev", "google", "work-prod"] },
  { line: "aws-oidc doctor --provider ", exactly: ["google", "work-prod"] },
  { line: "aws-oidc completions ", exactly: ["bash", "fish", "powershell", "zsh"] },
  { line: "aws-oidc auth --role-a", exactly: ["--role-arn"] },
  { line: "aws-oidc doctor --", includes: ["--provider", "--json", "--config"] },
  { line: "aws-oidc auth --role-arn ", exactly: [] },
];

for (const name of ["bash", "zsh", "fish"]) {
  Deno.test(`completions ${name}: commands, options, and provider and profile names from the config`, async () => {
    await using fixture = await world();
    const { env, scripts } = fixture;
    const complete = completers(scripts, env)[name];
    for (const { line, exactly, includes } of CASES) {
      const got = sorted(await complete(line));
      if (exactly) assert.deepEqual(got, sorted(exactly), `${name}: "${line}"`);
      for (const wanted of includes ?? []) {
        assert.ok(got.includes(wanted), `${name}: "${line}" lacks ${wanted}: ${got}`);
      }
    }
    // Every provider setting with a flag, whatever keys fields.ts has today, completes after `auth --`.
    const flags = await complete("aws-oidc auth --");
    for (const field of FIELDS.filter((field) => field.flags)) {
      assert.ok(flags.includes(`--${field.flags![0]}`), `${name}: auth lacks --${field.flags![0]}`);
    }
    assert.ok(!flags.includes("--role_arn"), "hidden spellings are not offered");
  });
}

for (const name of ["bash", "zsh", "fish"]) {
  Deno.test(`completions ${name}: a provider name holding shell code (or a colon) is offered, never run`, async () => {
    await using fixture = await world();
    const { home, env, scripts } = fixture;
    const marks = [join(home, "ran-dollar"), join(home, "ran-backtick")];
    await Deno.writeTextFile(
      join(home, ".aws-oidc", "config"),
      `${CONFIG}\n[[AuthProvider]]\nname = ${JSON.stringify(`$(touch ${marks[0]})x`)}\n` +
        `[[AuthProvider]]\nname = ${JSON.stringify(`\`touch ${marks[1]}\`y`)}\n[[AuthProvider]]\nname = "team:ops"\n`,
    );
    const got = await completers(scripts, env)[name]("aws-oidc auth ");
    for (const mark of marks) {
      assert.equal(await Deno.stat(mark).then(() => true, () => false), false, `${name} ran a name: ${got}`);
    }
    assert.equal(got.length, 5, `${name}: every name is offered: ${got}`);
    for (const plain of ["google", "work-prod", "team:ops"]) assert.ok(got.includes(plain), `${name}: ${got}`);
  });
}

Deno.test("completions zsh: also works installed in $fpath as _aws-oidc (autoloaded by compinit)", async () => {
  await using fixture = await world();
  const { home, env, scripts } = fixture;
  const dir = join(home, "zfunc");
  await Deno.mkdir(dir);
  await Deno.copyFile(scripts.zsh, join(dir, "_aws-oidc"));
  assert.deepEqual(sorted(await shell("zsh", ["-f", HARNESS, dir, "aws-oidc auth "], env)), ["google", "work-prod"]);
});

Deno.test("completions bash: registers with complete -F for aws-oidc", async () => {
  await using fixture = await world();
  const { env, scripts } = fixture;
  assert.deepEqual(
    await shell("bash", ["--norc", "--noprofile", "-c", 'source "$1"; complete -p aws-oidc', "x", scripts.bash], env),
    ["complete -F _aws_oidc aws-oidc"],
  );
});

Deno.test("__complete prints names, and nothing at all when the config is broken", async () => {
  await using fixture = await world();
  const { home, env } = fixture;
  assert.deepEqual(await runCli(["__complete", "providers"], env), {
    code: 0,
    stdout: "google\nwork-prod\n",
    stderr: "",
  });
  assert.deepEqual(await runCli(["__complete", "profiles"], env), { code: 0, stdout: "dev\n", stderr: "" });
  await Deno.writeTextFile(join(home, ".aws-oidc", "config"), "[[AuthProvider]\nname = ");
  await Deno.remove(join(home, ".aws", "config"));
  assert.deepEqual(await runCli(["__complete", "providers"], env), { code: 0, stdout: "", stderr: "" });
  assert.deepEqual(await runCli(["__complete", "profiles"], env), { code: 0, stdout: "", stderr: "" });
  const help = await runCli(["--help"], env);
  assert.doesNotMatch(help.stdout, /__complete/, "the hidden command stays out of help");
});

Deno.test("completions powershell (not installed here, so checked by structure): the embedded command line is the program's", async () => {
  await using fixture = await world();
  const { scripts } = fixture;
  const script = await Deno.readTextFile(scripts.powershell);
  assert.match(
    script,
    /^Register-ArgumentCompleter -Native -CommandName 'aws-oidc', 'aws-oidc.exe' -ScriptBlock \{$/m,
  );
  const json = /\$spec = @'\n([\s\S]*?)\n'@ \| ConvertFrom-Json/.exec(script)?.[1];
  assert.ok(json, "the here-string holding the command line");
  const expected = completionSpec(await buildProgram(processContext([])));
  assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(expected)));
  const auth = expected.commands.find((command) => command.name === "auth")!;
  assert.deepEqual(auth.args, [{ kind: "providers", name: "provider" }]);
  assert.match(script, /& 'aws-oidc' __complete \$what 2>\$null/);
  // Balanced braces and parentheses outside the JSON: a cheap guard against a broken template.
  const code = script.replace(json, "");
  for (const [open, close] of [["{", "}"], ["(", ")"]]) {
    assert.equal(code.split(open).length, code.split(close).length, `${open}${close} balance`);
  }
});
