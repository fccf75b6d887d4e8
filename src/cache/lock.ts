/**
 * One login at a time per provider identity, across processes: an exclusive
 * advisory lock (flock) on a file beside the cache. The kernel releases it when
 * the holder exits, even by `kill -9`, so nothing stale can block the next run.
 */
import { AwsOidcError } from "../errors.ts";

/** Options of {@link withLock}. */
export interface LockOptions {
  /** Give up after this many seconds of waiting. */
  timeoutSeconds: number;
  /** Called once when the lock is held by another process (so the person knows why nothing happens). */
  onWait?: () => void;
  /**
   * Called when the lock file cannot be created beside the cache (a read-only file system): then the
   * same-named lock in {@link fallbackLockDir} is used, so parallel logins are still one.
   */
  onFallback?: (path: string, cause: Error) => void;
}

const WAIT_NOTICE_MS = 250;

/** Runs `fn` while holding the lock at `path`. */
export async function withLock<T>(path: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  let file: Deno.FsFile;
  try {
    file = await openLockFile(path);
  } catch (error) {
    const fallback = await fallbackLockDir();
    const name = path.split(/[\\/]/).at(-1)!;
    if (!fallback || error instanceof Deno.errors.NotFound) throw cannotOpen(path, error);
    try {
      file = await openLockFile(`${fallback}/${name}`);
    } catch {
      throw cannotOpen(path, error);
    }
    options.onFallback?.(`${fallback}/${name}`, error as Error);
  }
  try {
    await acquire(file, options);
    try {
      return await fn();
    } finally {
      await file.unlock().catch(() => {});
    }
  } finally {
    file.close();
  }
}

async function openLockFile(path: string): Promise<Deno.FsFile> {
  return await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
}

function cannotOpen(path: string, error: unknown): AwsOidcError {
  return new AwsOidcError(`Cannot open lock file "${path}": ${(error as Error).message}`, {
    hint: "check the cache directory's permissions, or use --node-local-cache on shared home directories",
    cause: error,
  });
}

/**
 * `/tmp/aws-oidc-<uid>-locks`, created 0700, for locks when the cache's own
 * directory cannot hold one; undefined when it is not a private directory of
 * this user (another user could otherwise hold or watch our locks) or on Windows.
 */
export async function fallbackLockDir(): Promise<string | undefined> {
  if (Deno.build.os === "windows") return undefined;
  try {
    const uid = Deno.uid();
    const dir = `/tmp/aws-oidc-${uid}-locks`;
    await Deno.mkdir(dir, { mode: 0o700 }).catch((error) => {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    });
    const info = await Deno.lstat(dir);
    return info.isDirectory && info.uid === uid && (info.mode! & 0o077) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

async function acquire(file: Deno.FsFile, options: LockOptions): Promise<void> {
  const locked = file.lock(true);
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  let timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  const waiting = new Promise<never>((_, reject) => {
    noticeTimer = setTimeout(() => options.onWait?.(), WAIT_NOTICE_MS);
    timeoutTimer = setTimeout(() => {
      reject(
        new AwsOidcError(`Gave up after ${options.timeoutSeconds} s waiting for a login in another aws-oidc process`, {
          hint: "finish or cancel the login in the other terminal or browser tab, then run again",
        }),
      );
    }, options.timeoutSeconds * 1000);
  });
  try {
    await Promise.race([locked, waiting]);
  } finally {
    clearTimeout(noticeTimer);
    clearTimeout(timeoutTimer);
  }
}
