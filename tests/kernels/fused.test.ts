import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { installKernels, uninstallKernels } from '../../runtime/tfjs/kernels/index.ts';
import { Rng } from '../../runtime/rng.ts';
import { randomTensor, useWasm, kernelEnv } from './reference.ts';

await useWasm();

type Activation = 'linear' | 'relu' | 'relu6' | 'leakyrelu' | 'elu' | 'sigmoid' | 'prelu';

interface Case {
  readonly batch: number;
  readonly activation: Activation;
  readonly bias: boolean;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

function operands(c: Case): tf.Tensor[] {
  const rng = Rng.fromSeed(5);
  return [
    randomTensor(rng, c.transposeA ? [c.batch, 37, 19] : [c.batch, 19, 37]),
    randomTensor(rng, c.transposeB ? [c.batch, 23, 37] : [c.batch, 37, 23]),
    tf.tidy(() => tf.mul(randomTensor(rng, [23]), 4)), // large enough to move values across relu6's bounds
    randomTensor(rng, [23]), // prelu weights
  ];
}

/** tf.fused.matMul, with our kernels or the stock ones. */
async function fused(c: Case, kernels: boolean): Promise<Float32Array> {
  if (kernels) await installKernels({ route: 'always', env: kernelEnv() });
  try {
    const [a, b, bias, alpha] = operands(c);
    const out = tf.fused.matMul({
      a: a!, b: b!, transposeA: c.transposeA, transposeB: c.transposeB,
      bias: c.bias ? bias : undefined, activation: c.activation, leakyreluAlpha: 0.3,
      preluActivationWeights: c.activation === 'prelu' ? alpha : undefined,
    });
    const values = out.dataSync() as Float32Array;
    tf.dispose([a!, b!, bias!, alpha!, out]);
    return values;
  } finally {
    uninstallKernels();
  }
}

/** The same computation as separate stock ops: matMul, add, activation. */
function composed(c: Case): Float32Array {
  return tf.tidy(() => {
    const [a, b, bias, alpha] = operands(c);
    let x = tf.matMul(a!, b!, c.transposeA, c.transposeB);
    if (c.bias) x = tf.add(x, bias!);
    const activated = { linear: x, relu: tf.relu(x), relu6: tf.relu6(x), leakyrelu: tf.leakyRelu(x, 0.3), elu: tf.elu(x), sigmoid: tf.sigmoid(x), prelu: tf.prelu(x, alpha!) }[c.activation];
    return activated.dataSync() as Float32Array;
  });
}

function worstRelative(expected: Float32Array, actual: Float32Array): number {
  assert.equal(actual.length, expected.length);
  return expected.reduce((m, x, i) => Math.max(m, Math.abs(x - (actual[i] ?? NaN)) / (1 + Math.abs(x))), 0);
}

const flags = [[false, false], [true, false], [false, true], [true, true]] as const;

for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu'] as const) {
  test(`fused matMul with bias and ${activation} equals matMul, add and ${activation} as separate ops, batched, any transpose`, async () => {
    for (const [transposeA, transposeB] of flags) {
      const c: Case = { batch: 3, activation, bias: true, transposeA, transposeB };
      const worst = worstRelative(composed(c), await fused(c, true));
      assert.ok(worst <= 1e-5, `transposeA=${transposeA} transposeB=${transposeB}: relative difference ${worst}`);
    }
  });
}

test('fused matMul without bias equals matMul and relu', async () => {
  const c: Case = { batch: 2, activation: 'relu', bias: false, transposeA: false, transposeB: true };
  assert.ok(worstRelative(composed(c), await fused(c, true)) <= 1e-5);
});

for (const activation of ['elu', 'sigmoid', 'prelu'] as const) {
  test(`fused matMul with ${activation} (applied after the kernel) equals the separate ops, batched, any transpose`, async () => {
    for (const [transposeA, transposeB] of flags) {
      const c: Case = { batch: 2, activation, bias: true, transposeA, transposeB };
      const worst = worstRelative(composed(c), await fused(c, true));
      assert.ok(worst <= 1e-5, `transposeA=${transposeA} transposeB=${transposeB}: relative difference ${worst}`);
    }
  });
}

test('on a batch of one without transposes, where the stock fused kernel is right, ours equals it', async () => {
  // Stock tfjs-wasm 4.22 _FusedMatMul is wrong for any transpose flag or a batch above one;
  // this test pins that finding so a fixed tfjs would show up here.
  const c: Case = { batch: 1, activation: 'relu6', bias: true, transposeA: false, transposeB: false };
  assert.ok(worstRelative(await fused(c, false), await fused(c, true)) <= 1e-5);
  const transposed: Case = { ...c, transposeA: true };
  assert.ok(worstRelative(composed(transposed), await fused(transposed, false)) > 1e-2, 'stock fused matMul now honours transposeA');
});

test('fused matMul leaves no tensor behind, including the intermediate of a following activation', async () => {
  const c: Case = { batch: 2, activation: 'elu', bias: true, transposeA: false, transposeB: false };
  await fused(c, true);
  const before = tf.memory().numTensors;
  const bytes = tf.memory().numBytes;
  await fused(c, true);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.memory().numBytes, bytes);
});
