/**
 * scripts/test.ts, the README's test command: every program the tests spawn is
 * checked first; a missing one is installed with apt (root) or named with the
 * exact apt command, and then no test runs at all.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findOnPath, runTests, SYSTEM_PROGRAMS, type TestCommandDeps } from "../../scripts/test.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { removing } from "../helpers/dispose.ts";
import { type CommandOptions, type CommandResult, runCommand } from "../helpers/command.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = join(ROOT, "scripts", "test.ts");

/** A test file that leaves a marker when it runs, so a run that should not happen shows. */
async function markerTest(dir: string): Promise<{ file: string; marker: string }> {
  const marker = join(dir, "ran");
  const file = join(dir, "marker_test.ts");
  await Deno.writeTextFile(
    file,
    `Deno.test("marker", () => Deno.writeTextFileSync(${JSON.stringify(marker)}, "x"));\n`,
  );
  return { file, marker };
}

/** A PATH directory with every needed program linked in, except `without`. */
async function pathWithout(dir: string, without: string[]): Promise<string> {
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  for (const { program, probe } of SYSTEM_PROGRAMS) {
    if (without.includes(program)) continue;
    let target = findOnPath(program, Deno.env.get("PATH")!);
    assert.ok(target, `${program} is installed here`);
    // A shim (pyenv) needs its own PATH; link the real interpreter it runs.
    if (probe) {
      const out = await runCommand(target, ["-c", "import sys; print(sys.executable)"]);
      target = out.stdout.trim();
    }
    await Deno.symlink(target, join(bin, program));
  }
  return bin;
}

/** Runs scripts/test.ts (as the test task does) on `file`. */
function runTestScript(file: string, options: CommandOptions = {}): Promise<CommandResult> {
  return runCommand(
    Deno.execPath(),
    ["run", "--allow-env", "--allow-read", "--allow-run", "--allow-sys", SCRIPT, file],
    options,
  );
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("test command: deno.json's test task runs scripts/test.ts", () => {
  assert.match(denoJson.tasks.test, /^deno run [^;&|]* scripts\/test\.ts$/);
  const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
  assert.match(readme, /npx -y deno@2\.9\.6 task test/);
  assert.match(Deno.readTextFileSync(join(ROOT, ".ci", "run")), /^npx -y deno@2\.9\.6 task test$/m);
});

Deno.test("test command: a missing program without apt names the exact command, exits 1 and runs no test", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-testcmd-" });
  await using _dir = removing(dir);
  const { file, marker } = await markerTest(dir);
  const bin = await pathWithout(dir, ["zsh", "fish"]);
  const output = await runTestScript(file, { env: { PATH: bin, HOME: dir } });
  const stderr = output.stderr;
  assert.equal(output.code, 1, stderr);
  assert.match(stderr, /the tests need "zsh", "fish", which are not installed; no test was run/);
  const sudo = Deno.uid() === 0 ? "" : "sudo ";
  assert.ok(stderr.includes(`(hint: ${sudo}apt-get install -y zsh fish)`), stderr);
  assert.equal(exists(marker), false, "no test ran");
});

Deno.test("test command: with every program there, it runs the tests it is given", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-testcmd-" });
  await using _dir = removing(dir);
  const { file, marker } = await markerTest(dir);
  const output = await runTestScript(file);
  assert.equal(output.code, 0, output.stderr);
  assert.ok(exists(marker), "the test ran");
});

/** Deps whose `run` records each command; apt "installs" a package by creating its program in `bin`. */
function fakeDeps(bin: string, uid: number, lines: string[], runs: string[][]): TestCommandDeps {
  return {
    env: (name) => name === "PATH" ? bin : undefined,
    uid: () => uid,
    say: (line) => lines.push(line),
    run: (argv) => {
      runs.push(argv);
      const install = argv.indexOf("install");
      if (install >= 0) {
        for (const entry of SYSTEM_PROGRAMS.filter((entry) => entry.package === argv.at(-1))) {
          Deno.writeTextFileSync(join(bin, entry.program), "#!/bin/sh\n", { mode: 0o755 });
        }
      }
      return Promise.resolve(0);
    },
  };
}

Deno.test("test command: as root with apt, each missing package is installed with one line, then the tests run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-testcmd-" });
  await using _dir = removing(dir);
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  for (const { program } of SYSTEM_PROGRAMS) {
    if (program !== "zsh" && program !== "kubectl") {
      Deno.writeTextFileSync(join(bin, program), "#!/bin/sh\n", { mode: 0o755 });
    }
  }
  Deno.writeTextFileSync(join(bin, "apt-get"), "#!/bin/sh\n", { mode: 0o755 });
  const lines: string[] = [];
  const runs: string[][] = [];
  const code = await runTests(["tests/x_test.ts"], fakeDeps(bin, 0, lines, runs));
  assert.equal(code, 0);
  assert.deepEqual(lines, [
    "Installing zsh with apt (the tests run zsh)",
    "Installing kubernetes-client with apt (the tests run kubectl)",
  ]);
  assert.deepEqual(runs.filter((argv) => argv.includes("install")).map((argv) => argv.at(-1)), [
    "zsh",
    "kubernetes-client",
  ]);
  assert.deepEqual(runs.at(-1)!.slice(0, 2), [Deno.execPath(), "test"]);
  assert.equal(runs.at(-1)!.at(-1), "tests/x_test.ts");
});

Deno.test("test command: not root, it names the sudo apt command and runs nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-testcmd-" });
  await using _dir = removing(dir);
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  Deno.writeTextFileSync(join(bin, "apt-get"), "#!/bin/sh\n", { mode: 0o755 });
  const lines: string[] = [];
  const runs: string[][] = [];
  const code = await runTests([], fakeDeps(bin, 1000, lines, runs));
  assert.equal(code, 1);
  assert.equal(lines.length, 1);
  const packages = [...new Set(SYSTEM_PROGRAMS.map((entry) => entry.package))].join(" ");
  assert.ok(lines[0].endsWith(`(hint: sudo apt-get install -y ${packages})`), lines[0]);
  assert.deepEqual(runs, [], "nothing was run: no apt, no probe of a missing program, no deno test");
});
