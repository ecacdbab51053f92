import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, type TensorToWrite } from '../../runtime/io/safetensors.ts';
import { SafetensorsError } from '../../runtime/io/errors.ts';
import { toFloat32 } from '../../runtime/io/convert.ts';

function headerOf(bytes: Uint8Array): { length: number; json: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }> } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) };
}

test('every dtype round-trips with its shape and values', () => {
  const tensors = new Map<string, TensorToWrite>([
    ['f64', { shape: [2, 2], data: new Float64Array([1.5, -0.1, 1e300, -0]) }],
    ['f32', { shape: [3], data: new Float32Array([1, -2.5, 3.25]) }],
    ['f16', { dtype: 'F16', shape: [3], data: new Float32Array([1, -2.5, 65504]) }],
    ['bf16', { dtype: 'BF16', shape: [1, 3], data: new Float32Array([1, -2.5, 0.15625]) }],
    ['i64', { shape: [2], data: new BigInt64Array([-(2n ** 62n), 2n ** 62n]) }],
    ['i64_from_i32', { shape: [3], data: new Int32Array([-7, 0, 2147483647]) }],
    ['i32', { dtype: 'I32', shape: [2], data: new Int32Array([-1, 42]) }],
    ['u8', { shape: [4], data: new Uint8Array([0, 1, 128, 255]) }],
    ['scalar', { shape: [], data: new Float32Array([7]) }],
    ['empty', { shape: [0, 5], data: new Float32Array(0) }],
  ]);
  const file = decodeSafetensors(encodeSafetensors(tensors));
  const get = (name: string) => file.tensors.get(name)!;
  assert.deepEqual([...file.tensors.keys()], [...tensors.keys()].sort());
  assert.deepEqual(get('f64'), { name: 'f64', dtype: 'F64', shape: [2, 2], data: new Float64Array([1.5, -0.1, 1e300, -0]) });
  assert.deepEqual(get('f32').data, new Float32Array([1, -2.5, 3.25]));
  assert.equal(get('f16').dtype, 'F16');
  assert.deepEqual(get('f16').data, new Uint16Array([0x3c00, 0xc100, 0x7bff]));
  assert.deepEqual(toFloat32(get('f16')), new Float32Array([1, -2.5, 65504]));
  assert.deepEqual(get('bf16').data, new Uint16Array([0x3f80, 0xc020, 0x3e20]));
  assert.deepEqual(toFloat32(get('bf16')), new Float32Array([1, -2.5, 0.15625]));
  assert.deepEqual(get('i64').data, new BigInt64Array([-(2n ** 62n), 2n ** 62n]));
  assert.deepEqual(get('i64_from_i32'), { name: 'i64_from_i32', dtype: 'I64', shape: [3], data: new BigInt64Array([-7n, 0n, 2147483647n]) });
  assert.deepEqual(get('i32').data, new Int32Array([-1, 42]));
  assert.deepEqual(get('u8').data, new Uint8Array([0, 1, 128, 255]));
  assert.deepEqual(get('scalar').shape, []);
  assert.deepEqual(get('empty'), { name: 'empty', dtype: 'F32', shape: [0, 5], data: new Float32Array(0) });
});

test('a decoded file re-encodes to a file with identical tensors, raw half bits included', () => {
  const first = decodeSafetensors(encodeSafetensors(new Map([
    ['h', { dtype: 'F16', shape: [2], data: new Float32Array([NaN, 2 ** -24]) }],
  ]), { note: 'x' }));
  const second = decodeSafetensors(encodeSafetensors(first.tensors, first.metadata));
  assert.deepEqual(second, first);
  assert.deepEqual(second.metadata, { note: 'x' });
});

test('tensors are laid out in sorted name order and the data starts on an 8-byte boundary', () => {
  const bytes = encodeSafetensors(
    new Map([
      ['zeta', { shape: [1], data: new Float32Array([1]) }],
      ['alpha', { shape: [3], data: new Float32Array([1, 2, 3]) }],
      ['mid', { shape: [1], data: new Uint8Array([9]) }],
    ]),
    { format: 'pt' },
  );
  const { length, json } = headerOf(bytes);
  assert.equal(length % 8, 0);
  assert.deepEqual(Object.keys(json), ['__metadata__', 'alpha', 'mid', 'zeta']);
  assert.deepEqual(json['alpha']!.data_offsets, [0, 12]);
  assert.deepEqual(json['mid']!.data_offsets, [12, 13]);
  assert.deepEqual(json['zeta']!.data_offsets, [13, 17]);
  assert.equal(bytes.length, 8 + length + 17);
});

test('the writer refuses data that does not match the shape, naming the tensor', () => {
  assert.throws(
    () => encodeSafetensors(new Map([['w', { shape: [2, 3], data: new Float32Array(5) }]]), {}, 'out.safetensors'),
    (e: unknown) => e instanceof SafetensorsError && e.code === 'bad-input' && e.message === 'out.safetensors: tensor "w": shape [2,3] holds 6 elements, data has 5',
  );
});

test('the writer refuses a dtype its data cannot be stored as', () => {
  const bad = { dtype: 'F16', shape: [1], data: new Int32Array(1) } as unknown as TensorToWrite;
  assert.throws(() => encodeSafetensors(new Map([['ids', bad]])), /tensor "ids": cannot store a Int32Array as F16/);
  const raw = { shape: [1], data: new Uint16Array(1) } as unknown as TensorToWrite;
  assert.throws(() => encodeSafetensors(new Map([['h', raw]])), /say dtype F16 or BF16/);
  assert.throws(() => encodeSafetensors(new Map([['__metadata__', { shape: [0], data: new Float32Array(0) }]])), /reserved/);
});

test('a Node Buffer at a non-zero offset decodes to aligned arrays', () => {
  const bytes = encodeSafetensors(new Map([
    ['a', { shape: [1], data: new Uint8Array([5]) }],
    ['b', { shape: [2], data: new Float64Array([0.5, -3]) }],
  ]));
  const pooled = Buffer.alloc(bytes.length + 3);
  pooled.set(bytes, 3);
  const file = decodeSafetensors(pooled.subarray(3));
  assert.deepEqual(file.tensors.get('b')!.data, new Float64Array([0.5, -3]));
  pooled.fill(0);
  assert.deepEqual(file.tensors.get('b')!.data, new Float64Array([0.5, -3]), 'decoded data must not share the input buffer');
});
