import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toFloat32, toInt32, toNumbers } from '../../runtime/io/convert.ts';
import { SafetensorsError } from '../../runtime/io/errors.ts';

test('F64 narrows to the nearest float32 and F32 is returned without a copy', () => {
  assert.deepEqual(toFloat32({ name: 'x', dtype: 'F64', shape: [2], data: new Float64Array([0.1, 1e300]) }), new Float32Array([Math.fround(0.1), Infinity]));
  const data = new Float32Array([1, 2]);
  assert.equal(toFloat32({ name: 'x', dtype: 'F32', shape: [2], data }), data);
});

test('an integer tensor is not silently turned into weights', () => {
  assert.throws(
    () => toFloat32({ name: 'ids', dtype: 'I64', shape: [1], data: new BigInt64Array([1n]) }, 'a.safetensors'),
    (e: unknown) => e instanceof SafetensorsError && e.message === 'a.safetensors: tensor "ids": expected a float dtype (F64, F32, F16, BF16), found I64',
  );
});

test('I64 converts to Int32Array when every value fits, and names the first that does not', () => {
  assert.deepEqual(toInt32({ name: 'ids', dtype: 'I64', shape: [3], data: new BigInt64Array([-2147483648n, 0n, 2147483647n]) }), new Int32Array([-2147483648, 0, 2147483647]));
  assert.throws(
    () => toInt32({ name: 'ids', dtype: 'I64', shape: [3], data: new BigInt64Array([0n, 1n, 2147483648n]) }),
    (e: unknown) => e instanceof SafetensorsError && e.code === 'value-range' && /tensor "ids": element 2 is 2147483648, outside the int32 range/.test(e.message),
  );
  assert.throws(() => toInt32({ name: 'w', dtype: 'F32', shape: [1], data: new Float32Array(1) }), /expected an integer dtype/);
});

test('I64 converts to numbers up to the safe-integer limit and no further', () => {
  assert.deepEqual(toNumbers({ name: 's', dtype: 'I64', shape: [2], data: new BigInt64Array([5000000000n, -9007199254740991n]) }), [5000000000, -9007199254740991]);
  assert.throws(() => toNumbers({ name: 's', dtype: 'I64', shape: [1], data: new BigInt64Array([9007199254740992n]) }), /element 0 is 9007199254740992, beyond/);
  assert.deepEqual(toNumbers({ name: 'u', dtype: 'U8', shape: [2], data: new Uint8Array([3, 255]) }), [3, 255]);
});
