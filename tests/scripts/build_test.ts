/**
 * scripts/build.ts: the exact `deno compile` commands for every target, the
 * one-line failure when the runtime cannot be fetched, and the module graph
 * `deno compile` sees covering every module the program loads lazily.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { ENTRY, INCLUDES, TARGETS } from "../../scripts/build.ts";
import { PERMISSION_FLAGS } from "../../scripts/permissions.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { removing } from "../helpers/dispose.ts";
import { runCommand } from "../helpers/command.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = join(ROOT, "scripts", "build.ts");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

async function runBuild(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const base = Deno.env.toObject();
  for (const name of ["DENORT_BIN", "NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]) {
    delete base[name];
  }
  const started = performance.now();
  const output = await runCommand(
    Deno.execPath(),
    ["run", "--quiet", "--allow-env", "--allow-read", "--allow-write", "--allow-run", SCRIPT, ...args],
    {
      cwd: ROOT,
      env: Object.fromEntries(Object.entries({ ...base, ...env }).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
    },
  );
  return {
    code: output.code,
    stdout: output.stdout,
    stderr: output.stderr,
    ms: performance.now() - started,
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
/**
 * A 127.0.0.1 port that refuses connections: privileged, so no test server can take it (a port freed by a
 * listener could be reused by a parallel test, or even be picked as the source port of the connection itself).
 */
function closedPort(): number {
  return 1;
}

Deno.test("build --dry-run prints the exact deno compile command of every target, DENORT_BIN for the host only", async () => {
  const run = await runBuild(["--dry-run"], { DENORT_BIN: "/opt/denort" });
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines.length, TARGETS.length + 1);
  const env = PERMISSION_FLAGS.map((flag) => flag.includes("*") ? `'${flag}'` : flag).join(" ");
  TARGETS.forEach((target, i) => {
    const name = `aws-oidc-${denoJson.version}-${target}${target === "x86_64-pc-windows-msvc" ? ".exe" : ""}`;
    const prefix = target === Deno.build.target ? "DENORT_BIN=/opt/denort " : "env -u DENORT_BIN ";
    assert.equal(
      lines[i],
      `${prefix}deno compile --frozen --target ${target} --output dist/${name} --include src/cli/main.ts ${env} main.ts`,
    );
  });
  assert.equal(lines.at(-1), "# then: dist/SHA256SUMS (sha256 of each binary above)");

  const some = await runBuild(["--dry-run", "--target", "aarch64-apple-darwin,x86_64-pc-windows-msvc"], {});
  assert.deepEqual(some.stdout.split("\n").filter((line) => line.startsWith("deno")).map((l) => l.split(" ")[4]), [
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
  ]);
  const bad = await runBuild(["--dry-run", "--target", "sparc-sun-solaris"], {});
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: Unknown target "sparc-sun-solaris": use one of x86_64-unknown-linux-gnu/);
});

Deno.test("build: when the runtime cannot be downloaded, one line says so, fast, with no stack trace", async () => {
  // Deno caches each target's runtime in DENO_DIR/dl; pick one that is not there, so a download is needed.
  const denoDir = JSON.parse(
    (await runCommand(Deno.execPath(), ["info", "--json"])).stdout,
  ).denoDir as string;
  const target = TARGETS.filter((t) => t !== Deno.build.target).find((t) => {
    try {
      Deno.statSync(join(denoDir, "dl", "release", `v${Deno.version.deno}`, `denort-${t}.zip`));
      return false;
    } catch {
      return true;
    }
  });
  assert.ok(target, `every target's runtime is cached in ${denoDir}/dl: remove one to run this test`);
  const out = await Deno.makeTempDir({ prefix: "aws-oidc-build-" });
  await using _out = removing(out);
  const port = closedPort();
  const run = await runBuild(["--target", target, "--out", relative(ROOT, out)], {
    HTTPS_PROXY: `http://127.0.0.1:${port}`,
    https_proxy: `http://127.0.0.1:${port}`,
  });
  assert.equal(run.code, 1, run.stderr);
  const last = run.stderr.trimEnd().split("\n").at(-1)!;
  assert.match(
    last,
    new RegExp(
      `^error: Cannot get the Deno runtime \\(denort\\) for ${target} from https://dl\\.deno\\.land/\\S+: .+; `,
    ),
  );
  assert.match(last, /set DENORT_BIN/);
  assert.doesNotMatch(run.stderr, /Stack backtrace|Caused by/);
  assert.ok(run.ms < 60_000, `took ${run.ms} ms`);
  assert.deepEqual([...Deno.readDirSync(out)], [], "no binary, no SHA256SUMS");
});

Deno.test("build: a DENORT_BIN that does not exist is reported in one line", async () => {
  const out = await Deno.makeTempDir({ prefix: "aws-oidc-build-" });
  await using _out = removing(out);
  const run = await runBuild(["--target", Deno.build.target, "--out", relative(ROOT, out)], {
    DENORT_BIN: join(out, "no-such-denort"),
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr.trimEnd().split("\n").at(-1)!,
    /^error: Cannot get the Deno runtime \(denort\) .*DENORT_BIN/,
  );
  assert.doesNotMatch(run.stderr, /Stack backtrace|Caused by/);
});

/** One module of `deno info --json`. */
interface InfoModule {
  specifier: string;
  dependencies?: Array<{ specifier: string; code?: { specifier?: string; error?: string }; isDynamic?: boolean }>;
}

async function moduleGraph(entry: string): Promise<InfoModule[]> {
  const output = await runCommand(Deno.execPath(), ["info", "--json", entry], { cwd: ROOT });
  assert.equal(output.code, 0, output.stderr);
  return JSON.parse(output.stdout).modules;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

Deno.test("deno compile's module graph (main.ts plus the includes) holds every module the program imports lazily", async () => {
  const graph = new Map<string, InfoModule>();
  for (const root of [ENTRY, ...INCLUDES]) {
    for (const module of await moduleGraph(root)) graph.set(module.specifier, module);
  }
  const files = [join(ROOT, ENTRY), ...await sourceFiles(join(ROOT, "src"))];
  let literal = 0;
  for (const file of files) {
    const source = await Deno.readTextFile(file);
    const url = `file://${file}`;
    for (const match of source.matchAll(/(?<![\w.])import\(\s*([^)]*?)\s*\)/g)) {
      const argument = match[1];
      const where = `${relative(ROOT, file)}: import(${argument})`;
      const text = /^"([^"]+)"$/.exec(argument)?.[1];
      if (text === undefined) {
        // The one computed specifier: main.ts's CLI_MODULE, which scripts/build.ts passes to --include.
        assert.equal(file, join(ROOT, ENTRY), `${where}: a dynamic import needs a literal specifier`);
        assert.equal(argument, "CLI_MODULE", where);
        const parts = /CLI_MODULE: string = \[([^\]]*)\]\.join\("\/"\)/.exec(source);
        assert.ok(parts, 'main.ts defines CLI_MODULE as [...].join("/")');
        const path = (JSON.parse(`[${parts[1]}]`) as string[]).join("/").replace(/^\.\//, "");
        assert.ok(INCLUDES.includes(path), `${path} is in scripts/build.ts INCLUDES`);
        assert.ok(graph.has(`file://${join(ROOT, path)}`), `${path} is in the compile graph`);
        continue;
      }
      literal++;
      const module = graph.get(url);
      assert.ok(module, `${relative(ROOT, file)} is in the compile graph`);
      const dependency = module.dependencies?.find((d) => d.specifier === text);
      const resolved = dependency?.code?.specifier;
      assert.ok(resolved && !dependency.code?.error, `${where} resolves in the compile graph`);
      if (resolved.startsWith("file:")) assert.ok(graph.has(resolved), `${where}: ${resolved} is in the graph`);
      else assert.match(resolved, /^npm:/, where);
    }
  }
  assert.ok(literal >= 5, `found ${literal} literal dynamic imports: the scan works`);
});
