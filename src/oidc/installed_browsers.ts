/**
 * The browsers installed on this machine and, for the Chromium family, their
 * profiles, so `setup` can offer "Chrome — Work" and write the `agent` that
 * opens exactly that profile.
 *
 * Chromium-based browsers list their profiles in `Local State` (JSON) in their
 * user-data directory: `profile.info_cache` maps a profile directory
 * ("Default", "Profile 1") to its display name. Where the programs and those
 * directories live on each OS is the table below; the paths are built from
 * the environment (HOME, XDG_CONFIG_HOME, LOCALAPPDATA, PROGRAMFILES, PATH),
 * so tests point them at temporary directories.
 *
 * @see https://chromium.googlesource.com/chromium/src/+/HEAD/docs/user_data_dir.md
 */
import { delimiter, join } from "node:path";
import { exists } from "../io.ts";

/** Where one browser lives on each OS. */
interface BrowserSpec {
  id: string;
  name: string;
  /** Linux: program names searched on PATH; the user-data directory under XDG_CONFIG_HOME. */
  linux: { programs: string[]; userData?: string[] };
  /** macOS: the app bundle (in /Applications or ~/Applications), its bundle id; user data under ~/Library/Application Support. */
  darwin: { app: string; bundleId: string; userData?: string[] };
  /** Windows: the executable under PROGRAMFILES, PROGRAMFILES(X86) or LOCALAPPDATA; user data under LOCALAPPDATA. */
  windows: { exe: string[]; userData?: string[] };
}

const BROWSERS: readonly BrowserSpec[] = [
  {
    id: "chrome",
    name: "Google Chrome",
    linux: { programs: ["google-chrome", "google-chrome-stable"], userData: ["google-chrome"] },
    darwin: { app: "Google Chrome.app", bundleId: "com.google.Chrome", userData: ["Google", "Chrome"] },
    windows: { exe: ["Google", "Chrome", "Application", "chrome.exe"], userData: ["Google", "Chrome", "User Data"] },
  },
  {
    id: "chromium",
    name: "Chromium",
    linux: { programs: ["chromium", "chromium-browser"], userData: ["chromium"] },
    darwin: { app: "Chromium.app", bundleId: "org.chromium.Chromium", userData: ["Chromium"] },
    windows: { exe: ["Chromium", "Application", "chrome.exe"], userData: ["Chromium", "User Data"] },
  },
  {
    id: "edge",
    name: "Microsoft Edge",
    linux: { programs: ["microsoft-edge", "microsoft-edge-stable"], userData: ["microsoft-edge"] },
    darwin: { app: "Microsoft Edge.app", bundleId: "com.microsoft.edgemac", userData: ["Microsoft Edge"] },
    windows: { exe: ["Microsoft", "Edge", "Application", "msedge.exe"], userData: ["Microsoft", "Edge", "User Data"] },
  },
  {
    id: "brave",
    name: "Brave",
    linux: { programs: ["brave-browser", "brave"], userData: ["BraveSoftware", "Brave-Browser"] },
    darwin: { app: "Brave Browser.app", bundleId: "com.brave.Browser", userData: ["BraveSoftware", "Brave-Browser"] },
    windows: {
      exe: ["BraveSoftware", "Brave-Browser", "Application", "brave.exe"],
      userData: ["BraveSoftware", "Brave-Browser", "User Data"],
    },
  },
  {
    id: "firefox",
    name: "Firefox",
    linux: { programs: ["firefox"] },
    darwin: { app: "Firefox.app", bundleId: "org.mozilla.firefox" },
    windows: { exe: ["Mozilla Firefox", "firefox.exe"] },
  },
];

/** One browser profile. */
export interface BrowserProfile {
  /** The directory name, e.g. "Profile 1": what `--profile-directory` takes. */
  directory: string;
  /** The name the person gave it, e.g. "Work". */
  name: string;
}

/** An installed browser. */
export interface InstalledBrowser {
  id: string;
  name: string;
  /** The command that starts it (program first), before any profile argument and the URL. */
  command: string[];
  /** Its profiles, for the Chromium family (empty when none were found or for Firefox). */
  profiles: BrowserProfile[];
}

/** What detection needs to know about the machine. */
export interface BrowserEnvironment {
  os: typeof Deno.build.os;
  env: (name: string) => string | undefined;
}

/** The installed browsers, in the table's order. */
export async function detectBrowsers(machine: BrowserEnvironment): Promise<InstalledBrowser[]> {
  const found: InstalledBrowser[] = [];
  for (const spec of BROWSERS) {
    const command = await launchCommand(spec, machine);
    if (!command) continue;
    const dir = userDataDir(spec, machine);
    found.push({ id: spec.id, name: spec.name, command, profiles: dir ? await readProfiles(dir) : [] });
  }
  return found;
}

/** The profiles listed in a user-data directory's `Local State`; none when it is missing or unreadable. */
export async function readProfiles(userDataDir: string): Promise<BrowserProfile[]> {
  let state: unknown;
  try {
    state = JSON.parse(await Deno.readTextFile(join(userDataDir, "Local State")));
  } catch {
    return [];
  }
  const cache = (state as { profile?: { info_cache?: unknown } })?.profile?.info_cache;
  if (typeof cache !== "object" || cache === null) return [];
  return Object.entries(cache as Record<string, { name?: unknown }>)
    .map(([directory, info]) => ({ directory, name: typeof info?.name === "string" ? info.name : directory }))
    .sort((a, b) => profileOrder(a.directory) - profileOrder(b.directory) || a.directory.localeCompare(b.directory));
}

/** "Default" first, then "Profile 1", "Profile 2", … by number. */
function profileOrder(directory: string): number {
  if (directory === "Default") return -1;
  const number = /^Profile (\d+)$/.exec(directory);
  return number ? Number(number[1]) : Number.MAX_SAFE_INTEGER;
}

async function launchCommand(spec: BrowserSpec, { os, env }: BrowserEnvironment): Promise<string[] | undefined> {
  switch (os) {
    case "darwin": {
      const places = ["/Applications", join(env("HOME") ?? "/nonexistent", "Applications")];
      for (const place of places) {
        if (await exists(join(place, spec.darwin.app), { follow: true })) return ["open", "-b", spec.darwin.bundleId];
      }
      return undefined;
    }
    case "windows": {
      const roots = [env("PROGRAMFILES"), env("PROGRAMFILES(X86)"), env("LOCALAPPDATA")].filter(Boolean) as string[];
      for (const root of roots) {
        const exe = join(root, ...spec.windows.exe);
        if (await exists(exe, { follow: true })) return [exe];
      }
      return undefined;
    }
    default: {
      const path = (env("PATH") ?? "").split(delimiter).filter(Boolean);
      for (const program of spec.linux.programs) {
        for (const dir of path) {
          if (await isExecutable(join(dir, program))) return [program];
        }
      }
      return undefined;
    }
  }
}

function userDataDir(spec: BrowserSpec, { os, env }: BrowserEnvironment): string | undefined {
  switch (os) {
    case "darwin":
      return spec.darwin.userData &&
        join(env("HOME") ?? "/nonexistent", "Library", "Application Support", ...spec.darwin.userData);
    case "windows": {
      const local = env("LOCALAPPDATA");
      return spec.windows.userData && local ? join(local, ...spec.windows.userData) : undefined;
    }
    default: {
      const config = env("XDG_CONFIG_HOME") || join(env("HOME") ?? "/nonexistent", ".config");
      return spec.linux.userData && join(config, ...spec.linux.userData);
    }
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}
