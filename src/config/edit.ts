/**
 * Adding a provider to the config file as text, so everything already there —
 * other providers, comments, blank lines, key order — stays byte for byte.
 * The result is parsed again before anyone writes it.
 */
import { ConfigError } from "../errors.ts";
import { parseConfig, type RawTable } from "./load.ts";

/** A value the config file can hold. */
type TomlValue = string | number | boolean | string[] | Record<string, string>[] | Record<string, string>;

/** Renders one `[[AuthProvider]]` table, keys in the given order, undefined values left out. */
export function renderProvider(table: Record<string, TomlValue | undefined>): string {
  const lines = ["[[AuthProvider]]"];
  for (const [key, value] of Object.entries(table)) {
    if (value !== undefined) lines.push(`${key} = ${tomlValue(value)}`);
  }
  return lines.join("\n") + "\n";
}

function tomlValue(value: TomlValue): string {
  if (typeof value === "string") return tomlString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    return `[${value.map((item) => typeof item === "string" ? tomlString(item) : inlineTable(item)).join(", ")}]`;
  }
  return inlineTable(value);
}

function inlineTable(table: Record<string, string>): string {
  return `{ ${Object.entries(table).map(([key, item]) => `${key} = ${tomlString(item)}`).join(", ")} }`;
}

/** A TOML basic string; JSON's escapes are a subset of TOML's, except that TOML needs DEL escaped too. */
export function tomlString(text: string): string {
  return JSON.stringify(text).replaceAll("\x7f", "\\u007f");
}

/** Where an `[[AuthProvider]]` block sits in the text, by line. */
interface Block {
  name: unknown;
  start: number;
  end: number;
}

/**
 * `text` with `block` (one rendered `[[AuthProvider]]`) added at the end, or
 * in place of the provider of the same name when `replace` is set. Throws when
 * the name exists and `replace` is not set, or when the result does not parse
 * to exactly one provider of that name.
 */
export function addProvider(text: string, block: string, options: { name: string; path: string; replace?: boolean }) {
  const lines = text === "" ? [] : text.split(/(?<=\n)/);
  const existing = providerBlocks(lines).filter((b) => b.name === options.name);
  let result: string;
  if (existing.length === 0) {
    const separator = text === "" ? "" : text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
    result = text + separator + block;
  } else if (!options.replace) {
    throw new ConfigError(`Provider "${options.name}" already exists in "${options.path}"`, {
      hint: "choose another --name, or pass --force to replace it",
    });
  } else {
    const [{ start, end }] = existing;
    const tail = lines.slice(end).join("");
    result = lines.slice(0, start).join("") + block + (tail && !tail.startsWith("\n") ? "\n" : "") + tail;
  }
  const parsed = parseConfig(result, options.path);
  const count = parsed.providers.filter((table) => table.name === options.name).length;
  if (count !== 1) {
    throw new ConfigError(`Adding provider "${options.name}" to "${options.path}" would define it ${count} times`, {
      hint: "edit the file by hand: give each [[AuthProvider]] a unique name",
    });
  }
  return result;
}

/** A table header line: `[name]` or `[[name]]`, maybe with a comment. */
const HEADER = /^\s*\[\[?\s*[\w."' -]+\s*\]\]?\s*(#.*)?\r?\n?$/;

/**
 * The `[[AuthProvider]]` blocks: from the header to the next table header
 * that is not one of its own sub-tables, without the comments and blank lines
 * at its end (they introduce what follows).
 */
function providerBlocks(lines: string[]): Block[] {
  const headers = lines.flatMap((line, index) => HEADER.test(line) ? [index] : []);
  const blocks: Block[] = [];
  for (const [i, start] of headers.entries()) {
    if (!/^\s*\[\[\s*AuthProvider\s*\]\]/.test(lines[start])) continue;
    let next = i + 1;
    while (next < headers.length && /^\s*\[{1,2}\s*AuthProvider\s*\./.test(lines[headers[next]])) next++;
    let end = next < headers.length ? headers[next] : lines.length;
    while (end > start + 1 && /^\s*(#.*)?\r?\n?$/.test(lines[end - 1])) end--;
    let name: unknown;
    try {
      name = (parseConfig(lines.slice(start, end).join("")).providers[0] as RawTable | undefined)?.name;
    } catch { /* not a table on its own; never matches a name */ }
    blocks.push({ name, start, end });
  }
  return blocks;
}
