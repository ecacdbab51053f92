// copyInto: the training threads' copy of parameters and gradients into shared memory, straight
// from tfjs-wasm's heap there, through data() on other backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { copyInto } from '../../runtime/tfjs/read.ts';

for (const backend of ['wasm', 'cpu'] as const) {
  test(`copyInto copies a float32 tensor's values on ${backend}, into a SharedArrayBuffer view too`, async () => {
    await tf.setBackend(backend);
    await tf.ready();
    const t = tf.tidy(() => tf.add(tf.range(0, 1000, 1, 'float32'), 0.25));
    const shared = new Float32Array(new SharedArrayBuffer(1003 * 4), 4, 1000);
    await copyInto(shared, t);
    const want = (await t.data()) as Float32Array;
    assert.deepEqual([...shared], [...want]);
    // a copy, not a view: changing the tensor's storage later leaves the copy alone
    t.dispose();
    const other = tf.fill([1000], 7);
    assert.equal(shared[999], 999.25);
    other.dispose();
  });

  test(`copyInto refuses a size or dtype that does not fit, naming both, on ${backend}`, async () => {
    await tf.setBackend(backend);
    const t = tf.zeros([2, 3]);
    await assert.rejects(copyInto(new Float32Array(5), t), /a tensor of 6 values into 5/);
    const i = tf.zeros([6], 'int32');
    await assert.rejects(copyInto(new Float32Array(6), i), /expected a float32 tensor, got int32/);
    tf.dispose([t, i]);
  });
}
