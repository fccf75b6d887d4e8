/**
 * One way for tests to run a program to its end: stdout and stderr decoded and
 * kept apart, with the environment, working directory, stdin text and a
 * time limit as options.
 */

/** What a finished program produced. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run it. */
export interface CommandOptions {
  /** The program's whole environment (nothing of this process's is inherited); absent: this process's. */
  env?: Record<string, string>;
  /** With `env`: added to this process's environment instead of replacing it. */
  inheritEnv?: boolean;
  cwd?: string;
  /** Text written to its stdin, which is then closed; absent: no stdin. */
  stdin?: string;
  /** Killed (SIGKILL) after this many milliseconds, so a test fails instead of hanging. */
  timeoutMs?: number;
}

/** Runs `program args` to its end. */
export async function runCommand(
  program: string,
  args: string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const child = new Deno.Command(program, {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: options.env !== undefined && !options.inheritEnv,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const watchdog = options.timeoutMs === undefined
    ? undefined
    : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  try {
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.stdin));
      await writer.close();
    }
    return decoded(await child.output());
  } finally {
    clearTimeout(watchdog);
  }
}

/** A finished child's output, decoded. */
export function decoded(output: Deno.CommandOutput): CommandResult {
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}
