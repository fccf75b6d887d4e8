/**
 * Runs the real CLI as a subprocess, with the release permission set
 * (scripts/permissions.ts), in a throwaway HOME.
 */
import { join } from "node:path";
import { PERMISSION_FLAGS } from "../../scripts/permissions.ts";
import { type CommandResult, runCommand } from "./command.ts";

/** What a CLI run produced; stdout and stderr kept apart. */
export type CliRun = CommandResult;

const ROOT = new URL("../../", import.meta.url).pathname;

/** A D-Bus address where nothing listens: `secret-tool` fails at once, and never autolaunches a session bus. */
export const NO_BUS = "unix:path=/nonexistent/aws-oidc-tests";

/**
 * Environment for a CLI run: this process's environment without any AWS or
 * aws-oidc setting, a fresh HOME, and Deno's cache kept where it was (so the
 * subprocess needs no network to load its modules). The person's keychain is
 * never touched: on Linux the D-Bus session is {@link NO_BUS} (a test that
 * wants a keyring starts its own: tests/helpers/keyring.ts), elsewhere
 * `AWS_OIDC_STORAGE=file`.
 */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (name.startsWith("AWS_") || name === "BROWSER") delete env[name];
  }
  const originalHome = env.HOME ?? "";
  const denoDir = env.DENO_DIR ??
    (Deno.build.os === "darwin"
      ? join(originalHome, "Library", "Caches", "deno")
      : join(originalHome, ".cache", "deno"));
  return {
    ...env,
    HOME: home,
    DENO_DIR: denoDir,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: "1",
    DBUS_SESSION_BUS_ADDRESS: NO_BUS,
    ...(Deno.build.os === "linux" ? {} : { AWS_OIDC_STORAGE: "file" }),
    ...extra,
  };
}

/**
 * The argv that runs the CLI with exactly the release permission set
 * (scripts/permissions.ts, which the `aws-oidc` task and `deno compile` use
 * too), and without `deno task` in between: signals reach the CLI itself.
 * With `AWS_OIDC_TEST_BINARY` set (the release workflow), the compiled binary
 * at that path instead, whose permissions were baked in from the same list.
 */
export function cliCommand(): string[] {
  const binary = Deno.env.get("AWS_OIDC_TEST_BINARY");
  if (binary) return [binary];
  return [Deno.execPath(), "run", "--quiet", ...PERMISSION_FLAGS, join(ROOT, "main.ts")];
}

/** `cliCommand()` as one line for a shell or a `credential_process`, each word quoted. */
export function cliCommandLine(): string {
  return shellWords(cliCommand());
}

/** Words as one POSIX shell command line: each quoted unless it is plainly safe, a `'` inside escaped. */
export function shellWords(words: string[]): string {
  return words.map((word) => /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`).join(" ");
}

/** Starts `aws-oidc <args>` with exactly `env`, no stdin, and stdout and stderr piped. */
export function spawnCli(args: string[], env: Record<string, string>): Deno.ChildProcess {
  const [program, ...base] = cliCommand();
  return new Deno.Command(program, {
    args: [...base, ...args],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs `aws-oidc <args>` with exactly `env` and no stdin; killed after `timeoutMs`, if given. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<CliRun> {
  const [program, ...base] = cliCommand();
  return runCommand(program, [...base, ...args], { env, cwd: ROOT, timeoutMs: options.timeoutMs });
}

/**
 * Runs `aws-oidc <args>`, and once stderr shows the device flow's URL, opens it
 * with `browser` (an agent argv with `{}` for the URL), as a person approving
 * on another device would. Kills the CLI after `timeoutMs`.
 */
export async function runApprovingDevice(
  args: string[],
  env: Record<string, string>,
  options: { browser: string[]; timeoutMs: number },
): Promise<CliRun & { opened?: string }> {
  const child = spawnCli(args, env);
  const watchdog = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const stdout = new Response(child.stdout).text();
  let stderr = "";
  let opened: string | undefined;
  try {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr += chunk;
      const url = opened === undefined && /open this URL on any device: (\S+)/.exec(stderr)?.[1];
      if (url) {
        opened = url;
        const [command, ...rest] = options.browser.map((part) => part.replaceAll("{}", url));
        new Deno.Command(command, { args: rest, stdin: "null", stdout: "null", stderr: "null" }).spawn();
      }
    }
    return { code: (await child.status).code, stdout: await stdout, stderr, opened };
  } finally {
    clearTimeout(watchdog);
  }
}

/** A temporary HOME with `~/.aws-oidc/config` holding `config`. */
export async function makeHome(config: string): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "aws-oidc-home-" });
  await Deno.mkdir(join(home, ".aws-oidc"), { recursive: true });
  await Deno.mkdir(join(home, ".aws"), { recursive: true });
  await Deno.writeTextFile(join(home, ".aws-oidc", "config"), config);
  return home;
}

/** Agent command (TOML array) that follows redirects without a browser. */
export function redirectFollowerAgent(): string {
  const script = join(ROOT, "tests", "fixtures", "follow_redirects.ts");
  return JSON.stringify([Deno.execPath(), "run", "--allow-net=127.0.0.1", script, "{}"]);
}
