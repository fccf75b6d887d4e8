/**
 * Records every process's command line while something runs, through
 * tests/fixtures/cmdline_scanner.ts in its own Deno process (reading /proc
 * needs every permission, which the tests do not have).
 */
import { join } from "node:path";
import { removing } from "../helpers/dispose.ts";

const SCANNER = new URL("../fixtures/cmdline_scanner.ts", import.meta.url).pathname;

/** Runs `work` while scanning; returns its result and the distinct command lines seen meanwhile. */
export async function withCommandLineScan<T>(work: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-scan-" });
  const stop = join(dir, "stop");
  const scanner = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCANNER, stop],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = scanner.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  await using _dir = removing(dir);
  while (!text.includes("ready\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the command line scanner did not start");
    text += value;
  }
  let result: T;
  try {
    result = await work();
  } finally {
    await Deno.writeTextFile(stop, "");
  }
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await scanner.status;
  return { result, seen: JSON.parse(text.slice(text.indexOf("ready\n") + 6)) };
}
