import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';

/**
 * Mutual exclusion for one directory written by the GitOps gateway:
 *
 * - inside the process, an async mutex keyed by the (resolved) path, held in
 *   a module-level map so that every gateway instance on the same directory
 *   queues behind the same holder, in arrival order;
 * - across processes (backend replicas sharing a volume), an exclusive lock
 *   file created with `open(…, 'wx')`, taken after the in-process mutex so a
 *   process holds it at most once at a time. A waiter retries with jittered
 *   back-off for at most `waitMs`, then fails (the caller's step fails and is
 *   retried later). The holder touches the file every `staleMs / 3`, so a
 *   lock file not touched for `staleMs` is taken to be left by a process
 *   that died, and is removed.
 *
 * Limits of the lock file: it relies on `O_CREAT | O_EXCL` being atomic,
 * which holds on local file systems and NFSv3+ but not on every network file
 * system (some FUSE/object-store mounts); and two waiters that judge the same
 * dead holder's file stale in the same instant can both break it, one of
 * them removing the lock the other has just taken. That needs a crashed
 * holder plus a race within milliseconds; a tighter scheme would need a real
 * lock service (a Kubernetes Lease, a database row), not the file system.
 * Replicas writing separate clones of a Git repository are not covered at
 * all: serialise those through Git (push, rebase, retry).
 */
export interface LockFileOptions {
  /** How long to wait for another process's lock before giving up. */
  waitMs: number;
  /** A lock file not touched for this long belongs to a dead process. */
  staleMs: number;
}

export const DEFAULT_LOCK_FILE_OPTIONS: LockFileOptions = {
  waitMs: 30_000,
  staleMs: 15_000,
};

const tails = new Map<string, Promise<void>>();

/** Runs `work` once every earlier call with the same key has finished. */
export async function withProcessLock<T>(
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const done = new Promise<void>(resolve => {
    release = resolve;
  });
  const tail = previous.then(() => done);
  tails.set(key, tail);
  try {
    await previous;
    return await work();
  } finally {
    release();
    if (tails.get(key) === tail) {
      tails.delete(key);
    }
  }
}

/**
 * Runs `work` while holding `file`, created exclusively; see
 * {@link LockFileOptions} and the module comment for the limits.
 */
export async function withLockFile<T>(
  file: string,
  work: () => Promise<T>,
  options: LockFileOptions = DEFAULT_LOCK_FILE_OPTIONS,
): Promise<T> {
  const token = `${os.hostname()} ${process.pid} ${randomBytes(8).toString(
    'hex',
  )}\n`;
  await acquire(file, token, options);
  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now).catch(() => undefined);
  }, Math.max(1, Math.floor(options.staleMs / 3)));
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    // Remove it only if it is still ours (it was not broken as stale).
    const current = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (current === token) {
      await fs.rm(file, { force: true });
    }
  }
}

async function acquire(file: string, token: string, options: LockFileOptions) {
  const deadline = Date.now() + options.waitMs;
  let delay = 5;
  for (;;) {
    try {
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(token, 'utf8');
      } catch (error) {
        await handle.close().catch(() => undefined);
        await fs.rm(file, { force: true });
        throw error;
      }
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > options.staleMs) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
      throw new Error(
        `${file} is held by another process${
          holder ? ` (${holder})` : ''
        } and was not released within ${
          options.waitMs
        } ms; nothing was written. Try again; remove the file by hand only if no backend is writing this directory`,
      );
    }
    await sleep(delay / 2 + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
