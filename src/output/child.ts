/**
 * Running a program as a child of aws-oidc (`exec`): stdio inherited, an
 * environment with credentials set and conflicting variables removed, Ctrl-C
 * and SIGTERM passed on, its exit code returned.
 */
import { UsageError } from "../errors.ts";
import type { Log } from "../log.ts";

/** The user's shell: `SHELL` (else /bin/sh), or on Windows `ComSpec` (else cmd.exe). */
export function userShell(env: (name: string) => string | undefined, os: string = Deno.build.os): string[] {
  if (os === "windows") return [env("ComSpec") || "cmd.exe"];
  return [env("SHELL") || "/bin/sh"];
}

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGTERM: 15,
};

/**
 * Runs the child with inherited stdio, passing SIGINT/SIGTERM on; its exit code (128+n for signal n).
 *
 * The child inherits this process's environment, less `unset`, plus `set`. The `unset` names are
 * removed from this process's own environment first: reading the whole environment to copy it
 * would need access to every variable, which the permission set (scripts/permissions.ts) does not
 * grant. aws-oidc has no further use for them once the child starts (STS calls carry their own
 * credentials, or none).
 */
export async function runChild(
  argv: string[],
  env: { set: Record<string, string>; unset: readonly string[] },
  log: Log,
): Promise<number> {
  const [program, ...args] = argv;
  let child: Deno.ChildProcess | undefined;
  // Listen before spawning: a signal that arrives while the child starts must not kill aws-oidc instead.
  const forwarded: Array<[Deno.Signal, () => void]> = [];
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const forward = () => {
      try {
        child?.kill(signal);
      } catch { /* already gone */ }
    };
    try {
      Deno.addSignalListener(signal, forward);
      forwarded.push([signal, forward]);
    } catch { /* not supported on this OS */ }
  }
  try {
    try {
      for (const name of env.unset) Deno.env.delete(name);
      child = new Deno.Command(program, {
        args,
        env: env.set,
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
    } catch (error) {
      throw new UsageError(`Cannot run "${program}": ${(error as Error).message}`, {
        hint: "check the command's name and your PATH",
        cause: error,
      });
    }
    const status = await child.status;
    if (status.signal) {
      log.debug(`the program ended by ${status.signal}`);
      return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
    }
    return status.code;
  } finally {
    for (const [signal, forward] of forwarded) Deno.removeSignalListener(signal, forward);
  }
}
