/**
 * The shape of src/: the folders follow the data (config → oidc → cache → aws
 * → output), the commands sit on top, and these rules keep it so. Read from
 * the source's import statements (static, `export … from`, and literal
 * dynamic imports; type-only imports count too).
 *
 * 1. Nothing imports upward: a module imports its own layer or a lower one.
 * 2. No import cycles, between modules or between layers.
 * 3. A command's file (src/cli/commands/) is imported by the command table
 *    (src/cli/main.ts) alone, and the work it loads (src/cli/<command>.ts) by
 *    that command alone: commands are never libraries for each other.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;

/** Lowest first. A module may import from its own layer and those before it. */
const LAYERS: Array<[name: string, test: (path: string) => boolean]> = [
  ["base", (path) => /^src\/[^/]+\.ts$/.test(path) && !/^src\/fast_/.test(path)],
  ["config", (path) => path.startsWith("src/config/")],
  ["oidc", (path) => path.startsWith("src/oidc/")],
  ["cache", (path) => path.startsWith("src/cache/")],
  ["aws", (path) => path.startsWith("src/aws/")],
  ["output", (path) => path.startsWith("src/output/")],
  ["doctor, completion", (path) => /^src\/(doctor|completion)\//.test(path)],
  ["cli", (path) => path.startsWith("src/cli/")],
  ["entry", (path) => path === "main.ts" || /^src\/fast_[^/]+\.ts$/.test(path)],
];

function layerOf(path: string): number {
  const index = LAYERS.findIndex(([, test]) => test(path));
  if (index < 0) throw new Error(`${path} belongs to no layer: add its folder to LAYERS`);
  return index;
}

const SPECIFIER = /\b(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/** Every module of src/ and main.ts, with the relative modules it imports (JSON and the like left out). */
function importGraph(): Map<string, string[]> {
  const files: string[] = ["main.ts"];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(join(ROOT, dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (path.endsWith(".ts")) files.push(path);
    }
  };
  walk("src");
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = Deno.readTextFileSync(join(ROOT, file));
    const imports = [...text.matchAll(SPECIFIER)]
      .map((match) => relative(ROOT, resolve(ROOT, dirname(file), match[1])))
      .filter((path) => path.endsWith(".ts"));
    graph.set(file, [...new Set(imports)]);
  }
  return graph;
}

/** The strongly connected components with more than one member (Tarjan), or a module importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

Deno.test("layers: every import points to the same layer or a lower one", () => {
  const upward: string[] = [];
  for (const [file, imports] of importGraph()) {
    for (const target of imports) {
      if (layerOf(target) > layerOf(file)) {
        upward.push(`${file} (${LAYERS[layerOf(file)][0]}) imports ${target} (${LAYERS[layerOf(target)][0]})`);
      }
    }
  }
  assert.deepEqual(upward, []);
});

Deno.test("layers: no module imports itself through others", () => {
  assert.deepEqual(cycles(importGraph()), []);
});

Deno.test("layers: a command's module is imported by the command table alone", () => {
  const borrowed: string[] = [];
  for (const [file, imports] of importGraph()) {
    for (const target of imports) {
      if (target.startsWith("src/cli/commands/") && file !== "src/cli/main.ts") {
        borrowed.push(`${file} imports ${target}`);
      }
    }
  }
  assert.deepEqual(borrowed, []);
  assert.ok(
    [...importGraph().keys()].some((file) => file.startsWith("src/cli/commands/")),
    "the commands live in src/cli/commands/",
  );
});

Deno.test("layers: a command's work is imported by that command alone", () => {
  const graph = importGraph();
  const commands = [...graph.keys()].filter((file) => file.startsWith("src/cli/commands/"));
  const borrowed: string[] = [];
  for (const command of commands) {
    const work = command.replace("/commands/", "/");
    if (!graph.has(work)) continue;
    for (const [file, imports] of graph) {
      if (file !== command && imports.includes(work)) borrowed.push(`${file} imports ${work}`);
    }
  }
  assert.deepEqual(borrowed, []);
});

Deno.test("layers: the rules see a violation (the checks themselves)", () => {
  const graph = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]], ["d.ts", []]]);
  assert.deepEqual(cycles(graph), [["a.ts", "b.ts", "c.ts"]]);
  assert.ok(layerOf("src/config/provider.ts") < layerOf("src/oidc/authorization_code.ts"));
  assert.ok(layerOf("src/output/server.ts") < layerOf("src/cli/main.ts"));
  assert.throws(() => layerOf("src/elsewhere/x.ts"), /belongs to no layer/);
});
