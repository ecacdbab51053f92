import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { buildGraph } from '../../compiler/build/mae.ts';
import { loadSafetensors, toFloat32 } from '../../runtime/io/index.ts';
import type { AdamWNext } from '../../runtime/tfjs/ops/adamw.ts';
import { STOCK_OPS, WEBGPU_KERNEL_OPS, type OpImpls } from '../../runtime/tfjs/ops/impls.ts';
import { lower } from '../../runtime/tfjs/program.ts';
import { AdamW } from '../../runtime/train/adamw.ts';
import { parityFixtures } from './fixtures.ts';
import { Rng } from '../../runtime/rng.ts';
import { describeTarget, openTarget, type Target } from '../../runtime/tfjs/target.ts';
import { webgpuKernelNames } from '../../runtime/tfjs/webgpu-kernels/names.ts';
import { countDispatches } from '../../runtime/tfjs/webgpu.ts';
import { relativeError } from './reference/cases.ts';
import { gpuKernelsOnly, webgpuSkip } from './webgpu-env.ts';

/**
 * maec's WebGPU kernels (runtime/tfjs/webgpu-kernels) against the stock tfjs formulation of the
 * same op (STOCK_OPS) on the same webgpu backend: values and the gradient of every input for a
 * random upstream gradient, on shapes that are not multiples of the kernels' tiles (attention
 * tiles 64 query rows and 16 or fewer key rows; LayerNorm reduces with 64 threads). Every op
 * runs a shader (no CPU forwarding). Skips with the reason only without a WebGPU adapter.
 */
const skip = await webgpuSkip();
// float32 against float32 with a different summation order; the worst measured is printed.
const TOLERANCE = 1e-5;

const open = (kernels: boolean): Promise<Target> => {
  gpuKernelsOnly(true);
  return openTarget('webgpu', { kernels });
};

function normal(rng: Rng, shape: readonly number[], scale = 1): tf.Tensor {
  const out = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal());
  return tf.tensor(out, [...shape]);
}

/** Value and gradients of sum(f(xs) * dy) for every x, read back. */
async function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): Promise<Float32Array[]> {
  const value = tf.tidy(() => f(...xs));
  const grads = tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(f(...ins), dy)))(xs);
  const out = await Promise.all([value, ...grads].map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([value, ...grads]);
  return out;
}

/** The kernel op against the stock op: value and every gradient within TOLERANCE; returns the worst. */
async function compare(label: string, pick: (ops: OpImpls) => (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], outShape: readonly number[], rng: Rng): Promise<number> {
  const dy = normal(rng, outShape);
  const before = tf.memory().numTensors;
  const want = await valueAndGrads(pick(STOCK_OPS), xs, dy);
  const counter = countDispatches();
  const got = await valueAndGrads(pick(WEBGPU_KERNEL_OPS), xs, dy);
  counter.stop();
  assert.equal(tf.memory().numTensors, before, `${label}: no tensor leaks`);
  tf.dispose(dy);
  let worst = 0;
  const names = ['value', ...xs.map((_, i) => `grad ${i}`)];
  for (let i = 0; i < want.length; i++) {
    const err = relativeError(got[i]!, want[i]!);
    assert.ok(Number.isFinite(err) && err <= TOLERANCE, `${label} ${names[i]}: relative error ${err.toExponential(2)} (tolerance ${TOLERANCE})`);
    worst = Math.max(worst, err);
  }
  return worst;
}

test('webgpu targets install maec kernels by default and keep stock shaders with kernels: false', { skip }, async (t) => {
  const on = await open(true);
  t.diagnostic(describeTarget(on));
  assert.equal(on.ops.name, 'maec-webgpu');
  assert.deepEqual([...on.installed].sort(), Object.values(webgpuKernelNames).sort());
  assert.match(describeTarget(on), /maec WebGPU kernels \(MaecWgpuGelu, /);
  for (const k of on.installed) assert.ok(tf.getKernel(k, 'webgpu'), `${k} registered for webgpu`);
  const off = await open(false);
  assert.equal(off.ops.name, 'stock');
  assert.deepEqual(off.installed, []);
  assert.match(describeTarget(off), /stock WebGPU shaders \(maec kernels switched off\)/);
  const saved = process.env['MAEC_KERNELS'];
  process.env['MAEC_KERNELS'] = 'off';
  try {
    const env = await open(true);
    assert.equal(env.ops.name, 'stock');
    assert.match(describeTarget(env), /stock WebGPU shaders \(maec kernels off: MAEC_KERNELS=off\)/);
  } finally {
    if (saved === undefined) delete process.env['MAEC_KERNELS'];
    else process.env['MAEC_KERNELS'] = saved;
  }
});

test('GELU kernel (erf form) and its gradient match the stock ops', { skip }, async (t) => {
  await open(true);
  const rng = Rng.fromSeed(1);
  for (const shape of [[7, 33], [3, 17, 50], [1000]]) {
    const x = normal(rng, shape, 3);
    const worst = await compare(`gelu ${shape}`, (ops) => (a) => ops.gelu(a!), [x], shape, rng);
    t.diagnostic(`gelu [${shape}]: worst relative error ${worst.toExponential(2)}`);
    tf.dispose(x);
  }
  // The far tails: exact zeros below, the identity above, no NaN.
  const x = tf.tensor([-40, -12, -6, 0, 6, 12, 40]);
  const y = await tf.engine().runKernel(webgpuKernelNames.gelu, { x }) as tf.Tensor;
  const v = Array.from(await y.data());
  assert.deepEqual(v.map((a) => Number.isFinite(a)), v.map(() => true));
  assert.equal(v[0], -0);
  assert.equal(v[6], 40);
  tf.dispose([x, y]);
});

test('LayerNorm kernels (forward, dx, dgamma, dbeta) match the stock ops', { skip }, async (t) => {
  await open(true);
  const rng = Rng.fromSeed(2);
  for (const [shape, eps] of [
    [[5, 17, 48], 1e-6],
    [[2, 65, 64], 1e-5],
    [[130, 192], 1e-6],
    [[3, 7], 1e-5],
    [[2, 3, 200], 1e-6],
    // More rows than workgroups per dimension (65535): tfjs folds the dispatch into y.
    [[66000, 4], 1e-5],
  ] as const) {
    const d = shape[shape.length - 1]!;
    const x = tf.add(normal(rng, shape, 2), 0.5);
    const gamma = tf.add(normal(rng, [d], 0.3), 1);
    const beta = normal(rng, [d], 0.3);
    const worst = await compare(`layerNorm ${shape}`, (ops) => (a, g, b) => ops.layerNorm(a!, g!, b!, eps), [x, gamma, beta], shape, rng);
    t.diagnostic(`layerNorm [${shape}] eps ${eps}: worst relative error ${worst.toExponential(2)}`);
    tf.dispose([x, gamma, beta]);
  }
});

test('attention kernels (FlashAttention-style forward; dQ, dK, dV) match the stock ops', { skip }, async (t) => {
  await open(true);
  const rng = Rng.fromSeed(3);
  // [n, seq, heads, head dim]: seq lengths around the 64-row query block and the key tiles.
  for (const [n, seq, heads, hd] of [
    [2, 17, 3, 64],
    [2, 50, 2, 32],
    [1, 65, 4, 16],
    [2, 65, 4, 32],
    [1, 1, 2, 16],
    [1, 130, 1, 64],
  ] as const) {
    const t0 = performance.now();
    const shape = [n, seq, 3 * heads * hd];
    const qkv = normal(rng, shape, 1.5);
    const worst = await compare(`attention n ${n} seq ${seq} heads ${heads} hd ${hd}`, (ops) => (a) => ops.attention(a!, heads), [qkv], [n, seq, heads * hd], rng);
    t.diagnostic(`attention n ${n}, seq ${seq}, heads ${heads}, head dim ${hd}: worst relative error ${worst.toExponential(2)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    tf.dispose(qkv);
  }
});

test('token gather and its scatter gradient match the stock ops (shuffle and unshuffle)', { skip }, async (t) => {
  const target = await open(true);
  const rng = Rng.fromSeed(4);
  for (const [n, l, k, d] of [
    [3, 17, 4, 24],
    [2, 64, 64, 32],
    [4, 49, 12, 64],
  ] as const) {
    const ids: number[] = [];
    for (let s = 0; s < n; s++) {
      ids.push(...rng.permutation(l).slice(0, k));
    }
    const idsT = tf.tensor(ids, [n, k], 'int32');
    const x = normal(rng, [n, l, d]);
    const worst = await compare(`gather n ${n} L ${l} K ${k} D ${d}`, (ops) => (a) => ops.gatherTokens(target.policy, a!, idsT), [x], [n, k, d], rng);
    // A gather and a scatter move values: exact.
    assert.equal(worst, 0, `gather n ${n} L ${l} K ${k}: exact`);
    t.diagnostic(`gather n ${n}, L ${l}, K ${k}, D ${d}: worst relative error ${worst}`);
    tf.dispose([x, idsT]);
  }
});

test('linear (bias gradient as one column sum) and bias+GELU after a linear layer match the stock ops', { skip }, async (t) => {
  const target = await open(true);
  const rng = Rng.fromSeed(6);
  for (const [rows, inF, outF] of [
    [17, 48, 192],
    [130, 64, 33],
    [3, 5, 7],
  ] as const) {
    const x = normal(rng, [rows, inF]);
    const w = normal(rng, [outF, inF], 0.2);
    const b = normal(rng, [outF], 0.5);
    const lin = await compare(`linear ${rows}x${inF}->${outF}`, (ops) => (a, c, d) => ops.linear(target.policy, a!, c!, d!), [x, w, b], [rows, outF], rng);
    const fused = await compare(
      `linear+gelu ${rows}x${inF}->${outF}`,
      (ops) => (a, c, d) => (ops.linearGelu ? ops.linearGelu(target.policy, a!, c!, d!) : ops.gelu(ops.linear(target.policy, a!, c!, d!))),
      [x, w, b],
      [rows, outF],
      rng,
    );
    t.diagnostic(`[${rows}, ${inF}] -> ${outF}: linear worst relative error ${lin.toExponential(2)}; bias+GELU ${fused.toExponential(2)}`);
    tf.dispose([x, w, b]);
  }
  assert.equal(STOCK_OPS.linearGelu, undefined, 'stock lowering keeps linear and gelu apart');
  assert.ok(WEBGPU_KERNEL_OPS.linearGelu, 'the webgpu kernels fuse them');
});

test('AdamW kernels (moments and parameter, with and without weight decay) match the stock ops over several steps', { skip }, async (t) => {
  await open(true);
  const rng = Rng.fromSeed(5);
  for (const [shape, weightDecay] of [
    [[37, 5], 0.05],
    [[300], 0],
  ] as const) {
    const p = normal(rng, shape);
    const state = { stock: { p: tf.clone(p), m: tf.zerosLike(p), v: tf.zerosLike(p) }, kernel: { p: tf.clone(p), m: tf.zerosLike(p), v: tf.zerosLike(p) } };
    let worst = 0;
    for (let step = 1; step <= 3; step++) {
      const g = normal(rng, shape, 0.1);
      const s = { lr: 1e-3 * step, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay, c1: 1 - 0.9 ** step, c2: 1 - 0.95 ** step };
      for (const [key, update] of [['stock', STOCK_OPS.adamw], ['kernel', WEBGPU_KERNEL_OPS.adamw]] as const) {
        const cur = state[key];
        const counter = countDispatches();
        const next = tf.tidy(() => ({ ...update(cur.p, cur.m, cur.v, g, s) })) as unknown as AdamWNext;
        await next.p.data();
        counter.stop();
        if (key === 'kernel') assert.equal(counter.read().dispatches, 3, 'the kernel update is three dispatches');
        tf.dispose([cur.p, cur.m, cur.v]);
        state[key] = { p: next.p, m: next.m, v: next.v };
      }
      tf.dispose(g);
      for (const k of ['p', 'm', 'v'] as const) {
        const err = relativeError(await state.kernel[k].data(), await state.stock[k].data());
        assert.ok(err <= TOLERANCE, `AdamW ${shape} step ${step} ${k}: relative error ${err.toExponential(2)}`);
        worst = Math.max(worst, err);
      }
    }
    t.diagnostic(`AdamW [${shape}] weight decay ${weightDecay}: worst relative error over 3 steps ${worst.toExponential(2)}`);
    tf.dispose([p, ...Object.values(state.stock), ...Object.values(state.kernel)]);
  }
});

test("a training step (forward, backward, AdamW) on the first parity fixture: maec's kernels dispatch far fewer shaders than stock", { skip }, async (t) => {
  await open(false);
  const fx = parityFixtures()[0];
  assert.ok(fx, 'a parity fixture');
  const weights = await loadSafetensors(join(fx.dir, 'weights.safetensors'));
  const inputs = await loadSafetensors(join(fx.dir, 'inputs.safetensors'));
  const graph = buildGraph(fx.spec, 'pretrain');
  const asTensor = (name: string, file = weights) => {
    const w = file.tensors.get(name)!;
    return tf.tensor(toFloat32(w), [...w.shape]);
  };
  const imgs = asTensor('imgs', inputs);
  const noise = asTensor('noise', inputs);
  const counts: Record<string, { dispatches: number; submits: number; loss: number }> = {};
  for (const kernels of [false, true]) {
    const target = await open(kernels);
    const params = new Map(graph.params.map((p) => [p.name, p.trainable ? tf.variable(asTensor(p.name)) : asTensor(p.name)]));
    const optimizer = new AdamW(graph.params.filter((p) => p.trainable).map((p) => ({ name: p.name, variable: params.get(p.name) as tf.Variable, decay: p.decay })), undefined, target.ops.adamw);
    const program = lower(graph, target);
    const counter = countDispatches();
    const { loss, grads } = program.lossAndGrads(params, { imgs, noise });
    optimizer.apply(grads, 1e-3);
    const value = (await loss.data())[0]!;
    await [...params.values()][0]!.data(); // the updates have run
    counter.stop();
    counts[kernels ? 'maec' : 'stock'] = { ...counter.read(), loss: value };
    tf.dispose([loss, ...grads.values()]);
    optimizer.dispose();
    tf.dispose([...params.values()]);
  }
  tf.dispose([imgs, noise]);
  const { stock, maec } = counts as { stock: { dispatches: number; submits: number; loss: number }; maec: { dispatches: number; submits: number; loss: number } };
  t.diagnostic(`${fx.name}, every op on the GPU: stock ${stock.dispatches} dispatches, ${stock.submits} submits; maec kernels ${maec.dispatches} dispatches, ${maec.submits} submits (${(stock.dispatches / maec.dispatches).toFixed(2)}x fewer)`);
  assert.ok(Math.abs(stock.loss - maec.loss) <= TOLERANCE * Math.abs(stock.loss), `the same loss: ${stock.loss} and ${maec.loss}`);
  assert.ok(maec.dispatches * 3 <= stock.dispatches, `at least 3x fewer dispatches: ${maec.dispatches} against ${stock.dispatches}`);
});
