/**
 * `deno task compile`: standalone binaries, one per target, in `dist/`:
 * `aws-oidc-<version>-<target>[.exe]` and `SHA256SUMS`. The version is
 * deno.json's; the permissions are scripts/permissions.ts, baked in.
 *
 * Options: `--target T` (repeatable, or comma-separated; default all),
 * `--dry-run` (print the exact commands, run nothing), `--out DIR`
 * (default `dist`).
 *
 * `deno compile` downloads the Deno runtime (`denort`) for each target from
 * dl.deno.land, once, into DENO_DIR. `DENORT_BIN` (a denort for this machine)
 * is used for the host target only: for any other target Deno would embed the
 * wrong runtime, so it is removed from that run's environment. When the
 * download is impossible, the build stops with one line saying so.
 */
import { join, relative, resolve } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import { PERMISSION_FLAGS } from "./permissions.ts";

/** The release targets. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** The program's entry point. */
export const ENTRY = "main.ts";

/**
 * Modules `deno compile` must include besides what it finds from ENTRY: the
 * CLI, which main.ts imports through a computed specifier so that `deno run`
 * does not load it on the fast path (see main.ts). tests/build_test.ts checks
 * that ENTRY and these cover every dynamic import in src/.
 */
export const INCLUDES = ["src/cli/main.ts"];

/** Seconds a runtime download may take before the build gives up. */
const DOWNLOAD_TIMEOUT_SECONDS = 300;

const ROOT = new URL("../", import.meta.url).pathname;

/** What to build. */
export interface BuildOptions {
  targets: string[];
  dryRun: boolean;
  out: string;
}

/** One `deno compile` run. */
export interface CompileStep {
  target: string;
  output: string;
  args: string[];
  /** DENORT_BIN for this run (the host target's), or undefined: then it is removed from the environment. */
  denortBin?: string;
  /** True when DENORT_BIN is set but not for this target. */
  dropsDenortBin: boolean;
}

/** A failure to report in one line; exit code 1 (2 for a usage mistake). */
export class BuildError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Parses the command line. */
export function parseBuildArgs(args: string[]): BuildOptions {
  const options: BuildOptions = { targets: [], dryRun: false, out: "dist" };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const next = inline ?? args[++i];
      if (next === undefined) throw new BuildError(`${flag} needs a value`, 2);
      return next;
    };
    if (flag === "--dry-run") options.dryRun = true;
    else if (flag === "--target") options.targets.push(...value().split(",").filter(Boolean));
    else if (flag === "--out") options.out = value();
    else throw new BuildError(`Unknown option "${args[i]}": use --target T, --dry-run, --out DIR`, 2);
  }
  for (const target of options.targets) {
    if (!(TARGETS as readonly string[]).includes(target)) {
      throw new BuildError(`Unknown target "${target}": use one of ${TARGETS.join(", ")}`, 2);
    }
  }
  if (options.targets.length === 0) options.targets = [...TARGETS];
  return options;
}

/** `aws-oidc-<version>-<target>[.exe]`. */
export function binaryName(version: string, target: string): string {
  return `aws-oidc-${version}-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The compile runs for `options`, with DENORT_BIN applied to the host target only. */
export function compileSteps(
  options: BuildOptions,
  context: { version: string; host: string; denortBin?: string },
): CompileStep[] {
  return options.targets.map((target) => {
    const output = join(options.out, binaryName(context.version, target));
    const args = [
      "compile",
      "--frozen",
      "--target",
      target,
      "--output",
      output,
      ...INCLUDES.flatMap((path) => ["--include", path]),
      ...PERMISSION_FLAGS,
      ENTRY,
    ];
    const denortBin = target === context.host ? context.denortBin : undefined;
    return { target, output, args, denortBin, dropsDenortBin: !denortBin && context.denortBin !== undefined };
  });
}

/** A step as the shell line that does the same. */
export function commandLine(step: CompileStep): string {
  const quote = (word: string) => /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
  const words = ["deno", ...step.args].map(quote).join(" ");
  if (step.denortBin) return `DENORT_BIN=${quote(step.denortBin)} ${words}`;
  return step.dropsDenortBin ? `env -u DENORT_BIN ${words}` : words;
}

/** `SHA256SUMS` content for `files` (name: bytes), as `sha256sum` writes it. */
export async function sha256Sums(files: Array<{ name: string; bytes: Uint8Array }>): Promise<string> {
  const lines = [];
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", file.bytes as Uint8Array<ArrayBuffer>));
    lines.push(`${Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("")}  ${file.name}\n`);
  }
  return lines.join("");
}

/** The one-line reason a `deno compile` failed, from its stderr. */
export function compileFailure(step: CompileStep, plain: string): BuildError {
  const lines = plain.split("\n").map((line) => line.trim());
  const trace = lines.indexOf("Stack backtrace:");
  const report = trace < 0 ? lines : lines.slice(0, trace);
  if (/Setting up base binary|denort-[\w-]+\.zip|Could not find denort/.test(plain)) {
    const cause = report.filter((line) => /^\d+: /.test(line)).at(-1)?.replace(/^\d+: /, "") ??
      report.find((line) => line.startsWith("error:")) ?? "unknown error";
    const url = plain.match(/https:\/\/dl\.deno\.land\/\S+\.zip/)?.[0];
    const where = step.denortBin ? `DENORT_BIN "${step.denortBin}"` : url ?? "dl.deno.land";
    const hint = step.denortBin
      ? `point DENORT_BIN at the denort of Deno ${Deno.version.deno} for ${step.target}, or unset it`
      : `build where dl.deno.land is reachable, or set DENORT_BIN to the denort of Deno ${Deno.version.deno} ` +
        `for the host target (${Deno.build.target})`;
    return new BuildError(`Cannot get the Deno runtime (denort) for ${step.target} from ${where}: ${cause}; ${hint}`);
  }
  const first = report.find((line) => line.startsWith("error:")) ?? report.find(Boolean);
  return new BuildError(`deno compile failed for ${step.target}: ${first?.replace(/^error:\s*/, "")}`);
}

/** Runs one compile; throws a BuildError with one line on failure. */
async function compile(step: CompileStep): Promise<void> {
  const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1" }; // plain text, to read failures
  if (step.denortBin) env.DENORT_BIN = step.denortBin;
  else delete env.DENORT_BIN;
  const child = new Deno.Command(Deno.execPath(), {
    args: step.args,
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  let downloading: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const encoder = new TextEncoder();
  // Deno's progress lines are passed on; from its first error line on, only this script's own one line.
  let failed = false;
  for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream()).pipeThrough(lineStream())) {
    stderr += chunk;
    failed ||= chunk.startsWith("error");
    if (!failed) await Deno.stderr.write(encoder.encode(chunk));
    if (downloading === undefined && /Download\S*\s+https:\/\/dl\.deno\.land\//.test(chunk)) {
      downloading = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, DOWNLOAD_TIMEOUT_SECONDS * 1000);
    }
  }
  const status = await child.status;
  clearTimeout(downloading);
  if (timedOut) {
    throw new BuildError(
      `Cannot get the Deno runtime (denort) for ${step.target}: no download after ${DOWNLOAD_TIMEOUT_SECONDS} s; ` +
        `build where dl.deno.land is reachable, or set DENORT_BIN for the host target`,
    );
  }
  if (!status.success) throw compileFailure(step, stderr);
}

/** Splits text into lines, each with its newline. */
function lineStream(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(text, controller) {
      const lines = (rest + text).split(/(?<=\n)/);
      rest = lines.at(-1)!.endsWith("\n") ? "" : lines.pop()!;
      for (const line of lines) controller.enqueue(line);
    },
    flush(controller) {
      if (rest) controller.enqueue(rest);
    },
  });
}

/** Builds, or prints what it would run; resolves to the exit code. */
export async function build(args: string[]): Promise<number> {
  try {
    const options = parseBuildArgs(args);
    const steps = compileSteps(options, {
      version: denoJson.version,
      host: Deno.build.target,
      denortBin: Deno.env.get("DENORT_BIN") || undefined,
    });
    const sums = join(options.out, "SHA256SUMS");
    if (options.dryRun) {
      for (const step of steps) console.log(commandLine(step));
      console.log(`# then: ${sums} (sha256 of each binary above)`);
      return 0;
    }
    await Deno.mkdir(resolve(ROOT, options.out), { recursive: true });
    const built = [];
    for (const step of steps) {
      console.error(`Building ${step.output}`);
      await compile(step);
      const name = relative(options.out, step.output);
      built.push({ name, bytes: await Deno.readFile(resolve(ROOT, step.output)) });
    }
    await Deno.writeTextFile(resolve(ROOT, sums), await sha256Sums(built));
    console.error(`Wrote ${sums}`);
    return 0;
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    console.error(`error: ${error.message}`);
    return error.exitCode;
  }
}

if (import.meta.main) Deno.exit(await build(Deno.args));
