/**
 * The cache on disk: one JSON file per key in a private directory. Files are
 * written 0600 through a temp file and a rename, so a reader sees the old file
 * or the new one, never half of one. A file that cannot be trusted (corrupted,
 * a symlink, the wrong version) reads as a miss and is reported, never thrown.
 *
 * Loaded on the fast cached path: imports only Deno APIs and local modules.
 */

import { AwsOidcError } from "../errors.ts";
import { CACHE_FILE_NAME, CACHE_VERSION } from "./keys.ts";

import { joinPath } from "../paths.ts";
import { writeFileAtomic } from "../io.ts";

export { cacheDir } from "./dir.ts";

/** The cache directory's files, by name (`tokens-….json`, never a path). */
export interface CacheStore {
  readonly dir: string;
  /**
   * The data last written under `name` (without the version field), or
   * undefined when the file is absent, unreadable, of another format version
   * (`v` is not {@link CACHE_VERSION}: left alone, another installed version may
   * own it), corrupted (not JSON, not an object, no `v`), a symlink or not a
   * regular file. Each problem is reported once; a corrupted file or a symlink is
   * removed so the next write replaces it. Never throws for a file's content.
   * `isValid` checks the shape of data of our own version; data that fails it counts as corrupted.
   */
  read<T>(name: string, isValid?: (data: Record<string, unknown>) => boolean): Promise<T | undefined>;
  /**
   * Stores `{v: CACHE_VERSION, ...data}` atomically with mode 0600. A symlink
   * at `name` is replaced, never followed. Throws {@link AwsOidcError} on failure.
   */
  write(name: string, data: Record<string, unknown>): Promise<void>;
  /** Deletes a file; false when there was none. */
  remove(name: string): Promise<boolean>;
  /** The cache files' names, sorted. Also deletes temp files left over for an hour. */
  list(): Promise<string[]>;
}

export interface StoreOptions {
  /** Told about anything repaired or discarded; a sentence, no trailing period. */
  onProblem?: (message: string) => void;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const STALE_TEMP_MS = 60 * 60 * 1000;
const NAME = CACHE_FILE_NAME;
const TEMP = /^\..+\.tmp$/;
const WINDOWS = Deno.build.os === "windows";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Opens the cache directory, creating it with mode 0700 when missing. A
 * directory open to group or others is chmod'ed to 0700 and reported. Mode
 * checks are skipped on Windows, which has no such bits.
 *
 * @throws {AwsOidcError} when the path exists and is not a directory, or cannot be created.
 */
export async function openCacheStore(dir: string, options: StoreOptions = {}): Promise<CacheStore> {
  const report = options.onProblem ?? (() => {});
  await ensureDirectory(dir, report);
  return new FileCacheStore(dir, report);
}

class FileCacheStore implements CacheStore {
  readonly dir: string;
  readonly #report: (message: string) => void;
  /** Names already reported, so a file that cannot be removed is not reported on every read. */
  readonly #reported = new Set<string>();

  constructor(dir: string, report: (message: string) => void) {
    this.dir = dir;
    this.#report = report;
  }

  async read<T>(name: string, isValid?: (data: Record<string, unknown>) => boolean): Promise<T | undefined> {
    const path = this.#path(name);
    let info: Deno.FileInfo;
    let bytes: Uint8Array;
    try {
      info = await Deno.lstat(path);
      if (info.isSymlink) return await this.#discard(name, "is a symbolic link and has been removed");
      if (!info.isFile) return this.#problem(name, `Cache file "${name}" is not a regular file and was ignored`);
      bytes = await Deno.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      return this.#problem(name, `Cache file "${name}" could not be read: ${messageOf(error)}`);
    }
    const parsed = parseJson(bytes);
    const { v: version, ...data } = isRecord(parsed) ? parsed : {};
    // Another installed version's file is not ours to judge: it misses and stays (see keys.ts).
    if (version !== undefined && version !== CACHE_VERSION) return undefined;
    if (version !== CACHE_VERSION || (isValid && !isValid(data))) {
      return await this.#discard(name, "was corrupted and has been discarded");
    }
    if (!WINDOWS && info.mode !== null && (info.mode & 0o777) !== FILE_MODE) {
      await this.#repairMode(name, path, info.mode);
    }
    return data as T;
  }

  async write(name: string, data: Record<string, unknown>): Promise<void> {
    const path = this.#path(name);
    const { v: _ignored, ...fields } = data;
    const bytes = encoder.encode(JSON.stringify({ v: CACHE_VERSION, ...fields }));
    try {
      await writeFileAtomic(path, bytes);
    } catch (error) {
      throw new AwsOidcError(`Cannot write cache file "${name}": ${messageOf(error)}`, {
        hint: `check that "${this.dir}" is a writable directory, or choose another with AWS_OIDC_CACHE_DIR`,
        cause: error,
      });
    }
    this.#reported.delete(name);
  }

  async remove(name: string): Promise<boolean> {
    try {
      await Deno.remove(this.#path(name));
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw new AwsOidcError(`Cannot remove cache file "${name}": ${messageOf(error)}`, {
        hint: `check the permissions of "${this.dir}"`,
        cause: error,
      });
    }
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        if (NAME.test(entry.name)) names.push(entry.name);
        else if (TEMP.test(entry.name) && entry.isFile) await this.#removeIfStale(entry.name);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw new AwsOidcError(`Cannot list cache directory "${this.dir}": ${messageOf(error)}`, {
        hint: `check the permissions of "${this.dir}"`,
        cause: error,
      });
    }
    return names.sort();
  }

  #path(name: string, checked = true): string {
    if (checked && !NAME.test(name)) throw new Error(`Invalid cache file name "${name}"`);
    return joinPath(this.dir, name);
  }

  /** Reports once per name, returns undefined for the caller to return. */
  #problem(name: string, message: string): undefined {
    if (this.#reported.has(name)) return undefined;
    this.#reported.add(name);
    this.#report(message);
    return undefined;
  }

  /** Removes an untrustworthy file (a symlink is removed itself, not its target) and reports it. */
  async #discard(name: string, reason: string): Promise<undefined> {
    await Deno.remove(this.#path(name)).catch(() => {});
    return this.#problem(name, `Cache file "${name}" ${reason}`);
  }

  async #repairMode(name: string, path: string, mode: number): Promise<void> {
    try {
      await Deno.chmod(path, FILE_MODE);
      this.#report(`Cache file "${name}" had mode ${octal(mode)}; fixed to ${octal(FILE_MODE)}`);
    } catch (error) {
      this.#problem(name, `Cache file "${name}" has mode ${octal(mode)} and could not be fixed: ${messageOf(error)}`);
    }
  }

  async #removeIfStale(name: string): Promise<void> {
    const path = joinPath(this.dir, name);
    try {
      const info = await Deno.lstat(path);
      if (info.mtime && Date.now() - info.mtime.getTime() > STALE_TEMP_MS) await Deno.remove(path);
    } catch {
      // Another process finished or removed it; either way it is gone or fresh.
    }
  }
}

async function ensureDirectory(dir: string, report: (message: string) => void): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw unusableDirectory(dir, error);
    try {
      await Deno.mkdir(dir, { recursive: true, mode: DIR_MODE });
      return;
    } catch (mkdirError) {
      throw unusableDirectory(dir, mkdirError);
    }
  }
  if (!info.isDirectory) {
    throw new AwsOidcError(`Cache directory "${dir}" is not a directory`, {
      hint: "remove or rename that file, or choose another directory with AWS_OIDC_CACHE_DIR",
    });
  }
  if (WINDOWS || info.mode === null || (info.mode & 0o077) === 0) return;
  try {
    await Deno.chmod(dir, DIR_MODE);
  } catch (error) {
    throw new AwsOidcError(`Cache directory "${dir}" is readable by others and could not be fixed`, {
      hint: `run chmod 700 "${dir}", or choose another directory with AWS_OIDC_CACHE_DIR`,
      cause: error,
    });
  }
  report(`Cache directory "${dir}" was readable by others (mode ${octal(info.mode)}); fixed to ${octal(DIR_MODE)}`);
}

function unusableDirectory(dir: string, cause: unknown): AwsOidcError {
  return new AwsOidcError(`Cannot use cache directory "${dir}": ${messageOf(cause)}`, {
    hint: "check its permissions, or choose another directory with AWS_OIDC_CACHE_DIR",
    cause,
  });
}

/** The JSON in `bytes`, or undefined when they are not UTF-8 JSON. */
function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
