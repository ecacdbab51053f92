/**
 * Safetensors files on disk. Loading reads the header first and then each tensor with its own
 * positioned read, so files beyond Node's 2 GiB single-read limit load; saving goes through
 * `writeFileAtomic`, so an interrupted save never leaves a truncated checkpoint.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { writeFileAtomic } from './atomic.ts';
import { SafetensorsError } from './errors.ts';
import { parseHeader, readHeaderLength } from './header.ts';
import { byName, encodeSafetensorsParts, tensorFromBytes, type SafetensorsFile, type TensorToWrite } from './safetensors.ts';

/**
 * Reads and fully checks a safetensors file. Every failure, including a missing file, is a
 * `SafetensorsError` whose message starts with `path`.
 *
 * @example
 * const { tensors, metadata } = await loadSafetensors('weights.safetensors');
 * tensors.get('blocks.0.attn.qkv.weight')?.shape // [192, 64]
 */
export async function loadSafetensors(path: string): Promise<SafetensorsFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new SafetensorsError('io', path, `cannot open: ${(cause as Error).message}`, undefined, { cause });
  }
  try {
    const size = (await handle.stat()).size;
    const headerLength = readHeaderLength(await readAt(handle, 0, Math.min(8, size), path), size, path);
    const dataStart = 8 + headerLength;
    const header = parseHeader(await readAt(handle, 8, headerLength, path), size - dataStart, path);
    const tensors = [];
    for (const entry of header.entries) {
      tensors.push(tensorFromBytes(entry, await readAt(handle, dataStart + entry.begin, entry.end - entry.begin, path)));
    }
    return { tensors: byName(tensors), metadata: header.metadata };
  } finally {
    await handle.close();
  }
}

/**
 * Writes tensors (sorted by name) and string metadata to `path` atomically. Bad input is
 * reported before anything touches the disk; file system failures become `SafetensorsError`
 * with code `io`, and a previous file at `path` survives them.
 *
 * @example
 * await saveSafetensors('ckpt.safetensors', new Map([['cls_token', { shape: [1, 1, 64], data: cls }]]), { step: '100' });
 */
export async function saveSafetensors(
  path: string,
  tensors: ReadonlyMap<string, TensorToWrite>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const parts = encodeSafetensorsParts(tensors, metadata, path);
  try {
    await writeFileAtomic(path, parts);
  } catch (cause) {
    throw new SafetensorsError('io', path, `cannot write: ${(cause as Error).message}`, undefined, { cause });
  }
}

/** Exactly `length` bytes at `position`, into a fresh buffer; a short read means the file shrank. */
async function readAt(handle: FileHandle, position: number, length: number, path: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let at = 0;
  while (at < length) {
    const { bytesRead } = await handle.read(out, at, Math.min(length - at, 1 << 30), position + at);
    if (bytesRead === 0) throw new SafetensorsError('io', path, `file ended at byte ${position + at} while reading ${length} bytes at ${position} (changed while reading?)`);
    at += bytesRead;
  }
  return out;
}
