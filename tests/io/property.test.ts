import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeSafetensors, encodeSafetensors, type TensorToWrite } from '../../runtime/io/safetensors.ts';
import { SafetensorsError } from '../../runtime/io/errors.ts';
import { encodeBf16, encodeF16 } from '../../runtime/io/half.ts';
import { rawFile } from './raw.ts';

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const tensorArb: fc.Arbitrary<TensorToWrite> = shapeArb.chain((shape) => {
  const n = size(shape);
  const floats = fc.array(fc.float(), { minLength: n, maxLength: n }).map((v) => new Float32Array(v));
  return fc.oneof(
    floats.map((data) => ({ shape, data })),
    floats.map((data) => ({ dtype: 'F16' as const, shape, data })),
    floats.map((data) => ({ dtype: 'BF16' as const, shape, data })),
    fc.array(fc.double(), { minLength: n, maxLength: n }).map((v) => ({ shape, data: new Float64Array(v) })),
    fc.array(fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), { minLength: n, maxLength: n }).map((v) => ({ shape, data: new BigInt64Array(v) })),
    fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: n, maxLength: n }).map((v) => ({ dtype: 'I32' as const, shape, data: new Int32Array(v) })),
    fc.uint8Array({ minLength: n, maxLength: n }).map((data) => ({ shape, data })),
  );
});

const fileArb = fc.tuple(
  fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '__metadata__'), tensorArb, { maxKeys: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
).map(([tensors, metadata]) => ({ tensors: new Map(Object.entries(tensors)), metadata }));

test('property: any set of tensors decodes to what was encoded, and re-encoding is byte-identical', () => {
  fc.assert(
    fc.property(fileArb, ({ tensors, metadata }) => {
      const bytes = encodeSafetensors(tensors, metadata);
      const file = decodeSafetensors(bytes);
      assert.deepEqual([...file.tensors.keys()], [...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      assert.deepEqual({ ...file.metadata }, { ...metadata });
      for (const [name, t] of tensors) {
        const back = file.tensors.get(name)!;
        assert.deepEqual(back.shape, t.shape);
        if (t.dtype === 'F16' && t.data instanceof Float32Array) assert.deepEqual(back.data, encodeF16(t.data));
        else if (t.dtype === 'BF16' && t.data instanceof Float32Array) assert.deepEqual(back.data, encodeBf16(t.data));
        else assert.deepEqual(Array.from(back.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>));
      }
      assert.deepEqual(encodeSafetensors(file.tensors, file.metadata), bytes);
    }),
    { numRuns: 150 },
  );
});

test('property: random corruption or truncation of a valid file throws only SafetensorsError or loads consistent data', () => {
  const damageArb = fc.record({
    cut: fc.option(fc.nat(), { nil: undefined }),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  });
  fc.assert(
    fc.property(fileArb, damageArb, ({ tensors, metadata }, { cut, flips }) => {
      const bytes = encodeSafetensors(tensors, metadata).slice();
      // aim most flips at the header, where they change structure rather than values
      const headerEnd = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
      for (const [at, value] of flips) bytes[at % Math.max(1, at % 3 === 0 ? bytes.length : headerEnd)] = value;
      const damaged = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
      decodesCleanly(damaged);
    }),
    { numRuns: 400 },
  );
});

/** Decoding either throws a SafetensorsError or returns tensors whose data fits their shapes. */
function decodesCleanly(bytes: Uint8Array): void {
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) return;
    throw new Error(`threw ${String(e)} instead of a SafetensorsError`);
  }
  for (const t of file.tensors.values()) assert.equal(t.data.length, size([...t.shape]), t.name);
}

test('property: editing a header field (dtype, a dimension, an offset) never loads inconsistent data', () => {
  const editArb = fc.record({
    pick: fc.nat(),
    field: fc.constantFrom('dtype', 'dim', 'begin', 'end'),
    dtype: fc.constantFrom('F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'U8', 'BOOL', ''),
    number: fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(-1, 2 ** 53, 1.5)),
  });
  fc.assert(
    fc.property(fileArb.filter((f) => f.tensors.size > 0), editArb, ({ tensors }, edit) => {
      const bytes = encodeSafetensors(tensors);
      const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
      const names = Object.keys(header);
      const entry = header[names[edit.pick % names.length]!]!;
      if (edit.field === 'dtype') entry.dtype = edit.dtype;
      else if (edit.field === 'dim') entry.shape = entry.shape.length === 0 ? [edit.number] : entry.shape.map((d, i) => (i === edit.pick % entry.shape.length ? edit.number : d));
      else entry.data_offsets[edit.field === 'begin' ? 0 : 1] = edit.number;
      decodesCleanly(rawFile(header, bytes.subarray(8 + length)));
    }),
    { numRuns: 300 },
  );
});
