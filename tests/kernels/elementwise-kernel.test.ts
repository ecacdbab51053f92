import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelNames, installedKernels, installKernels, uninstallKernels } from '../../runtime/tfjs/kernels/index.ts';
import { STOCK_OPS, WASM_KERNEL_OPS, type OpImpls } from '../../runtime/tfjs/ops/impls.ts';
import { registerGradients } from '../../runtime/tfjs/gradients.ts';
import { Rng } from '../../runtime/rng.ts';
import { randomTensor, useWasm, kernelEnv } from './reference.ts';

registerGradients();
await useWasm();

/** erfc in float64 to ~1e-15 relative: the series of erf below 3, a continued fraction above. */
function erfc(z: number): number {
  if (z < 0) return 2 - erfc(-z);
  if (z < 3) {
    let term = z, sum = z;
    for (let n = 1; Math.abs(term) > 1e-17 * sum; n++) {
      term *= (2 * z * z) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
  }
  // erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated backwards.
  let f = z;
  for (let k = 60; k >= 1; k--) f = z + k / 2 / f;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}
const cdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);
const pdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** Random normal values at several scales, and the edge values: 0, tiny, huge, tails. */
function geluInputs(rng: Rng): Float32Array {
  const edges = [0, -0, 1e-30, -1e-30, 1e-4, -1e-4, 1, -1, 5, -5, 8, -8, 13, -13, 13.5, -13.5, 20, -20, 100, -100, 1e4, -1e4];
  const values = [...edges];
  for (const scale of [0.1, 1, 3, 6, 30]) for (let i = 0; i < 200; i++) values.push(scale * rng.normal());
  values.push(1, 2, 3); // 225 + 3: a length that is not a multiple of 4
  return Float32Array.from(values);
}

function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs);
  return Array.isArray(out) ? out : [out as tf.Tensor];
}

/**
 * Largest error of float32 `got` against float64 `want`, relative where |want| is above
 * `floor` and absolute below it.
 */
function worstError(got: Float32Array, want: ArrayLike<number>, floor: number): number {
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const w = want[i]!;
    worst = Math.max(worst, Math.abs(got[i]! - w) / Math.max(Math.abs(w), floor));
  }
  return worst;
}

async function withKernels<T>(f: () => T): Promise<T> {
  await installKernels({ env: kernelEnv(), route: 'always' });
  try {
    return f();
  } finally {
    uninstallKernels();
  }
}

test('the GELU kernel matches x Phi(x) in float64 to 1e-6 relative (1e-30 absolute in the far tail), NaN-free up to |x| = 1e4', async () => {
  const xs = geluInputs(Rng.fromSeed(1));
  const got = await withKernels(() => runKernel(fusedKernelNames.gelu, { x: tf.tensor(xs) })[0]!.dataSync() as Float32Array);
  assert.ok(got.every((v) => !Number.isNaN(v)), 'no NaN');
  const want = Array.from(xs, (x) => x * cdf(x));
  const err = worstError(got, want, 1e-30);
  assert.ok(err < 1e-6, `relative error ${err.toExponential(2)}`);
});

test('the GELU gradient kernel matches dy (Phi(x) + x phi(x)) in float64 to 1e-6 of |dy| (Phi(x) + |x| phi(x)), NaN-free up to |x| = 1e4', async () => {
  const rng = Rng.fromSeed(2);
  const xs = geluInputs(rng);
  const dys = Float32Array.from(xs, () => rng.normal());
  const got = await withKernels(() => runKernel(fusedKernelNames.geluGrad, { x: tf.tensor(xs), dy: tf.tensor(dys) })[0]!.dataSync() as Float32Array);
  assert.ok(got.every((v) => !Number.isNaN(v)), 'no NaN');
  const want = Array.from(xs, (x, i) => dys[i]! * (cdf(x) + x * pdf(x)));
  // Phi(x) + x phi(x) crosses zero at x = -0.75: relative to the size of its two terms there
  let err = 0;
  xs.forEach((x, i) => {
    const scale = Math.max(Math.abs(dys[i]!) * (cdf(x) + Math.abs(x) * pdf(x)), 1e-30);
    err = Math.max(err, Math.abs(got[i]! - want[i]!) / scale);
  });
  assert.ok(err < 1e-6, `relative error ${err.toExponential(2)}`);
});

test('the softmax gradient kernel matches scale * p * (dp - rowsum(dp p)) in float64 for every row length 1 to 9, 17 and 65', async () => {
  const rng = Rng.fromSeed(3);
  for (const cols of [1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 65]) {
    const rows = 7;
    const p = tf.tidy(() => tf.softmax(randomTensor(rng, [rows, cols])));
    const dp = randomTensor(rng, [rows, cols]);
    const got = await withKernels(() => runKernel(fusedKernelNames.softmaxGrad, { p, dp }, { scale: 0.125 })[0]!.dataSync() as Float32Array);
    const pv = p.dataSync(), dv = dp.dataSync();
    const want = new Float64Array(rows * cols);
    let scale = 0;
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += pv[r * cols + j]! * dv[r * cols + j]!;
      for (let j = 0; j < cols; j++) {
        const i = r * cols + j;
        want[i] = 0.125 * pv[i]! * (dv[i]! - dot);
        scale = Math.max(scale, 0.125 * pv[i]! * (Math.abs(dv[i]!) + Math.abs(dot)));
      }
    }
    // cancellation in dp - dot: the error is relative to the size of the terms, not the result
    const err = worstError(got, want, scale);
    assert.ok(err < 1e-6, `cols ${cols}: error ${err.toExponential(2)}`);
    tf.dispose([p, dp]);
  }
});

/** LayerNorm and its gradient in float64, rows x cols. */
function referenceLayerNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, dy: Float32Array, cols: number, eps: number) {
  const rows = x.length / cols;
  const y = new Float64Array(x.length), dx = new Float64Array(x.length);
  const dgamma = new Float64Array(cols), dbeta = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
    const mean = row.reduce((s, v) => s + v, 0) / cols;
    const rstd = 1 / Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / cols + eps);
    const xhat = row.map((v) => (v - mean) * rstd);
    const g = xhat.map((_, j) => dy[r * cols + j]! * gamma[j]!);
    const meanG = g.reduce((s, v) => s + v, 0) / cols;
    const meanGx = g.reduce((s, v, j) => s + v * xhat[j]!, 0) / cols;
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      y[i] = xhat[j]! * gamma[j]! + beta[j]!;
      dx[i] = rstd * (g[j]! - meanG - xhat[j]! * meanGx);
      dgamma[j] = dgamma[j]! + dy[i]! * xhat[j]!;
      dbeta[j] = dbeta[j]! + dy[i]!;
    }
  }
  return { y, dx, dgamma, dbeta };
}

const maxAbs = (v: ArrayLike<number>): number => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

test('the LayerNorm kernels match float64 LayerNorm and its gradient for row lengths 1 to 9, 128 and 192', async () => {
  const rng = Rng.fromSeed(4);
  for (const cols of [1, 2, 3, 4, 5, 7, 8, 9, 128, 192]) {
    const rows = 13;
    // an offset mean and a spread: the variance must not be computed as E[x^2] - E[x]^2
    const x = tf.tidy(() => tf.add(tf.mul(randomTensor(rng, [rows, cols]), 3), 50));
    const gamma = randomTensor(rng, [cols]), beta = randomTensor(rng, [cols]), dy = randomTensor(rng, [rows, cols]);
    const eps = 1e-5;
    const [y, xhat, rstd, dx, dgamma, dbeta] = await withKernels(() => {
      const [y, xhat, rstd] = runKernel(fusedKernelNames.layerNorm, { x, gamma, beta }, { eps });
      const grads = runKernel(fusedKernelNames.layerNormGrad, { dy, xhat: xhat!, rstd: rstd!, gamma });
      return [y!, xhat!, rstd!, ...grads].map((t) => t.dataSync() as Float32Array);
    });
    assert.equal(rstd!.length, rows);
    assert.equal(xhat!.length, rows * cols);
    const want = referenceLayerNorm(x.dataSync() as Float32Array, gamma.dataSync() as Float32Array, beta.dataSync() as Float32Array, dy.dataSync() as Float32Array, cols, eps);
    for (const [name, got, ref] of [['y', y, want.y], ['dx', dx, want.dx], ['dgamma', dgamma, want.dgamma], ['dbeta', dbeta, want.dbeta]] as const) {
      // float32 input x ~ 50 +- 3 loses ~1e-6 of the deviation to rounding; errors relative to the tensor's scale
      const err = worstError(got!, ref, Math.max(maxAbs(ref), 1e-6));
      assert.ok(err < 2e-5, `cols ${cols} ${name}: error ${err.toExponential(2)}`);
    }
    tf.dispose([x, gamma, beta, dy]);
  }
});

test('Sum over leading axes matches float64 sums, with and without keepDims; other axes give the stock result', async () => {
  const rng = Rng.fromSeed(5);
  const x = randomTensor(rng, [6, 5, 7]);
  const xv = x.dataSync();
  const cases: { axis: number[]; keepDims: boolean; shape: number[] }[] = [
    { axis: [0], keepDims: false, shape: [5, 7] },
    { axis: [0, 1], keepDims: false, shape: [7] },
    { axis: [1, 0], keepDims: true, shape: [1, 1, 7] },
  ];
  for (const { axis, keepDims, shape } of cases) {
    const got = await withKernels(() => tf.sum(x, axis, keepDims));
    assert.deepEqual(got.shape, shape);
    const cols = shape.reduce((p, d) => p * d, 1);
    const want = new Float64Array(cols);
    for (let i = 0; i < xv.length; i++) want[i % cols] = want[i % cols]! + xv[i]!;
    const err = worstError(got.dataSync() as Float32Array, want, 1);
    assert.ok(err < 1e-6, `axis ${axis}: error ${err.toExponential(2)}`);
    got.dispose();
  }
  for (const axis of [[1], [2], [0, 2], [0, 1, 2]]) {
    const stock = tf.sum(x, axis);
    const ours = await withKernels(() => tf.sum(x, axis));
    assert.deepEqual(ours.dataSync(), stock.dataSync(), `axis ${axis}`);
    tf.dispose([stock, ours]);
  }
  x.dispose();
});

test('Identity shares its input data instead of copying, and disposing either leaves the other intact', async () => {
  const x = tf.tensor([1, 2, 3]);
  const before = tf.memory().numDataBuffers;
  const y = await withKernels(() => tf.engine().runKernel('Identity', { x }) as tf.Tensor);
  assert.equal(tf.memory().numDataBuffers, before, 'no new data buffer');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  y.dispose();
});

/** Values of f with maec's fused kernels and with the stock ops, in that order. */
async function onAndOff(f: (ops: OpImpls) => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const read = (ts: tf.Tensor[]): Float32Array[] => {
    const values = ts.map((t) => t.dataSync() as Float32Array);
    tf.dispose(ts);
    return values;
  };
  const on = await withKernels(() => {
    assert.ok(installedKernels().includes(fusedKernelNames.gelu), 'the fused kernels are registered');
    return read(f(WASM_KERNEL_OPS));
  });
  assert.ok(!installedKernels().includes(fusedKernelNames.gelu));
  return [on, read(f(STOCK_OPS))];
}

function assertClose(on: Float32Array[], off: Float32Array[], tolerance: number, what: string): void {
  on.forEach((values, i) => {
    const err = worstError(values, off[i]!, maxAbs(off[i]!));
    assert.ok(err < tolerance, `${what} output ${i}: error ${err.toExponential(2)} relative to the tensor's scale`);
  });
}

test('gelu and its gradient give the same values with the kernels on and off', async () => {
  const x = tf.tidy(() => tf.mul(randomTensor(Rng.fromSeed(6), [3, 17, 40]), 3));
  const [on, off] = await onAndOff((ops) => [ops.gelu(x), tf.grad(ops.gelu)(x)]);
  assertClose(on, off, 1e-6, 'gelu');
  x.dispose();
});

test('layerNorm and its gradients give the same values with the kernels on and off', async () => {
  const rng = Rng.fromSeed(7);
  const x = randomTensor(rng, [2, 9, 24]), gamma = randomTensor(rng, [24]), beta = randomTensor(rng, [24]), w = randomTensor(rng, [2, 9, 24]);
  const [on, off] = await onAndOff((ops) => {
    const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(ops.layerNorm(a, g, b, 1e-6), w));
    return [ops.layerNorm(x, gamma, beta, 1e-6), ...tf.grads(loss)([x, gamma, beta])];
  });
  assertClose(on, off, 1e-5, 'layerNorm');
  tf.dispose([x, gamma, beta, w]);
});

test('attention and its gradient give the same values with the kernels on and off', async () => {
  const rng = Rng.fromSeed(8);
  const qkv = randomTensor(rng, [2, 17, 3 * 24]);
  const w = randomTensor(rng, [2, 17, 24]);
  const [on, off] = await onAndOff((ops) => {
    const loss = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul(ops.attention(x, 3), w));
    return [ops.attention(qkv, 3), tf.grad(loss)(qkv)];
  });
  assertClose(on, off, 1e-5, 'attention');
  tf.dispose([qkv, w]);
});

test('a training-shaped pass through the fused ops leaves the tensor count unchanged', async () => {
  const rng = Rng.fromSeed(9);
  const x = randomTensor(rng, [2, 5, 12]), gamma = randomTensor(rng, [12]), beta = randomTensor(rng, [12]);
  await withKernels(() => {
    const before = tf.memory().numTensors;
    const { attention, gelu, layerNorm } = WASM_KERNEL_OPS;
    const f = (a: tf.Tensor): tf.Scalar => tf.sum(attention(tf.concat([gelu(layerNorm(a, gamma, beta, 1e-6)), a, a], -1), 2));
    const { value, grad } = tf.valueAndGrad(f)(x);
    tf.dispose([value, grad]);
    assert.equal(tf.memory().numTensors, before);
  });
  tf.dispose([x, gamma, beta]);
});
