/**
 * Opens a URL in the person's browser: the provider's `agent` command when
 * configured (`{}` is replaced by the URL, or the URL is appended), otherwise the
 * operating system's default. Also writes the `agent` for a browser that
 * installed_browsers.ts found.
 *
 * The browser never inherits our stdout: a credential_process's stdout is
 * parsed as JSON, and a child holding it open would also stall the reader.
 */
import { AwsOidcError } from "../errors.ts";
import type { BrowserProfile, InstalledBrowser } from "./installed_browsers.ts";

/** What {@link browserCommand} needs to know about the machine. */
export interface Platform {
  os: typeof Deno.build.os;
  env: (name: string) => string | undefined;
  /** True when running under WSL with `wslview` available. */
  wsl?: boolean;
}

/** The command that opens `url`: argv, program first. */
export function browserCommand(url: string, agent: string[] | undefined, platform: Platform): string[] {
  if (agent?.length) {
    return agent.some((part) => part.includes("{}"))
      ? agent.map((part) => part.replaceAll("{}", url))
      : [...agent, url];
  }
  const browser = platform.env("BROWSER");
  if (browser) {
    // BROWSER is a colon-separated list of commands; %s marks the URL.
    const first = browser.split(platform.os === "windows" ? ";" : ":")[0].trim().split(/\s+/);
    return first.some((part) => part.includes("%s"))
      ? first.map((part) => part.replaceAll("%s", url))
      : [...first, url];
  }
  switch (platform.os) {
    case "darwin":
      return ["open", url];
    case "windows":
      // Not `cmd /c start`: cmd would split the URL at every "&".
      return ["rundll32", "url.dll,FileProtocolHandler", url];
    default:
      return platform.wsl ? ["wslview", url] : ["xdg-open", url];
  }
}

/**
 * The `agent` that opens `browser` (in `profile`, if given) with the URL: `{}`
 * is where aws-oidc puts the URL.
 */
export function agentCommand(browser: InstalledBrowser, profile?: BrowserProfile): string[] {
  const profileArgs = profile ? [`--profile-directory=${profile.directory}`] : [];
  // `open` passes arguments after --args to the app; -n starts it even when running, so it sees them.
  if (browser.command[0] === "open") return [...browser.command, "-n", "--args", ...profileArgs, "{}"];
  return [...browser.command, ...profileArgs, "{}"];
}

/** Starts the browser without waiting for it to exit. Fails only if it cannot start. */
export function openBrowser(url: string, agent: string[] | undefined, platform: Platform): Deno.ChildProcess {
  const [program, ...args] = browserCommand(url, agent, platform);
  try {
    const child = new Deno.Command(program, { args, stdin: "null", stdout: "null", stderr: "null" }).spawn();
    child.unref();
    return child;
  } catch (error) {
    throw new AwsOidcError(`Cannot start the browser "${program}": ${(error as Error).message}`, {
      hint: agent?.length ? "fix the provider's agent command" : "set agent in the provider, or BROWSER",
      cause: error,
    });
  }
}

/** The current machine as a {@link Platform}. */
export function currentPlatform(): Platform {
  const env = (name: string) => Deno.env.get(name);
  let wsl = false;
  if (Deno.build.os === "linux" && (env("WSL_DISTRO_NAME") || env("WSL_INTEROP"))) {
    wsl = (env("PATH") ?? "").split(":").some((dir) => {
      try {
        return Deno.statSync(`${dir}/wslview`).isFile;
      } catch {
        return false;
      }
    });
  }
  return { os: Deno.build.os, env, wsl };
}
