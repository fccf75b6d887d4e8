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
}

const WAIT_NOTICE_MS = 250;

/** Runs `fn` while holding the lock at `path`. */
export async function withLock<T>(path: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  } catch (error) {
    throw new AwsOidcError(`Cannot open lock file "${path}": ${(error as Error).message}`, {
      hint: "check the cache directory's permissions, or use --node-local-cache on shared home directories",
      cause: error,
    });
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
