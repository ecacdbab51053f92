/**
 * One process at a time in a folder: a lock file holding the owner's pid, command and start
 * time, created exclusively. A second process is refused naming the holder; the lock of a
 * process that has died (kill -9, a crash) is taken over. Released when the owner finishes or
 * exits.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = '.lock';

/** The folder is held by another live process. */
export class LockError extends Error {
  constructor(
    readonly holder: LockHolder,
    message: string,
  ) {
    super(message);
    this.name = 'LockError';
  }
}

export interface LockHolder {
  readonly pid: number;
  readonly command: string;
  readonly since: string;
}

export interface Lock {
  release(): void;
}

/** Whether a process with this pid runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of `dir`'s lock, or undefined (no lock, unreadable, or its process is gone). */
export function lockHolder(dir: string): LockHolder | undefined {
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
  return holder.pid !== process.pid && processAlive(holder.pid) ? holder : undefined;
}

/** `what` (e.g. `run folder runs/quick`) in the message a second process gets. */
export function describeHolder(what: string, h: LockHolder): string {
  return `${what} is in use by process ${h.pid} (${h.command}, since ${h.since}); wait for it to finish or stop it`;
}

/**
 * Takes the lock of `dir` for `command`, or throws LockError naming the live holder. A stale
 * lock (dead process) is replaced.
 */
export function acquireLock(dir: string, what: string, command: string): Lock {
  const path = join(dir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      return held(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = lockHolder(dir);
    if (holder) throw new LockError(holder, describeHolder(what, holder));
    rmSync(path, { force: true }); // stale: its process is gone
  }
  throw new Error(`${what}: could not take the lock ${path}; another process keeps replacing it`);
}

function held(path: string): Lock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
      if (holder.pid === process.pid) rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return { release };
}
