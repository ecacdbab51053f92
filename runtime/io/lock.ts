/**
 * One process at a time in a folder: a lock file holding the owner's pid, host, command and
 * start time, created exclusively. A second process is refused naming the holder; the lock of a
 * process that has died (kill -9, a crash) is taken over. Released when the owner finishes or
 * exits.
 *
 * On a folder shared between machines (a sweep's workers) a pid means nothing on another host,
 * so the owner also touches the lock file every HEARTBEAT_MS: a lock from another host counts
 * as held while its file was touched within STALE_MS, and as stale (its machine or process
 * gone) after that.
 */
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.lock';
/** How often a lock's owner touches its file. */
export const HEARTBEAT_MS = 15_000;
/** A lock from another host untouched this long is stale. */
export const STALE_MS = 120_000;

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
  /** The owner's hostname; absent in locks written before hosts were recorded (taken as this host). */
  readonly host?: string;
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

/** Whether the lock was written on another machine. */
function foreign(h: LockHolder): boolean {
  return h.host !== undefined && h.host !== hostname();
}

/**
 * The live holder of `dir`'s lock, or undefined (no lock, unreadable, its process is gone, or
 * from another host and untouched for STALE_MS).
 */
export function lockHolder(dir: string, now = Date.now()): LockHolder | undefined {
  const path = join(dir, LOCK_FILE);
  let holder: LockHolder;
  let touched: number;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    touched = statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
  if (foreign(holder)) return now - touched < STALE_MS ? holder : undefined;
  return holder.pid !== process.pid && processAlive(holder.pid) ? holder : undefined;
}

/** `what` (e.g. `run folder runs/quick`) in the message a second process gets. */
export function describeHolder(what: string, h: LockHolder): string {
  return `${what} is in use by process ${h.pid}${foreign(h) ? ` on ${h.host}` : ''} (${h.command}, since ${h.since}); wait for it to finish or stop it`;
}

/**
 * Takes the lock of `dir` for `command`, or throws LockError naming the live holder. A stale
 * lock (dead process) is replaced.
 */
export function acquireLock(dir: string, what: string, command: string): Lock {
  const path = join(dir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
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
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Gone: release() finds nothing to remove.
    }
  }, HEARTBEAT_MS).unref();
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.off('exit', release);
    try {
      const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
      if (holder.pid === process.pid && !foreign(holder)) rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return { release };
}
