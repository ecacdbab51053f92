/**
 * Reading and checking a safetensors header: the 8-byte little-endian length, the JSON object
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {key: value}}`, and the
 * byte ranges it assigns, which must tile the data section exactly (no overlap, no hole, no
 * trailing bytes). Every check names the file and, when one is at fault, the tensor.
 */
import { DTYPES, DTYPE_SIZE, formatShape, isDtype, type Dtype } from './dtypes.ts';
import { SafetensorsError } from './errors.ts';

/** One tensor's header entry, offsets relative to the start of the data section. */
export interface HeaderEntry {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** A checked header: entries in file order (by `begin`) and the string metadata. */
export interface Header {
  readonly entries: readonly HeaderEntry[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** The safetensors reference implementation refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * The header length from a file's first 8 bytes, checked against the file size.
 *
 * @example
 * readHeaderLength(bytes.subarray(0, 8), bytes.length, 'weights.safetensors') // 4368
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < 8 || prefix.length < 8) {
    throw new SafetensorsError('too-short', file, `expected at least 8 bytes (the header length), found ${Math.min(fileSize, prefix.length)}`);
  }
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  const room = BigInt(fileSize - 8);
  if (length > room) {
    throw new SafetensorsError('header-length', file, `header length ${length} runs past the end of the file (${room} bytes follow the length field)`);
  }
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError('header-length', file, `header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (length < 2n) throw new SafetensorsError('header-length', file, `header length ${length} is too small to hold a JSON object`);
  return Number(length);
}

/**
 * Decodes and checks the header JSON against a data section of `dataLength` bytes.
 *
 * @example
 * const { entries } = parseHeader(headerBytes, 504000, 'weights.safetensors');
 * entries[0] // { name: 'blocks.0.attn.proj.bias', dtype: 'F32', shape: [64], begin: 0, end: 256 }
 */
export function parseHeader(headerBytes: Uint8Array, dataLength: number, file: string): Header {
  const json = decodeJson(headerBytes, file);
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') metadata = checkMetadata(value, file);
    else entries.push(checkEntry(name, value, file));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkTiling(entries, dataLength, file);
  return { entries, metadata };
}

function decodeJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new SafetensorsError('header-json', file, 'header is not valid UTF-8', undefined, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const shown = text.length > 60 ? `${text.slice(0, 60)}...` : text;
    throw new SafetensorsError('header-json', file, `header is not valid JSON (${(cause as Error).message}): ${JSON.stringify(shown)}`, undefined, { cause });
  }
  if (!isPlainObject(value)) {
    throw new SafetensorsError('header-json', file, `header must be a JSON object, found ${describe(value)}`);
  }
  return value;
}

function checkMetadata(value: unknown, file: string): Record<string, string> {
  if (!isPlainObject(value)) throw new SafetensorsError('header-field', file, `__metadata__ must be an object of strings, found ${describe(value)}`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new SafetensorsError('header-field', file, `__metadata__.${key} must be a string, found ${describe(v)}`);
  }
  return Object.fromEntries(Object.entries(value)) as Record<string, string>; // defines keys, so even __proto__ stays a key
}

function checkEntry(name: string, value: unknown, file: string): HeaderEntry {
  const fail = (detail: string): never => {
    throw new SafetensorsError('header-field', file, detail, name);
  };
  if (!isPlainObject(value)) return fail(`entry must be an object {dtype, shape, data_offsets}, found ${describe(value)}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') return fail(`dtype must be a string, found ${describe(dtype)}`);
  if (!isDtype(dtype)) throw new SafetensorsError('unknown-dtype', file, `unsupported dtype ${JSON.stringify(dtype)}, expected one of ${DTYPES.join(', ')}`, name);
  if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`shape must be an array of non-negative integers, found ${JSON.stringify(shape) ?? 'nothing'}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    return fail(`data_offsets must be two non-negative integers [begin, end], found ${JSON.stringify(offsets) ?? 'nothing'}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) return fail(`data_offsets [${begin},${end}] end before they begin`);
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (!Number.isSafeInteger(elements * DTYPE_SIZE[dtype])) return fail(`shape ${formatShape(shape as number[])} is too large`);
  }
  const needed = elements * DTYPE_SIZE[dtype];
  if (needed !== end - begin) {
    throw new SafetensorsError('size-mismatch', file, `shape ${formatShape(shape as number[])} needs ${needed} bytes, offsets give ${end - begin}`, name);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The sorted ranges must cover [0, dataLength) exactly, one after another. */
function checkTiling(entries: readonly HeaderEntry[], dataLength: number, file: string): void {
  let cursor = 0;
  let previous: HeaderEntry | undefined;
  for (const entry of entries) {
    if (entry.end > dataLength) {
      throw new SafetensorsError('offsets-out-of-range', file, `data_offsets [${entry.begin},${entry.end}] run past the data section (${dataLength} bytes)`, entry.name);
    }
    if (entry.begin < cursor) {
      const other = previous === undefined ? '' : ` with tensor ${JSON.stringify(previous.name)} [${previous.begin},${previous.end}]`;
      throw new SafetensorsError('offsets-overlap', file, `data_offsets [${entry.begin},${entry.end}] overlap${other}`, entry.name);
    }
    if (entry.begin > cursor) {
      throw new SafetensorsError('offsets-hole', file, `data_offsets begin at ${entry.begin} but the previous tensor ends at ${cursor}: bytes ${cursor}..${entry.begin} belong to no tensor`, entry.name);
    }
    cursor = entry.end;
    previous = entry;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError('trailing-bytes', file, `tensors end at data byte ${cursor} but the data section holds ${dataLength} bytes (${dataLength - cursor} trailing)`);
  }
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x)}`;
  return typeof x === 'object' ? 'an object' : `${typeof x} ${String(x)}`;
}
