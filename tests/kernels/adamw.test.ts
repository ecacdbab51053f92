import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { adamwKernelInstalled, adamwUpdate, installKernels, uninstallKernels } from '../../runtime/tfjs/kernels/index.ts';
import { AdamW, MAE_ADAMW } from '../../runtime/train/adamw.ts';
import { Rng } from '../../runtime/rng.ts';
import { countKernels } from '../../bench/op-count.ts';
import { kernelEnv, randomTensor, useWasm } from './reference.ts';

await useWasm();

const SHAPES = [[7, 5], [128], [1], [3, 3, 4, 4], [130]];

/** Parameters (decayed when rank > 1, as maec's weights are) and three steps' gradients. */
function problem(seed: number) {
  const rng = Rng.fromSeed(seed);
  const init = SHAPES.map((s) => randomTensor(rng, s));
  const grads = [0, 1, 2].map(() => SHAPES.map((s) => tf.mul(randomTensor(rng, s), 0.1 + rng.normal() ** 2)));
  return { init, grads };
}

test('the AdamW kernel updates parameters and moments bit for bit as runtime/train/adamw.ts does', async (t) => {
  await installKernels({ env: kernelEnv() });
  try {
    assert.equal(adamwKernelInstalled(), true);
    const { init, grads } = problem(4);
    const lrs = [1e-3, 5e-4, 2.5e-4];
    // reference: the tfjs-op optimizer
    const refVars = init.map((x, i) => tf.variable(x.clone(), true, `ref${i}`));
    const reference = new AdamW(refVars.map((variable, i) => ({ name: `p${i}`, variable, decay: SHAPES[i]!.length > 1 })));
    for (const [k, g] of grads.entries()) reference.apply(new Map(g.map((t, i) => [`p${i}`, t])), lrs[k]!);
    // the kernel, from the same start
    const vars = init.map((x, i) => tf.variable(x.clone(), true, `ker${i}`));
    const ms = init.map((x) => tf.variable(tf.zerosLike(x)));
    const vs = init.map((x) => tf.variable(tf.zerosLike(x)));
    for (const [k, g] of grads.entries()) {
      for (const [i, param] of vars.entries()) {
        adamwUpdate({ param, grad: g[i]!, m: ms[i]!, v: vs[i]! }, { ...MAE_ADAMW, lr: lrs[k]!, step: k + 1, decay: SHAPES[i]!.length > 1 });
      }
    }
    const state = reference.state();
    for (const [i, param] of vars.entries()) {
      assert.deepEqual(param.dataSync(), refVars[i]!.dataSync(), `p${i} [${SHAPES[i]}]`);
      assert.deepEqual(ms[i]!.dataSync(), state.get(`m.p${i}`)!.dataSync(), `m of p${i}`);
      assert.deepEqual(vs[i]!.dataSync(), state.get(`v.p${i}`)!.dataSync(), `v of p${i}`);
    }
    const moved = vars.reduce((n, p, i) => n + tf.sum(tf.abs(tf.sub(p, init[i]!))).dataSync()[0]!, 0);
    t.diagnostic(`sum |p - p0| after 3 steps: ${moved.toExponential(3)}`);
    assert.ok(moved > 0);
    reference.dispose();
    tf.dispose([...init, ...grads.flat(), ...refVars, ...vars, ...ms, ...vs]);
  } finally {
    uninstallKernels();
  }
});

test('an AdamW update is one kernel call per parameter, where the tfjs-op optimizer runs at least 14', async (t) => {
  await installKernels({ env: kernelEnv() });
  try {
    const { init, grads } = problem(8);
    const vars = init.map((x) => tf.variable(x.clone()));
    const ms = init.map((x) => tf.variable(tf.zerosLike(x)));
    const vs = init.map((x) => tf.variable(tf.zerosLike(x)));
    const kernel = countKernels(() => vars.forEach((param, i) => adamwUpdate({ param, grad: grads[0]![i]!, m: ms[i]!, v: vs[i]! }, { ...MAE_ADAMW, lr: 1e-3, step: 1, decay: true })));
    const optimizer = new AdamW(vars.map((variable, i) => ({ name: `p${i}`, variable, decay: true })));
    const ops = countKernels(() => optimizer.apply(new Map(grads[0]!.map((g, i) => [`p${i}`, g])), 1e-3));
    t.diagnostic(`${SHAPES.length} parameters: kernel ${kernel.total} calls, tfjs ops ${ops.total}`);
    assert.equal(kernel.total, SHAPES.length);
    assert.ok(ops.total >= 14 * SHAPES.length, `tfjs ops ${ops.total}`);
    optimizer.dispose();
    tf.dispose([...init, ...grads.flat(), ...vars, ...ms, ...vs]);
  } finally {
    uninstallKernels();
  }
});

test('the AdamW kernel refuses a moment whose shape differs from the parameter, naming it', async () => {
  await installKernels({ env: kernelEnv() });
  try {
    const p = tf.variable(tf.ones([4, 3]));
    const m = tf.variable(tf.zeros([12]));
    const v = tf.variable(tf.zeros([4, 3]));
    assert.throws(() => adamwUpdate({ param: p, grad: tf.ones([4, 3]), m, v }, { ...MAE_ADAMW, lr: 1e-3, step: 1, decay: false }), /MaecAdamW: m must be float32 \[4, 3\] like the parameter, got float32 \[12\]/);
    tf.dispose([p, m, v]);
  } finally {
    uninstallKernels();
  }
});
