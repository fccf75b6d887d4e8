/**
 * Real headless Chromium as a provider's `agent`. Each agent gets its own
 * profile directory, through which the browser is found and stopped afterwards
 * (the CLI does not wait for its browser).
 */

/** Chromium's path: `CHROMIUM` or Debian's `/usr/bin/chromium`. A missing browser fails the test. */
export function chromiumPath(): string {
  const path = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(`Chromium not found at ${path}: install it (apt-get install -y chromium) or set CHROMIUM`);
  }
  return path;
}

/** A headless Chromium agent and the way to clean up after it. */
export interface ChromiumAgent extends AsyncDisposable {
  /** The agent as a TOML array. */
  toml: string;
  argv: string[];
  /** Stops every process of this browser and removes its profile. */
  stop(): Promise<void>;
}

/**
 * Creates an agent with a fresh profile directory. With `recordTo`, every
 * launch first appends a line to that file, so tests can count browser launches.
 */
export async function chromiumAgent(options: { recordTo?: string } = {}): Promise<ChromiumAgent> {
  const profile = await Deno.makeTempDir({ prefix: "aws-oidc-chromium-" });
  const recorder = options.recordTo ? ["/bin/sh", "-c", 'echo launch >> "$0"; exec "$@"', options.recordTo] : [];
  const argv = [
    ...recorder,
    chromiumPath(),
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profile}`,
    "{}",
  ];
  return {
    argv,
    toml: JSON.stringify(argv),
    async stop() {
      await stopBrowserOf(profile);
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
    [Symbol.asyncDispose](this: ChromiumAgent) {
      return this.stop();
    },
  };
}

/**
 * Stops the Chromium using `profile`: its `SingletonLock` link names
 * "<host>-<pid>". SIGTERM lets it take its helper processes down; SIGKILL if it
 * is still alive after five seconds.
 */
async function stopBrowserOf(profile: string): Promise<void> {
  const lock = `${profile}/SingletonLock`;
  let pid: number;
  try {
    pid = Number((await Deno.readLink(lock)).split("-").at(-1));
  } catch {
    return; // never started, or already gone
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    Deno.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let waited = 0; waited < 5000; waited += 50) {
    try {
      Deno.kill(pid, "SIGCONT"); // a no-op for a live process; throws once it is gone
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    Deno.kill(pid, "SIGKILL");
  } catch { /* exited meanwhile */ }
}
