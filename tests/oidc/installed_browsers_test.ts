/** Browser and profile detection on fake installations: a temporary HOME, PATH, LOCALAPPDATA and PROGRAMFILES. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { detectBrowsers, readProfiles } from "../../src/oidc/installed_browsers.ts";
import { agentCommand } from "../../src/oidc/open_browser.ts";
import { removing } from "../helpers/dispose.ts";

/** A `Local State` as Chrome writes it (trimmed): directory → profile info. */
function localState(profiles: Record<string, string>): string {
  const infoCache = Object.fromEntries(
    Object.entries(profiles).map(([directory, name]) => [directory, { name, avatar_icon: "chrome://theme/x" }]),
  );
  return JSON.stringify({ browser: { enabled_labs_experiments: [] }, profile: { info_cache: infoCache } });
}

async function write(path: string, text: string, mode = 0o644): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text, { mode });
}

/** An executable program file. */
async function program(path: string): Promise<void> {
  await write(path, "#!/bin/sh\n", 0o755);
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-browsers-" });
  await using _dir = removing(dir);
  await fn(dir);
}

Deno.test("browsers on Linux: programs on PATH, profiles from XDG_CONFIG_HOME's Local State", async () => {
  await withTemp(async (dir) => {
    const bin = join(dir, "bin");
    await program(join(bin, "chromium"));
    await program(join(bin, "brave-browser"));
    await program(join(bin, "firefox"));
    await write(join(bin, "microsoft-edge"), "not executable");
    const config = join(dir, "xdg");
    await write(
      join(config, "chromium", "Local State"),
      localState({ "Profile 10": "Ten", "Profile 2": "Work", "Default": "Personal" }),
    );
    // Brave's Local State is corrupt: it is still offered, without profiles.
    await write(join(config, "BraveSoftware", "Brave-Browser", "Local State"), "{not json");
    // Chrome has a Local State but is not installed: not offered.
    await write(join(config, "google-chrome", "Local State"), localState({ Default: "Me" }));
    const env: Record<string, string> = { PATH: `/nonexistent:${bin}`, HOME: dir, XDG_CONFIG_HOME: config };
    const browsers = await detectBrowsers({ os: "linux", env: (name) => env[name] });
    assert.deepEqual(browsers.map((b) => b.id), ["chromium", "brave", "firefox"]);
    const [chromium, brave, firefox] = browsers;
    assert.deepEqual(chromium.profiles, [
      { directory: "Default", name: "Personal" },
      { directory: "Profile 2", name: "Work" },
      { directory: "Profile 10", name: "Ten" },
    ]);
    assert.deepEqual(brave.profiles, []);
    assert.deepEqual(agentCommand(chromium, chromium.profiles[1]), ["chromium", "--profile-directory=Profile 2", "{}"]);
    assert.deepEqual(agentCommand(brave), ["brave-browser", "{}"]);
    assert.deepEqual(agentCommand(firefox), ["firefox", "{}"]);
  });
});

Deno.test("browsers on Linux: without XDG_CONFIG_HOME the profiles are under ~/.config", async () => {
  await withTemp(async (dir) => {
    await program(join(dir, "bin", "google-chrome-stable"));
    await write(join(dir, ".config", "google-chrome", "Local State"), localState({ "Profile 1": "Work" }));
    const env: Record<string, string> = { PATH: join(dir, "bin"), HOME: dir };
    const [chrome] = await detectBrowsers({ os: "linux", env: (name) => env[name] });
    assert.equal(chrome.name, "Google Chrome");
    assert.deepEqual(agentCommand(chrome, chrome.profiles[0]), [
      "google-chrome-stable",
      "--profile-directory=Profile 1",
      "{}",
    ]);
  });
});

Deno.test("browsers on macOS: app bundles in ~/Applications, opened by bundle id with the profile after --args", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(join(dir, "Applications", "Microsoft Edge.app"), { recursive: true });
    await write(
      join(dir, "Library", "Application Support", "Microsoft Edge", "Local State"),
      localState({ Default: "Home", "Profile 3": "Client A" }),
    );
    const env: Record<string, string> = { HOME: dir };
    const browsers = await detectBrowsers({ os: "darwin", env: (name) => env[name] });
    const edge = browsers.find((b) => b.id === "edge")!;
    assert.ok(edge, "Edge in ~/Applications is found");
    assert.deepEqual(agentCommand(edge, edge.profiles[1]), [
      "open",
      "-b",
      "com.microsoft.edgemac",
      "-n",
      "--args",
      "--profile-directory=Profile 3",
      "{}",
    ]);
  });
});

Deno.test("browsers on Windows: executables under PROGRAMFILES or LOCALAPPDATA, profiles under LOCALAPPDATA", async () => {
  await withTemp(async (dir) => {
    const programFiles = join(dir, "Program Files");
    const local = join(dir, "AppData", "Local");
    const chromeExe = join(programFiles, "Google", "Chrome", "Application", "chrome.exe");
    const braveExe = join(local, "BraveSoftware", "Brave-Browser", "Application", "brave.exe");
    await write(chromeExe, "");
    await write(braveExe, "");
    await write(join(local, "Google", "Chrome", "User Data", "Local State"), localState({ "Profile 1": "Work" }));
    const env: Record<string, string> = { PROGRAMFILES: programFiles, LOCALAPPDATA: local };
    const browsers = await detectBrowsers({ os: "windows", env: (name) => env[name] });
    assert.deepEqual(browsers.map((b) => b.command[0]), [chromeExe, braveExe]);
    assert.deepEqual(agentCommand(browsers[0], browsers[0].profiles[0]), [
      chromeExe,
      "--profile-directory=Profile 1",
      "{}",
    ]);
  });
});

Deno.test("browsers: a Local State without profiles, or with odd entries, gives what it can", async () => {
  await withTemp(async (dir) => {
    assert.deepEqual(await readProfiles(join(dir, "missing")), []);
    await write(join(dir, "a", "Local State"), JSON.stringify({ profile: {} }));
    assert.deepEqual(await readProfiles(join(dir, "a")), []);
    await write(join(dir, "b", "Local State"), JSON.stringify({ profile: { info_cache: { Guest: {} } } }));
    assert.deepEqual(await readProfiles(join(dir, "b")), [{ directory: "Guest", name: "Guest" }]);
  });
});
