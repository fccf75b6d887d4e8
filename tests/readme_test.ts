/**
 * The README and the manual in docs/ against the code: every config key with its type (docs/configuration.md), every
 * command (docs/commands.md), and every relative link in README.md and docs/*.md, anchors included.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { FIELDS } from "../src/config/fields.ts";
import { buildProgram, processContext } from "../src/cli/main.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function read(path: string): string {
  return Deno.readTextFileSync(join(ROOT, path));
}

/** The rows of the first table after `heading` in `text`, as arrays of trimmed cells. */
function tableAfter(text: string, heading: string): string[][] {
  const start = `\n${text}`.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `the page has "${heading}"`);
  const lines = text.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const rows = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
  }
  return rows;
}

const TYPE_WORDS: Record<string, RegExp> = {
  string: /^string$/,
  integer: /^integer/,
  boolean: /^boolean$/,
  "string[]": /^list of strings$/,
  table: /^table$/,
  "table[]": /^list of tables$/,
};

Deno.test("docs/configuration.md: the configuration table lists every key of the config with its type, and no other", () => {
  const rows = tableAfter(read("docs/configuration.md"), "# Configuration");
  const documented = new Map(rows.map(([key, type]) => [key.replaceAll("`", ""), type]));
  for (const field of FIELDS) {
    assert.ok(documented.has(field.key), `docs/configuration.md documents "${field.key}"`);
    assert.match(documented.get(field.key)!, TYPE_WORDS[field.type], `the type of "${field.key}"`);
  }
  assert.deepEqual([...documented.keys()].sort(), FIELDS.map((field) => field.key).sort());
});

Deno.test("docs/commands.md: the commands table names every command of the program", async () => {
  const rows = tableAfter(read("docs/commands.md"), "# Commands");
  const documented = rows.map(([command]) => command).join(" ");
  const program = await buildProgram(processContext([]));
  for (const command of program.commands) {
    if ((command as unknown as { _hidden: boolean })._hidden) continue;
    assert.match(
      documented,
      new RegExp(`\`${command.name()}[ \`]`),
      `docs/commands.md's table has "${command.name()}"`,
    );
  }
});

/** The markdown files of the front page and the manual, relative to the repository. */
function markdownFiles(): string[] {
  const docs = [...Deno.readDirSync(join(ROOT, "docs"))]
    .filter((entry) => entry.isFile && entry.name.endsWith(".md"))
    .map((entry) => `docs/${entry.name}`);
  return ["README.md", ...docs.sort()];
}

/** The text outside fenced code blocks and inline code spans, where links live. */
function prose(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** The anchors GitHub gives a markdown file's headings: lowercased, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const plain = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const base = plain.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "").replaceAll(" ", "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Every relative link in `file`: its target path from the repository root and its `#anchor`, if any. */
function relativeLinks(file: string, text: string): { target: string; path: string; anchor?: string }[] {
  const links = [];
  for (const [, target] of prose(text).matchAll(/\]\(<?([^)\s>]+)>?(?: +"[^"]*")?\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [pathPart, anchor] = target.split("#", 2);
    const path = pathPart === "" ? file : relative(ROOT, join(ROOT, dirname(file), decodeURIComponent(pathPart)));
    links.push({ target, path, anchor });
  }
  return links;
}

/** What is wrong with the relative links of `files` (paths from the repository root), one line each. */
function brokenLinks(root: string, files: string[]): string[] {
  const broken = [];
  for (const file of files) {
    const text = Deno.readTextFileSync(join(root, file));
    for (const { target, path, anchor } of relativeLinks(file, text)) {
      let isFile = false;
      try {
        isFile = Deno.statSync(join(root, path)).isFile;
      } catch {
        broken.push(`${file}: (${target}): ${path} does not exist`);
        continue;
      }
      if (anchor === undefined || !isFile || !path.endsWith(".md")) continue;
      if (!anchors(Deno.readTextFileSync(join(root, path))).has(anchor)) {
        broken.push(`${file}: (${target}): ${path} has no heading "#${anchor}"`);
      }
    }
  }
  return broken;
}

Deno.test("README.md and docs/*.md: every relative link reaches a file, and every #anchor a heading in it", () => {
  assert.deepEqual(brokenLinks(ROOT, markdownFiles()), []);
});

Deno.test("README.md links every page of docs/", () => {
  const linked = new Set(relativeLinks("README.md", read("README.md")).map(({ path }) => path));
  for (const page of markdownFiles().slice(1)) assert.ok(linked.has(page), `README.md links ${page}`);
});

Deno.test("link check: a missing file, a missing heading and a link in code are told apart", () => {
  const dir = Deno.makeTempDirSync({ prefix: "aws-oidc-links-" });
  try {
    Deno.mkdirSync(join(dir, "docs"));
    Deno.writeTextFileSync(
      join(dir, "README.md"),
      "# Top\n\n[a](docs/a.md#set-up-it-works) [b](docs/b.md) [c](docs/a.md#nope) [d](#top) `[e](docs/e.md)`\n",
    );
    Deno.writeTextFileSync(join(dir, "docs", "a.md"), "# A\n\n## Set up: it works!\n\n```\n# not a heading\n```\n");
    assert.deepEqual(brokenLinks(dir, ["README.md", "docs/a.md"]), [
      "README.md: (docs/b.md): docs/b.md does not exist",
      'README.md: (docs/a.md#nope): docs/a.md has no heading "#nope"',
    ]);
    assert.deepEqual([...anchors(Deno.readTextFileSync(join(dir, "docs", "a.md")))], ["a", "set-up-it-works"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
