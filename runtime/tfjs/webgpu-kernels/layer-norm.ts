/**
 * LayerNorm over the last axis (biased variance, as torch.nn.LayerNorm) as WebGPU kernels: one
 * workgroup per row reduces in workgroup memory, with the same two passes as tf.moments (the
 * mean, then the mean squared deviation).
 *   forward:  y = (x - mean) * r * gamma + beta,  r = 1 / sqrt(var + eps)          one dispatch
 *   backward: stats (mean, r) per row; dx = r * (g - mean(g) - xhat * mean(g * xhat)) with
 *             g = dy * gamma; dgamma = sum_rows dy * xhat; dbeta = sum_rows dy      four dispatches
 * The tape keeps x (not xhat and r): the backward recomputes the row statistics in one pass.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { run, type ProgramSpec } from './program.ts';

const THREADS = 64;

/** WGSL that leaves `mean` and `rstd` of row `r` (of width D) in scope; needs `red` and `tid`. */
const ROW_STATS = /* wgsl */ `
  var s = 0.0;
  for (var c = tid; c < D; c += WG) { s += x[base + c]; }
  red[tid] = s;
  workgroupBarrier();
  for (var k = WG / 2; k > 0; k /= 2) {
    if (tid < k) { red[tid] += red[tid + k]; }
    workgroupBarrier();
  }
  let mean = red[0] / f32(D);
  workgroupBarrier();
  var v = 0.0;
  for (var c = tid; c < D; c += WG) { let e = x[base + c] - mean; v += e * e; }
  red[tid] = v;
  workgroupBarrier();
  for (var k = WG / 2; k > 0; k /= 2) {
    if (tid < k) { red[tid] += red[tid + k]; }
    workgroupBarrier();
  }
  let rstd = 1.0 / sqrt(red[0] / f32(D) + uniforms.eps);
`;

function perRow(name: string, inputs: readonly string[], rows: number, d: number, outputShape: readonly number[], body: string): ProgramSpec {
  return {
    key: `${name}_${rows}_${d}`,
    inputs,
    outputShape,
    workgroupSize: THREADS,
    workgroups: rows,
    uniforms: 'eps : f32,',
    code: `
const D: i32 = ${d};
const ROWS: i32 = ${rows};
const WG: i32 = ${THREADS};
var<workgroup> red: array<f32, ${THREADS}>;
var<workgroup> red2: array<f32, ${THREADS}>;
fn main(index: i32) {
  let row = maecGroup();
  let valid = row < ROWS;
  let r = min(row, ROWS - 1);
  let tid = i32(localIndex);
  let base = r * D;
  ${body}
}`,
  };
}

const shapeOf = (x: tf.TensorInfo): { rows: number; d: number } => {
  const d = x.shape[x.shape.length - 1]!;
  return { rows: x.shape.reduce((a, b) => a * b, 1) / d, d };
};

/** y = LayerNorm(x) * gamma + beta. */
export function layerNorm(backend: WebGPUBackend, x: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo, eps: number): tf.TensorInfo {
  const { rows, d } = shapeOf(x);
  const body = `${ROW_STATS}
  if (valid) {
    for (var c = tid; c < D; c += WG) { result[base + c] = (x[base + c] - mean) * rstd * gamma[c] + beta[c]; }
  }`;
  return run(backend, perRow('ln', ['x', 'gamma', 'beta'], rows, d, x.shape, body), [x, gamma, beta], 'float32', [{ type: 'float32', data: [eps] }]);
}

/** [rows, 2]: mean and 1/sigma of every row. */
export function layerNormStats(backend: WebGPUBackend, x: tf.TensorInfo, eps: number): tf.TensorInfo {
  const { rows, d } = shapeOf(x);
  const body = `${ROW_STATS}
  if (valid && tid == 0) { result[2 * r] = mean; result[2 * r + 1] = rstd; }`;
  return run(backend, perRow('ln_stats', ['x'], rows, d, [rows, 2], body), [x], 'float32', [{ type: 'float32', data: [eps] }]);
}

/** dx of LayerNorm from dy, x, the row statistics and gamma. */
export function layerNormDx(backend: WebGPUBackend, dy: tf.TensorInfo, x: tf.TensorInfo, stats: tf.TensorInfo, gamma: tf.TensorInfo): tf.TensorInfo {
  const { rows, d } = shapeOf(x);
  const body = `
  let mean = stats[2 * r];
  let rstd = stats[2 * r + 1];
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = tid; c < D; c += WG) {
    let g = dy[base + c] * gamma[c];
    sg += g;
    sgx += g * (x[base + c] - mean) * rstd;
  }
  red[tid] = sg;
  red2[tid] = sgx;
  workgroupBarrier();
  for (var k = WG / 2; k > 0; k /= 2) {
    if (tid < k) { red[tid] += red[tid + k]; red2[tid] += red2[tid + k]; }
    workgroupBarrier();
  }
  let mg = red[0] / f32(D);
  let mgx = red2[0] / f32(D);
  if (valid) {
    for (var c = tid; c < D; c += WG) {
      let xhat = (x[base + c] - mean) * rstd;
      result[base + c] = rstd * (dy[base + c] * gamma[c] - mg - xhat * mgx);
    }
  }`;
  return run(backend, perRow('ln_dx', ['dy', 'x', 'stats', 'gamma'], rows, d, x.shape, body), [dy, x, stats, gamma], 'float32', [{ type: 'float32', data: [0] }]);
}

/**
 * [D]: sum over rows of dy * xhat (withXhat: dgamma) or of dy alone (dbeta, and any column sum,
 * e.g. a linear layer's bias gradient): one workgroup per column, its threads striding over
 * rows, reduced in workgroup memory.
 */
export function layerNormParamGrad(backend: WebGPUBackend, dy: tf.TensorInfo, x: tf.TensorInfo | undefined, stats: tf.TensorInfo | undefined, withXhat: boolean): tf.TensorInfo {
  const { rows, d } = shapeOf(dy);
  if (withXhat && (!x || !stats)) throw new Error('layerNormParamGrad: dgamma needs x and the row statistics');
  const term = withXhat ? 'dy[i] * (x[i] - stats[2 * q]) * stats[2 * q + 1]' : 'dy[i]';
  const spec: ProgramSpec = {
    key: `ln_param_${withXhat ? 'gamma' : 'beta'}_${rows}_${d}`,
    inputs: withXhat ? ['dy', 'x', 'stats'] : ['dy'],
    outputShape: [d],
    workgroupSize: THREADS,
    workgroups: d,
    code: `
const D: i32 = ${d};
const ROWS: i32 = ${rows};
const WG: i32 = ${THREADS};
var<workgroup> red: array<f32, ${THREADS}>;
fn main(index: i32) {
  let col = maecGroup();
  let c = min(col, D - 1);
  let tid = i32(localIndex);
  var s = 0.0;
  for (var q = tid; q < ROWS; q += WG) { let i = q * D + c; s += ${term}; }
  red[tid] = s;
  workgroupBarrier();
  for (var k = WG / 2; k > 0; k /= 2) {
    if (tid < k) { red[tid] += red[tid + k]; }
    workgroupBarrier();
  }
  if (col < D && tid == 0) { result[c] = red[0]; }
}`,
  };
  // A binding the shader does not read is absent from its layout: bind only what it reads.
  return run(backend, spec, withXhat ? [dy, x!, stats!] : [dy], 'float32');
}
