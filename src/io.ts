/** Writing text whole to a file or stream (a single writeSync may write only part of it). */

const encoder = new TextEncoder();

/** Writes all of `text`, synchronously, so it is out before the process exits. */
export function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

/**
 * Replaces `path` atomically with `bytes`: a temp file in the same directory,
 * created new with mode 0600 (set again explicitly, whatever the umask), fsync,
 * then rename over the target (a symlink there is replaced, never followed).
 * On failure the temp file is removed and the error rethrown for the caller to explain.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
  const temp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${random}.tmp`;
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
    if (Deno.build.os !== "windows") await Deno.chmod(temp, 0o600);
    let offset = 0;
    while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
    await file.sync();
    file.close();
    file = undefined;
    await Deno.rename(temp, path);
  } catch (error) {
    file?.close();
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** The file's text; undefined when there is no file. Any other failure (a directory, no permission) is thrown. */
export async function readTextIfPresent(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * True when something is at `path`. A symbolic link counts as itself, whatever it points to; with `follow`, it
 * counts only when its target exists.
 */
export async function exists(path: string, options: { follow?: boolean } = {}): Promise<boolean> {
  try {
    await (options.follow ? Deno.stat(path) : Deno.lstat(path));
    return true;
  } catch {
    return false;
  }
}
