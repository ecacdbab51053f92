import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors } from '../../runtime/io/safetensors.ts';
import { SafetensorsError, type SafetensorsErrorCode } from '../../runtime/io/errors.ts';
import { rawFile } from './raw.ts';

const FILE = 'weights.safetensors';

/** Asserts decoding fails with `code` and a message matching `message`. */
function rejects(bytes: Uint8Array, code: SafetensorsErrorCode, message: RegExp): void {
  assert.throws(
    () => decodeSafetensors(bytes, FILE),
    (e: unknown) => {
      assert.ok(e instanceof SafetensorsError, `expected a SafetensorsError, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      assert.match(e.message, message);
      assert.ok(e.message.startsWith(`${FILE}: `), e.message);
      return true;
    },
  );
}

const good = encodeSafetensors(new Map([
  ['a', { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }],
  ['b', { shape: [4], data: new BigInt64Array([0n, 1n, 2n, 3n]) }],
]));
const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));

test('a file shorter than 8 bytes is refused', () => {
  for (const n of [0, 1, 7]) rejects(good.subarray(0, n), 'too-short', new RegExp(`at least 8 bytes .*found ${n}`));
});

test('truncation anywhere is reported, never a partial load', () => {
  const cuts = [8, 9, 8 + headerLength - 1, 8 + headerLength, 8 + headerLength + 3, good.length - 1];
  for (const cut of cuts) {
    assert.throws(() => decodeSafetensors(good.subarray(0, cut), FILE), (e: unknown) => e instanceof SafetensorsError, `cut at ${cut}`);
  }
  rejects(good.subarray(0, 8 + headerLength - 1), 'header-length', /runs past the end of the file/);
  rejects(good.subarray(0, good.length - 1), 'offsets-out-of-range', /tensor "b": data_offsets \[24,56\] run past the data section \(55 bytes\)/);
});

test('a header length beyond the file or the size limit is refused', () => {
  rejects(rawFile('{}', new Uint8Array(0), 1000n), 'header-length', /header length 1000 runs past the end of the file \(2 bytes follow/);
  rejects(rawFile('{}', new Uint8Array(0), 2n ** 64n - 1n), 'header-length', /18446744073709551615/);
  rejects(rawFile('', new Uint8Array(0), 0n), 'header-length', /too small/);
});

test('a header that is not JSON, or not an object, is refused', () => {
  rejects(rawFile('{"a": {"dtype": "F32",'), 'header-json', /not valid JSON/);
  rejects(rawFile('[1, 2]'), 'header-json', /must be a JSON object, found an array/);
  rejects(rawFile('null'), 'header-json', /found null/);
  const badUtf8 = rawFile('{"a":1}');
  badUtf8[10] = 0xff;
  rejects(badUtf8, 'header-json', /not valid UTF-8/);
});

test('missing or mistyped entry fields are refused, naming the tensor', () => {
  const data = new Uint8Array(4);
  rejects(rawFile({ w: 5 }, data), 'header-field', /tensor "w": entry must be an object/);
  rejects(rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, data), 'header-field', /tensor "w": dtype must be a string/);
  rejects(rawFile({ w: { dtype: 'F32', data_offsets: [0, 4] } }, data), 'header-field', /tensor "w": shape must be an array of non-negative integers, found nothing/);
  rejects(rawFile({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, data), 'header-field', /shape must be/);
  rejects(rawFile({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, data), 'header-field', /shape must be/);
  rejects(rawFile({ w: { dtype: 'F32', shape: [1] } }, data), 'header-field', /data_offsets must be two non-negative integers/);
  rejects(rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, data), 'header-field', /data_offsets must be two/);
  rejects(rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, data), 'header-field', /end before they begin/);
  rejects(rawFile({ w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }, data), 'header-field', /too large/);
  rejects(rawFile({ __metadata__: { format: 1 } }), 'header-field', /__metadata__.format must be a string, found number 1/);
  rejects(rawFile({ __metadata__: [] }), 'header-field', /__metadata__ must be an object/);
});

test('an unknown dtype is refused, listing the supported ones', () => {
  rejects(rawFile({ w: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(4)), 'unknown-dtype', /tensor "w": unsupported dtype "F8_E4M3", expected one of F64, F32, F16, BF16, I64, I32, U8/);
});

test('a byte range of the wrong size for its shape is refused with both sizes', () => {
  const header = { 'blocks.0.attn.qkv.weight': { dtype: 'F32', shape: [192, 64], data_offsets: [0, 49148] } };
  assert.throws(
    () => decodeSafetensors(rawFile(header, new Uint8Array(49148)), FILE),
    { message: 'weights.safetensors: tensor "blocks.0.attn.qkv.weight": shape [192,64] needs 49152 bytes, offsets give 49148' },
  );
});

test('offsets past the data section, overlapping, with holes, or followed by garbage are refused', () => {
  const entry = (begin: number, end: number) => ({ dtype: 'F32', shape: [(end - begin) / 4], data_offsets: [begin, end] });
  rejects(rawFile({ a: entry(0, 8) }, new Uint8Array(4)), 'offsets-out-of-range', /tensor "a": data_offsets \[0,8\] run past the data section \(4 bytes\)/);
  rejects(rawFile({ a: entry(0, 8), b: entry(4, 12) }, new Uint8Array(12)), 'offsets-overlap', /tensor "b": data_offsets \[4,12\] overlap with tensor "a" \[0,8\]/);
  rejects(rawFile({ a: entry(0, 8), b: entry(0, 8) }, new Uint8Array(8)), 'offsets-overlap', /overlap/);
  rejects(rawFile({ a: entry(0, 4), b: entry(8, 12) }, new Uint8Array(12)), 'offsets-hole', /tensor "b": .*bytes 4\.\.8 belong to no tensor/);
  rejects(rawFile({ a: entry(4, 8) }, new Uint8Array(8)), 'offsets-hole', /bytes 0\.\.4/);
  rejects(rawFile({ a: entry(0, 4) }, new Uint8Array(6)), 'trailing-bytes', /tensors end at data byte 4 but the data section holds 6 bytes \(2 trailing\)/);
  rejects(rawFile({}, new Uint8Array(1)), 'trailing-bytes', /1 trailing/);
  const appended = new Uint8Array(good.length + 8);
  appended.set(good);
  rejects(appended, 'trailing-bytes', /8 trailing/);
});

test('zero-sized tensors and an empty file are valid', () => {
  const file = decodeSafetensors(rawFile({ e: { dtype: 'F32', shape: [0], data_offsets: [0, 0] }, f: { dtype: 'U8', shape: [0, 3], data_offsets: [0, 0] } }));
  assert.deepEqual([...file.tensors.keys()], ['e', 'f']);
  assert.equal(decodeSafetensors(rawFile('{}  ')).tensors.size, 0);
});
