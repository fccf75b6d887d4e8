/**
 * A real Secret Service for tests: gnome-keyring-daemon on a private D-Bus
 * session (dbus-run-session), its keyrings in a throwaway directory. Runs
 * until {@link Keyring.close} closes the session's stdin. Missing programs
 * fail the test (the Debian packages dbus, gnome-keyring and libsecret-tools).
 *
 * Also a `secret-tool` shim that records each command line (never the stdin)
 * before running the real one, put first on PATH.
 */
import { join } from "node:path";
import { runCommand } from "./command.ts";

/** A running Secret Service. */
export interface Keyring extends AsyncDisposable {
  /** Variables that point a process at it: DBUS_SESSION_BUS_ADDRESS, and PATH with the recording shim first. */
  env: Record<string, string>;
  /** The command lines `secret-tool` was run with, one a line. */
  recorded(): Promise<string[]>;
  /** Runs the real `secret-tool` against this keyring. */
  secretTool(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/**
 * Starts the keyring. `unlocked`: a login collection is created and unlocked
 * (as a desktop login does); otherwise there is none, and with no one to
 * answer the prompt, storing fails (a locked or absent keyring).
 */
export async function startKeyring(options: { unlocked: boolean }): Promise<Keyring> {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-keyring-" });
  const bin = join(dir, "bin");
  const record = join(dir, "secret-tool.argv");
  await Deno.mkdir(bin);
  await Deno.writeTextFile(
    join(bin, "secret-tool"),
    `#!/bin/sh\nprintf '%s\\n' "secret-tool $*" >>'${record}'\nexec /usr/bin/secret-tool "$@"\n`,
    { mode: 0o755 },
  );
  await Deno.writeTextFile(record, "");
  const daemon = options.unlocked
    ? "printf test | gnome-keyring-daemon --unlock --components=secrets"
    : "gnome-keyring-daemon --start --components=secrets";
  const session = new Deno.Command("dbus-run-session", {
    args: [
      "--",
      "sh",
      "-c",
      `${daemon} >/dev/null 2>&1 || exit 1; echo "$DBUS_SESSION_BUS_ADDRESS"; exec cat >/dev/null`,
    ],
    env: { HOME: dir, XDG_RUNTIME_DIR: dir },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = session.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let address = "";
  while (!address.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("dbus-run-session or gnome-keyring-daemon did not start");
    address += value;
  }
  await reader.cancel();
  const env = {
    DBUS_SESSION_BUS_ADDRESS: address.trim(),
    PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
  };
  return {
    env,
    recorded: async () => (await Deno.readTextFile(record)).split("\n").filter(Boolean),
    async secretTool(...args) {
      return await runCommand("/usr/bin/secret-tool", args, { env, inheritEnv: true });
    },
    async close() {
      await session.stdin.close();
      await session.status;
      await Deno.remove(dir, { recursive: true });
    },
    [Symbol.asyncDispose](this: Keyring) {
      return this.close();
    },
  };
}
