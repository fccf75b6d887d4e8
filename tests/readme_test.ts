/** The README's reference tables against the code: every config key with its type, every command. */
import assert from "node:assert/strict";
import { FIELDS } from "../src/config/fields.ts";
import { buildProgram, processContext } from "../src/cli/main.ts";

const README = Deno.readTextFileSync(new URL("../README.md", import.meta.url));

/** The rows of the first table after `heading`, as arrays of trimmed cells. */
function tableAfter(heading: string): string[][] {
  const start = README.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has "${heading}"`);
  const lines = README.slice(start).split("\n");
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

Deno.test("README: the configuration table lists every key of the config with its type, and no other", () => {
  const rows = tableAfter("## Configuration");
  const documented = new Map(rows.map(([key, type]) => [key.replaceAll("`", ""), type]));
  for (const field of FIELDS) {
    assert.ok(documented.has(field.key), `README documents "${field.key}"`);
    assert.match(documented.get(field.key)!, TYPE_WORDS[field.type], `the type of "${field.key}"`);
  }
  assert.deepEqual([...documented.keys()].sort(), FIELDS.map((field) => field.key).sort());
});

Deno.test("README: the commands table names every command of the program", () => {
  const rows = tableAfter("## Commands");
  const documented = rows.map(([command]) => command).join(" ");
  const program = buildProgram(processContext([]));
  for (const command of program.commands) {
    if ((command as unknown as { _hidden: boolean })._hidden) continue;
    assert.match(documented, new RegExp(`\`${command.name()}[ \`]`), `README's commands table has "${command.name()}"`);
  }
});
