/**
 * The test command (`deno task test`, the one README.md and `.ci/run` give):
 * first makes sure every system program the tests spawn is there, then runs
 * `deno test` on `tests/` (or on the paths given as arguments).
 *
 * A missing program is installed with apt when this runs as root and apt is
 * there, one line each on stderr; otherwise the exact apt command is named and
 * nothing runs. No test is ever skipped because a program is missing.
 *
 * To add a program a test spawns: add one row to {@link SYSTEM_PROGRAMS}.
 */

/** One system program the tests need, and the Debian package that provides it. */
export interface SystemProgram {
  /** The command looked up on PATH. */
  program: string;
  /** The Debian/Ubuntu package to install when it is missing. */
  package: string;
  /** Arguments to run `program` with that must exit 0 (for a module inside it); absent: being on PATH is enough. */
  probe?: string[];
}

/** Every program the tests spawn, with its Debian package: the one table to extend. */
export const SYSTEM_PROGRAMS: readonly SystemProgram[] = [
  { program: "chromium", package: "chromium" }, // the real browser of the e2e tests, started as the `agent`
  { program: "zsh", package: "zsh" }, // reads back `env` output, completion tests
  { program: "fish", package: "fish" },
  { program: "glewlwyd", package: "glewlwyd" }, // the second, independent IdP (tests/fixtures/glewlwyd.ts)
  { program: "sqlite3", package: "sqlite3" }, // builds Glewlwyd's database from the package's schema
  { program: "gnome-keyring-daemon", package: "gnome-keyring" }, // the real Secret Service
  { program: "secret-tool", package: "libsecret-tools" },
  { program: "dbus-run-session", package: "dbus" },
  { program: "aws", package: "awscli" }, // real consumers of credential_process and the IMDS stand-in
  { program: "python3", package: "python3-boto3", probe: ["-c", "import boto3"] },
  { program: "ip", package: "iproute2" }, // network namespaces for network tests
  { program: "kubectl", package: "kubernetes-client" }, // consumer of eks-token
  { program: "script", package: "bsdutils" }, // pseudo-terminals
];

/** The outside world this script touches; injectable for its own test. */
export interface TestCommandDeps {
  env: (name: string) => string | undefined;
  uid: () => number | null;
  /** Runs a command, inheriting stdio unless `quiet`; resolves to its exit code (127 when it cannot start). */
  run: (argv: string[], options?: { quiet?: boolean }) => Promise<number>;
  /** A human line on stderr. */
  say: (line: string) => void;
}

/** The absolute path of `program` on `path`, or undefined. */
export function findOnPath(program: string, path: string): string | undefined {
  for (const dir of path.split(":")) {
    if (!dir) continue;
    try {
      const info = Deno.statSync(`${dir}/${program}`);
      if (info.isFile && info.mode !== null && (info.mode & 0o111) !== 0) return `${dir}/${program}`;
    } catch { /* not here */ }
  }
  return undefined;
}

/** The rows of `programs` that are missing here (not on PATH, or their probe fails). */
export async function missingPrograms(
  programs: readonly SystemProgram[],
  deps: Pick<TestCommandDeps, "env" | "run">,
): Promise<SystemProgram[]> {
  const path = deps.env("PATH") ?? "";
  const missing = [];
  for (const entry of programs) {
    const found = findOnPath(entry.program, path);
    if (!found || (entry.probe && await deps.run([found, ...entry.probe], { quiet: true }) !== 0)) missing.push(entry);
  }
  return missing;
}

/** The packages of `missing`, each once, in table order. */
function packagesOf(missing: SystemProgram[]): string[] {
  return [...new Set(missing.map((entry) => entry.package))];
}

/**
 * Makes sure every program in `programs` is there, installing the missing ones
 * with apt when possible. Resolves to true when all are there; false after
 * saying which command installs them.
 */
export async function ensurePrograms(programs: readonly SystemProgram[], deps: TestCommandDeps): Promise<boolean> {
  let missing = await missingPrograms(programs, deps);
  if (missing.length === 0) return true;
  const path = deps.env("PATH") ?? "";
  const apt = findOnPath("apt-get", path);
  const packages = packagesOf(missing);
  if (deps.uid() === 0 && apt) {
    const quiet = { quiet: true };
    if (await deps.run([apt, "update", "-qq"], quiet) !== 0) deps.say("warning: apt-get update failed");
    for (const name of packages) {
      const why = missing.filter((entry) => entry.package === name).map((entry) => entry.program).join(", ");
      deps.say(`Installing ${name} with apt (the tests run ${why})`);
      await deps.run(["/usr/bin/env", "DEBIAN_FRONTEND=noninteractive", apt, "install", "-y", "-qq", name], quiet);
    }
    missing = await missingPrograms(programs, deps);
    if (missing.length === 0) return true;
  }
  const sudo = deps.uid() === 0 ? "" : "sudo ";
  deps.say(
    `error: the tests need ${missing.map((entry) => `"${entry.program}"`).join(", ")}, which ${
      missing.length === 1 ? "is" : "are"
    } not installed; no test was run (hint: ${sudo}apt-get install -y ${packagesOf(missing).join(" ")})`,
  );
  return false;
}

/** The permissions the test files run with. */
export const TEST_FLAGS = [
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-run",
  "--allow-sys",
  "--parallel",
];

/** Checks the programs, then runs `deno test` on `args` (default: `tests/`). Resolves to the exit code. */
export async function runTests(args: string[], deps: TestCommandDeps): Promise<number> {
  if (!await ensurePrograms(SYSTEM_PROGRAMS, deps)) return 1;
  const paths = args.length > 0 ? args : ["tests/"];
  return await deps.run([Deno.execPath(), "test", ...TEST_FLAGS, ...paths]);
}

async function run(argv: string[], options: { quiet?: boolean } = {}): Promise<number> {
  const io = options.quiet ? "null" : "inherit";
  try {
    const { code } = await new Deno.Command(argv[0], { args: argv.slice(1), stdin: "null", stdout: io, stderr: io })
      .output();
    return code;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 127;
    throw error;
  }
}

if (import.meta.main) {
  Deno.exit(
    await runTests(Deno.args, {
      env: (name) => Deno.env.get(name),
      uid: () => Deno.uid(),
      run,
      say: (line) => console.error(line),
    }),
  );
}
