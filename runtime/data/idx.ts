/**
 * IDX files (the MNIST / Fashion-MNIST container): magic `00 00 <type> <ndims>`, then ndims
 * big-endian uint32 sizes, then the data. Only type 0x08 (unsigned byte) is used by these sets.
 * Files may be gzipped (detected by the gzip magic `1f 8b`, not the name).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.ts';

/** A parsed ubyte IDX array. */
export interface IdxArray {
  readonly dims: readonly number[];
  /** Row-major bytes, length = product(dims). */
  readonly data: Uint8Array;
}

const UBYTE = 0x08;

/** Parses an IDX buffer (raw or gzipped); `label` names the file in errors. */
export function parseIdx(buffer: Uint8Array, label: string): IdxArray {
  let bytes = buffer;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataError('DATA003', `${label}: gzip data is corrupt (${(e as Error).message})`, label);
    }
  }
  const fail = (what: string) => new DataError('DATA003', `${label}: ${what}`, label);
  if (bytes.length < 4) throw fail(`expected an IDX header of at least 4 bytes, found ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw fail(`expected IDX magic 00 00 <type> <ndims>, found ${hex}`);
  }
  if (bytes[2] !== UBYTE) throw fail(`expected data type 0x08 (unsigned byte), found 0x${bytes[2]!.toString(16).padStart(2, '0')}`);
  const ndims = bytes[3]!;
  const headerLength = 4 + 4 * ndims;
  if (ndims === 0 || bytes.length < headerLength) throw fail(`expected ${ndims} dimension sizes after the magic, file has ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerLength;
  if (found !== expected) throw fail(`expected ${dims.join(' x ')} = ${expected} data bytes, found ${found}`);
  return { dims, data: bytes.subarray(headerLength) };
}

/** Reads an IDX file, trying `path` then `path.gz`. */
export function readIdxFile(path: string): IdxArray {
  const candidates = [path, `${path}.gz`];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new DataError('DATA002', `IDX file not found: expected ${candidates.join(' or ')}`, path);
  return parseIdx(readFileSync(found), found);
}

/**
 * Reads a matching pair of image (count x rows x cols) and label (count) files and checks that
 * they agree and that every label is below `numClasses`.
 */
export function readIdxPair(
  imagesPath: string,
  labelsPath: string,
  numClasses: number,
): { images: Uint8Array; labels: Int32Array; count: number; rows: number; cols: number } {
  const images = readIdxFile(imagesPath);
  const labels = readIdxFile(labelsPath);
  if (images.dims.length !== 3) {
    throw new DataError('DATA003', `${imagesPath}: expected 3 dimensions (count x rows x cols), found ${images.dims.length}`, imagesPath);
  }
  if (labels.dims.length !== 1) {
    throw new DataError('DATA003', `${labelsPath}: expected 1 dimension (count), found ${labels.dims.length}`, labelsPath);
  }
  const [count, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new DataError('DATA003', `${labelsPath}: expected ${count} labels to match ${imagesPath}, found ${labels.dims[0]}`, labelsPath);
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const l = labels.data[i]!;
    if (l >= numClasses) throw new DataError('DATA003', `${labelsPath}: label ${i} is ${l}, expected 0..${numClasses - 1}`, labelsPath);
    out[i] = l;
  }
  return { images: images.data, labels: out, count, rows, cols };
}
