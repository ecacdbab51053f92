import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { installKernels, installedSimd, kernelsEnabled, uninstallKernels } from '../../runtime/tfjs/kernels/index.ts';
import { Rng } from '../../runtime/rng.ts';
import { randomTensor, useWasm } from './reference.ts';

await useWasm();

test('MAEC_KERNELS=off (any case) disables the kernels; anything else leaves them on', () => {
  assert.equal(kernelsEnabled({ MAEC_KERNELS: 'off' }), false);
  assert.equal(kernelsEnabled({ MAEC_KERNELS: 'OFF' }), false);
  assert.equal(kernelsEnabled({ MAEC_KERNELS: 'on' }), true);
  assert.equal(kernelsEnabled({}), true);
});

test('with MAEC_KERNELS=off installKernels leaves the stock kernels registered and says why', async () => {
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  const result = await installKernels({ env: { MAEC_KERNELS: 'off' } });
  assert.deepEqual(result, { installed: false, reason: 'MAEC_KERNELS=off' });
  assert.equal(tf.getKernel('BatchMatMul', 'wasm'), stock);
});

test('installKernels replaces the matmul, slicing, Sum and Identity kernels, and uninstallKernels restores the stock ones', async () => {
  const names = ['BatchMatMul', 'Slice', 'SplitV', '_FusedMatMul', 'Sum', 'Identity'];
  const added = ['MaecGelu', 'MaecGeluGrad', 'MaecSoftmaxGrad', 'MaecLayerNorm', 'MaecLayerNormGrad', 'MaecGatherTokens', 'MaecScatterTokens', 'MaecSplitHeads', 'MaecMergeHeads', 'MaecAdamW'];
  uninstallKernels();
  const stock = names.map((name) => tf.getKernel(name, 'wasm'));
  const result = await installKernels({ env: {} });
  assert.deepEqual(result, { installed: true, kernels: [...names, ...added], simd: installedSimd() });
  assert.ok(result.installed && (result.simd === 'plain' || result.simd === 'relaxed'));
  for (const [i, name] of names.entries()) assert.notEqual(tf.getKernel(name, 'wasm')?.kernelFunc, stock[i]?.kernelFunc, name);
  for (const name of added) assert.ok(tf.getKernel(name, 'wasm'), name);
  uninstallKernels();
  assert.deepEqual(names.map((name) => tf.getKernel(name, 'wasm')), stock);
  for (const name of added) assert.equal(tf.getKernel(name, 'wasm'), undefined, name);
});

test('installKernels({ elementwise: false }) leaves Sum, Identity and the fused kernels out', async () => {
  const result = await installKernels({ env: {}, elementwise: false });
  uninstallKernels();
  assert.deepEqual(result, { installed: true, kernels: ['BatchMatMul', 'Slice', 'SplitV', '_FusedMatMul'], simd: result.installed ? result.simd : 'none' });
});

test('with the kernels off, matMul gives exactly the stock results', async () => {
  const rng = Rng.fromSeed(3);
  const a = randomTensor(rng, [4, 33, 20]);
  const b = randomTensor(rng, [4, 21, 20]);
  const first = tf.matMul(a, b, false, true);
  await installKernels({ env: { MAEC_KERNELS: 'off' } });
  const second = tf.matMul(a, b, false, true);
  uninstallKernels();
  assert.deepEqual(second.dataSync(), first.dataSync());
  tf.dispose([a, b, first, second]);
});

test('on another backend installKernels declines instead of installing', async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  try {
    const result = await installKernels({ env: {} });
    assert.deepEqual(result, { installed: false, reason: 'expected the wasm backend active, found cpu' });
  } finally {
    await tf.setBackend('wasm');
  }
});

test('non-float32 and refused products reach the stock kernel unchanged', async () => {
  await installKernels({ route: 'always', env: {} });
  try {
    const a = tf.ones([3, 4]);
    const b = tf.ones([5, 6]);
    // the stock kernel's own message, not ours
    assert.throws(() => tf.matMul(a, b), /inner shapes \(4\) and \(5\)/);
    tf.dispose([a, b]);
  } finally {
    uninstallKernels();
  }
});

test('repeated products through our kernels leave the tensor count unchanged', async () => {
  await installKernels({ env: {} });
  try {
    const rng = Rng.fromSeed(9);
    const a = randomTensor(rng, [6, 65, 16]);
    const b = randomTensor(rng, [6, 65, 16]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; ++i) tf.matMul(a, b, false, true).dispose();
    tf.tidy(() => {
      tf.fused.matMul({ a: tf.reshape(a, [390, 16]), b: tf.reshape(b, [390, 16]), transposeB: true, activation: 'relu' });
    });
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([a, b]);
  } finally {
    uninstallKernels();
  }
});
