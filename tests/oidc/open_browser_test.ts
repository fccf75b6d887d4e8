import assert from "node:assert/strict";
import { browserCommand } from "../../src/oidc/open_browser.ts";

const URL_WITH_AMP = "http://127.0.0.1:5555/?a=1&b=2";
const platform = (os: typeof Deno.build.os, env: Record<string, string> = {}, wsl = false) => ({
  os,
  env: (name: string) => env[name],
  wsl,
});

Deno.test("agent: {} is replaced by the URL, or the URL is appended", () => {
  const seed = ["open", "-b", "com.google.chrome", "-n", "--args", "--profile-directory=Profile 1", "{}"];
  assert.deepEqual(browserCommand(URL_WITH_AMP, seed, platform("darwin")), [...seed.slice(0, 6), URL_WITH_AMP]);
  assert.deepEqual(browserCommand(URL_WITH_AMP, ["open", "-b", "com.google.chrome"], platform("darwin")), [
    "open",
    "-b",
    "com.google.chrome",
    URL_WITH_AMP,
  ]);
});

Deno.test("OS defaults: open, xdg-open, wslview, rundll32 (no cmd escaping)", () => {
  assert.deepEqual(browserCommand(URL_WITH_AMP, undefined, platform("darwin")), ["open", URL_WITH_AMP]);
  assert.deepEqual(browserCommand(URL_WITH_AMP, undefined, platform("linux")), ["xdg-open", URL_WITH_AMP]);
  assert.deepEqual(browserCommand(URL_WITH_AMP, undefined, platform("linux", {}, true)), ["wslview", URL_WITH_AMP]);
  assert.deepEqual(browserCommand(URL_WITH_AMP, undefined, platform("windows")), [
    "rundll32",
    "url.dll,FileProtocolHandler",
    URL_WITH_AMP,
  ]);
});

Deno.test("BROWSER is honoured, with %s", () => {
  assert.deepEqual(browserCommand(URL_WITH_AMP, undefined, platform("linux", { BROWSER: "firefox:chromium" })), [
    "firefox",
    URL_WITH_AMP,
  ]);
  assert.deepEqual(browserCommand(URL_WITH_AMP, undefined, platform("linux", { BROWSER: "w3m %s" })), [
    "w3m",
    URL_WITH_AMP,
  ]);
  assert.deepEqual(browserCommand(URL_WITH_AMP, ["chromium"], platform("linux", { BROWSER: "w3m" })), [
    "chromium",
    URL_WITH_AMP,
  ], "agent wins over BROWSER");
});
