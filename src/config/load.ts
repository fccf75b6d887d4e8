/**
 * Reads `~/.aws-oidc/config` (TOML): a top-level `region` (and defaults for any
 * provider key) plus `[[AuthProvider]]` tables. Syntax errors carry line and
 * column; unknown keys are warned about with the nearest known key.
 */
import { parse, TomlError } from "smol-toml";
import { ConfigError } from "../errors.ts";
import { FIELDS, nearestKey } from "./fields.ts";

export { configPath } from "./path.ts";

/** A TOML table as parsed, before validation. */
export type RawTable = Record<string, unknown>;

/** The config file, parsed but not yet validated. */
export interface ConfigFile {
  path: string;
  /** False when the file does not exist (flags and environment may still suffice). */
  exists: boolean;
  /** The file's text as parsed ("" when absent). */
  text: string;
  /** Top-level keys other than `AuthProvider`. */
  defaults: RawTable;
  providers: RawTable[];
  warnings: string[];
}

/** The largest config file read; a real one is a few kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const PROVIDER_KEYS = new Set(FIELDS.map((field) => field.key));
const TOP_LEVEL_KEYS = new Set([...PROVIDER_KEYS].filter((key) => key !== "name"));

/** Reads and parses the config file; a missing file yields an empty config. */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readConfigText(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      return { path, exists: false, text: "", defaults: {}, providers: [], warnings: [] };
    }
    throw new ConfigError(`Cannot read config file "${path}": ${(error as Error).message}`, {
      hint: "check the file's permissions",
      cause: error,
    });
  }
  return { ...parseConfig(text, path), path, exists: true, text };
}

/**
 * The file's text, read only when it is a regular file (a FIFO or a device
 * would block or never end) and never beyond {@link MAX_CONFIG_BYTES}.
 */
async function readConfigText(path: string): Promise<string> {
  const tooLarge = () =>
    new ConfigError(`Config file "${path}" is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`, {
      hint: "check that it is the aws-oidc config; a real one is a few kilobytes",
    });
  const info = await Deno.stat(path);
  if (!info.isFile) {
    throw new ConfigError(`Config file "${path}" is not a regular file`, {
      hint: "point --config or AWS_OIDC_CONFIG at the aws-oidc config file",
    });
  }
  if (info.size > MAX_CONFIG_BYTES) throw tooLarge();
  using file = await Deno.open(path);
  const bytes = new Uint8Array(MAX_CONFIG_BYTES + 1);
  let size = 0;
  while (size < bytes.length) {
    const read = await file.read(bytes.subarray(size));
    if (read === null) break;
    size += read;
  }
  if (size > MAX_CONFIG_BYTES) throw tooLarge();
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(0, size));
}

/** Parses config text; exported for tests and fuzzing. */
export function parseConfig(text: string, path = "config"): Omit<ConfigFile, "path" | "exists" | "text"> {
  let document: RawTable;
  try {
    document = parse(text) as RawTable;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      throw new ConfigError(
        `Invalid TOML in "${path}" at line ${error.line}, column ${error.column}: ${reason}`,
        { hint: 'fix the syntax there; strings need double quotes, e.g. region = "us-east-1"' },
      );
    }
    throw error;
  }
  const warnings: string[] = [];
  const { AuthProvider: providerList, ...defaults } = document;
  warnUnknown(defaults, TOP_LEVEL_KEYS, "top level", warnings);
  const providers = providerTables(providerList, path);
  for (const [index, table] of providers.entries()) {
    const where = typeof table.name === "string"
      ? `[[AuthProvider]] "${table.name}"`
      : `[[AuthProvider]] #${index + 1}`;
    warnUnknown(table, PROVIDER_KEYS, where, warnings);
  }
  return { defaults, providers, warnings };
}

function providerTables(value: unknown, path: string): RawTable[] {
  if (value === undefined) return [];
  const isTable = (item: unknown) => typeof item === "object" && item !== null && !Array.isArray(item);
  if (!Array.isArray(value) || !value.every(isTable)) {
    throw new ConfigError(`"AuthProvider" in "${path}" must be an array of tables`, {
      hint: "write each provider as a [[AuthProvider]] section",
    });
  }
  return value as RawTable[];
}

function warnUnknown(table: RawTable, known: Set<string>, where: string, warnings: string[]): void {
  for (const key of Object.keys(table)) {
    if (known.has(key)) continue;
    const nearest = nearestKey(key, known);
    warnings.push(
      `Unknown key "${key}" in ${where} is ignored` + (nearest ? `; did you mean "${nearest}"?` : ""),
    );
  }
}
