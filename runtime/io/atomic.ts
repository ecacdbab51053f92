/**
 * Replacing a file so that a reader sees either the old content or the complete new one, never a
 * torn write: data goes to a temporary file in the same directory, is fsynced, then renamed over
 * the target (rename is atomic within a file system). On any failure the temporary file is
 * removed and the previous file, if any, is untouched.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Content to write: bytes, text, or chunks produced one after another (possibly async). */
export type AtomicData = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Writes `data` to `path` atomically. If producing or writing the data throws, the error
 * propagates, the temporary file is deleted, and an existing `path` keeps its old content.
 * An existing file's permission bits are kept.
 *
 * @example
 * await writeFileAtomic('run/checkpoint.safetensors', bytes);
 * await writeFileAtomic('run/log.json', JSON.stringify(log));
 */
export async function writeFileAtomic(path: string, data: AtomicData): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx');
  } catch (error) {
    throw atPath(error, path);
  }
  let renamed = false;
  try {
    try {
      await keepMode(handle, path);
      for await (const chunk of chunksOf(data)) await writeFully(handle, chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
    await syncDirectory(dir);
  } catch (error) {
    if (!renamed) await rm(temp, { force: true });
    throw atPath(error, path);
  }
}

/** A file-system error about the temporary file, reported as about `path`, the file being written. */
function atPath(error: unknown, path: string): unknown {
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string') (error as NodeJS.ErrnoException).path = path;
  return error;
}

async function* chunksOf(data: AtomicData): AsyncIterable<Uint8Array> {
  if (typeof data === 'string') yield new TextEncoder().encode(data);
  else if (data instanceof Uint8Array) yield data;
  else yield* data;
}

async function writeFully(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let at = 0;
  while (at < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, at, Math.min(chunk.length - at, 1 << 30));
    at += bytesWritten;
  }
}

async function keepMode(handle: FileHandle, path: string): Promise<void> {
  const previous = await stat(path).catch(() => undefined);
  if (previous?.isFile()) await handle.chmod(previous.mode & 0o7777);
}

/** Makes the rename itself durable; some platforms cannot fsync a directory, which is harmless. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: the data itself was already synced
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** `.name.<pid>.<12 hex>.tmp`, the temporary files of writeFileAtomic. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temporary files that writers killed mid-write left in `dir` (one level): those
 * whose writing process is gone. Returns the names removed.
 */
export function removeStaleTemps(dir: string, alive: (pid: number) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
