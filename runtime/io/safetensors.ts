/**
 * The safetensors format in memory: `[u64 LE header length][JSON header][raw LE data]`.
 * `decodeSafetensors` checks everything before returning (see header.ts); `encodeSafetensors`
 * writes tensors in sorted name order with the header padded to a multiple of 8 bytes.
 */
import { fromLittleEndian, toLittleEndian } from './bytes.ts';
import { DTYPE_SIZE, formatShape, shapeSize, type Dtype, type SafetensorsTensor } from './dtypes.ts';
import { SafetensorsError } from './errors.ts';
import { encodeBf16, encodeF16 } from './half.ts';
import { parseHeader, readHeaderLength, type HeaderEntry } from './header.ts';

/** A whole file: tensors by name (sorted by name) and the header's `__metadata__`. */
export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * What the writer accepts per tensor. `dtype` may be left out for the natural one: Float32Array
 * -> F32, Float64Array -> F64, Int32Array and BigInt64Array -> I64, Uint8Array -> U8. A
 * Float32Array may be stored as F16 or BF16 (rounded to nearest even); an Int32Array as I32; a
 * Uint16Array is taken as raw F16/BF16 bit patterns. Any `SafetensorsTensor` read from a file is
 * a valid `TensorToWrite`.
 */
export type TensorToWrite =
  | { readonly dtype?: 'F32' | 'F16' | 'BF16'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype?: 'F64'; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: 'F16' | 'BF16'; readonly shape: readonly number[]; readonly data: Uint16Array }
  | { readonly dtype?: 'I64' | 'I32'; readonly shape: readonly number[]; readonly data: Int32Array }
  | { readonly dtype?: 'I64'; readonly shape: readonly number[]; readonly data: BigInt64Array }
  | { readonly dtype?: 'U8'; readonly shape: readonly number[]; readonly data: Uint8Array };

/**
 * Parses and fully checks a safetensors file held in memory; throws `SafetensorsError` naming
 * `file` (a label used only in messages) on any defect.
 *
 * @example
 * const { tensors } = decodeSafetensors(readFileSync(path), 'weights.safetensors');
 * tensors.get('cls_token')?.shape // [1, 1, 64]
 */
export function decodeSafetensors(bytes: Uint8Array, file = '<bytes>'): SafetensorsFile {
  const headerLength = readHeaderLength(bytes.subarray(0, 8), bytes.length, file);
  const dataStart = 8 + headerLength;
  const header = parseHeader(bytes.subarray(8, dataStart), bytes.length - dataStart, file);
  const data = bytes.subarray(dataStart);
  const tensors = header.entries.map((entry) => tensorFromBytes(entry, data.subarray(entry.begin, entry.end)));
  return { tensors: byName(tensors), metadata: header.metadata };
}

/** A tensor's typed array from its own bytes (already checked to be the right length). */
export function tensorFromBytes(entry: HeaderEntry, bytes: Uint8Array): SafetensorsTensor {
  return { name: entry.name, dtype: entry.dtype, shape: entry.shape, data: fromLittleEndian(entry.dtype, bytes) } as SafetensorsTensor;
}

/** Tensors keyed by name, in sorted name order. */
export function byName(tensors: readonly SafetensorsTensor[]): Map<string, SafetensorsTensor> {
  return new Map([...tensors].sort((a, b) => compareNames(a.name, b.name)).map((t) => [t.name, t]));
}

/**
 * The file's bytes as consecutive parts (header first, then each tensor's data in sorted name
 * order), so a large file can be written without one big copy.
 *
 * @example
 * const parts = encodeSafetensorsParts(new Map([['w', { shape: [2], data: new Float32Array([1, 2]) }]]));
 * parts.length // 2
 */
export function encodeSafetensorsParts(
  tensors: ReadonlyMap<string, TensorToWrite>,
  metadata: Readonly<Record<string, string>> = {},
  file = '<bytes>',
): Uint8Array[] {
  const names = [...tensors.keys()].sort(compareNames);
  const header: Record<string, unknown> = Object.create(null);
  const meta = checkMetadata(metadata, file);
  if (Object.keys(meta).length > 0) header['__metadata__'] = meta;
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new SafetensorsError('bad-input', file, 'the name __metadata__ is reserved for the header metadata', name);
    const { dtype, bytes } = encodeTensor(name, tensors.get(name)!, file);
    header[name] = { dtype, shape: tensors.get(name)!.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    parts.push(bytes);
  }
  return [headerBytes(header), ...parts];
}

/**
 * A whole safetensors file as one byte array.
 *
 * @example
 * const bytes = encodeSafetensors(new Map([['loss', { shape: [], data: new Float32Array([1.5]) }]]), { format: 'pt' });
 * decodeSafetensors(bytes).tensors.get('loss')?.data // Float32Array [1.5]
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, TensorToWrite>,
  metadata: Readonly<Record<string, string>> = {},
  file = '<bytes>',
): Uint8Array {
  const parts = encodeSafetensorsParts(tensors, metadata, file);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Length prefix + JSON, padded with spaces so the data section starts on an 8-byte boundary. */
function headerBytes(header: Record<string, unknown>): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}

function encodeTensor(name: string, t: TensorToWrite, file: string): { dtype: Dtype; bytes: Uint8Array } {
  const fail = (detail: string): never => {
    throw new SafetensorsError('bad-input', file, detail, name);
  };
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`shape must be non-negative integers, found ${JSON.stringify(t.shape)}`);
  }
  if (shapeSize(t.shape) !== t.data.length) fail(`shape ${formatShape(t.shape)} holds ${shapeSize(t.shape)} elements, data has ${t.data.length}`);
  const { data } = t;
  const dtype = t.dtype ?? naturalDtype(data);
  if (dtype === undefined) return fail('a Uint16Array holds raw half-precision bits: say dtype F16 or BF16');
  const bytes = dataBytes(dtype, data);
  if (bytes === undefined) return fail(`cannot store a ${data.constructor.name} as ${dtype}`);
  if (bytes.length !== data.length * DTYPE_SIZE[dtype]) fail(`encoded ${bytes.length} bytes for ${data.length} ${dtype} elements`);
  return { dtype, bytes };
}

function naturalDtype(data: TensorToWrite['data']): Dtype | undefined {
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Uint8Array) return 'U8';
  if (data instanceof Int32Array || data instanceof BigInt64Array) return 'I64';
  return undefined;
}

function dataBytes(dtype: Dtype, data: TensorToWrite['data']): Uint8Array | undefined {
  if (data instanceof Float32Array) {
    if (dtype === 'F32') return toLittleEndian(data);
    if (dtype === 'F16') return toLittleEndian(encodeF16(data));
    if (dtype === 'BF16') return toLittleEndian(encodeBf16(data));
  } else if (data instanceof Float64Array) {
    if (dtype === 'F64') return toLittleEndian(data);
  } else if (data instanceof Uint16Array) {
    if (dtype === 'F16' || dtype === 'BF16') return toLittleEndian(data);
  } else if (data instanceof Int32Array) {
    if (dtype === 'I32') return toLittleEndian(data);
    if (dtype === 'I64') return toLittleEndian(BigInt64Array.from(data, (v) => BigInt(v)));
  } else if (data instanceof BigInt64Array) {
    if (dtype === 'I64') return toLittleEndian(data);
  } else if (data instanceof Uint8Array) {
    if (dtype === 'U8') return toLittleEndian(data);
  }
  return undefined;
}

function checkMetadata(metadata: Readonly<Record<string, string>>, file: string): Record<string, string> {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new SafetensorsError('bad-input', file, `metadata ${JSON.stringify(key)} must be a string, found ${typeof value}`);
  }
  return Object.fromEntries(Object.entries(metadata));
}

/** Code-unit order, the same on every platform and locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
