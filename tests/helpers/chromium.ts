/**
 * Real headless Chromium as a provider's `agent`. Each agent gets its own
 * profile directory, which doubles as the marker used to find and stop every
 * process of that browser afterwards (the CLI does not wait for its browser).
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
export interface ChromiumAgent {
  /** The agent as a TOML array. */
  toml: string;
  argv: string[];
  /** Stops every process of this browser and removes its profile. */
  stop(): Promise<void>;
}

/** Creates an agent with a fresh profile directory. */
export async function chromiumAgent(): Promise<ChromiumAgent> {
  const profile = await Deno.makeTempDir({ prefix: "aws-oidc-chromium-" });
  const argv = [
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
      await killProcessesMentioning(profile);
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Sends SIGKILL to every process whose command line contains `marker` (Linux /proc). */
async function killProcessesMentioning(marker: string): Promise<void> {
  for (let round = 0; round < 3; round++) {
    let found = 0;
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      let cmdline: string;
      try {
        cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      } catch {
        continue;
      }
      if (!cmdline.includes(marker)) continue;
      found++;
      try {
        Deno.kill(Number(entry.name), "SIGKILL");
      } catch { /* already gone */ }
    }
    if (found === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
