/**
 * Multi-head self-attention straight from the packed qkv [N, T, 3D] (no split, transpose or
 * merge): q, k, v of head h are the columns h*hd .. h*hd+hd-1 of the blocks [0, D), [D, 2D) and
 * [2D, 3D); scores are (q k^T) * scale, softmax over keys.
 *
 * forward (one dispatch): one thread per query row, a workgroup per (sample, head, block of
 *   BQ query rows). Tiles of BK key/value rows are staged in workgroup memory; each tile updates
 *   a running row max m, sum l and output accumulator o (online softmax, rescaled once per
 *   tile), so the T x T scores never exist in memory. out = o / l, written as [N, T, D].
 * backward (two dispatches):
 *   stats: per query row, lse = m + log l (recomputed as in the forward pass) and
 *          delta = rowsum(dO * O);
 *   grads: P is recomputed tile by tile from lse, P_ij = exp(s_ij - lse_i), and one dispatch
 *          writes all of dqkv [N, T, 3D]: half its workgroups own query rows (dQ = scale *
 *          sum_j dS_ij k_j), half own key rows (dV = sum_i P_ij dO_i, dK = scale * sum_i dS_ij
 *          q_i), with dS = P * (dP - delta), dP_ij = dO_i . v_j.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { run, type ProgramSpec, type UniformValue } from './program.ts';

/** Rows per workgroup (threads). */
const BQ = 64;

interface Dims {
  readonly n: number;
  readonly t: number;
  readonly heads: number;
  readonly hd: number;
  readonly d: number;
  /** Rows per tile staged in workgroup memory. */
  readonly bk: number;
  readonly blocks: number;
  readonly tiles: number;
}

function dims(qkv: tf.TensorInfo, heads: number): Dims {
  const [n, t, three] = qkv.shape as [number, number, number];
  const d = three / 3;
  const hd = d / heads;
  if (!Number.isInteger(hd) || hd < 1) throw new Error(`attention kernel: qkv width ${three} is not 3 * heads (${heads}) * head dim`);
  // Two tiles of BK x hd floats (plus 2 BK) stay within WebGPU's guaranteed 16 KiB of workgroup memory.
  const bk = Math.max(1, Math.min(16, Math.floor(1984 / hd)));
  return { n, t, heads, hd, d, bk, blocks: Math.ceil(t / BQ), tiles: Math.ceil(t / bk) };
}

const constants = (m: Dims): string => `
const N: i32 = ${m.n};
const T: i32 = ${m.t};
const H: i32 = ${m.heads};
const HD: i32 = ${m.hd};
const D: i32 = ${m.d};
const BQ: i32 = ${BQ};
const BK: i32 = ${m.bk};
const BLOCKS: i32 = ${m.blocks};
const TILES: i32 = ${m.tiles};
const GROUPS: i32 = ${m.n * m.heads * m.blocks};
var<workgroup> ta: array<f32, ${m.bk * m.hd}>;
var<workgroup> tb: array<f32, ${m.bk * m.hd}>;
var<workgroup> tc: array<f32, ${2 * m.bk}>;
`;

const key = (name: string, m: Dims) => `${name}_${m.n}_${m.t}_${m.heads}_${m.hd}`;
const scaleOf = (m: Dims): UniformValue => ({ type: 'float32', data: [m.hd ** -0.5] });

/**
 * WGSL for one query row against every key: after it, `m` and `l` hold the row max of the
 * scaled scores and the sum of exp(s - m); with `withV`, `o` holds sum exp(s - m) v.
 * Expects g (group), n, h, i (query row, clamped), tid, q[] loaded.
 */
function onlineSoftmax(withV: boolean): string {
  return `
  var m = -3.0e38;
  var l = 0.0;
  for (var kb = 0; kb < TILES; kb++) {
    for (var e = tid; e < BK * HD; e += BQ) {
      let j = min(kb * BK + e / HD, T - 1);
      let src = (n * T + j) * 3 * D + h * HD + e % HD;
      ta[e] = qkv[src + D];
      ${withV ? 'tb[e] = qkv[src + 2 * D];' : ''}
    }
    workgroupBarrier();
    var s: array<f32, BK>;
    var tmax = m;
    for (var jj = 0; jj < BK; jj++) {
      if (kb * BK + jj < T) {
        var dot = 0.0;
        for (var c = 0; c < HD; c++) { dot += q[c] * ta[jj * HD + c]; }
        s[jj] = dot * uniforms.scale;
        tmax = max(tmax, s[jj]);
      }
    }
    let corr = exp(m - tmax);
    l *= corr;
    ${withV ? 'for (var c = 0; c < HD; c++) { o[c] *= corr; }' : ''}
    for (var jj = 0; jj < BK; jj++) {
      if (kb * BK + jj < T) {
        let p = exp(s[jj] - tmax);
        l += p;
        ${withV ? 'for (var c = 0; c < HD; c++) { o[c] += p * tb[jj * HD + c]; }' : ''}
      }
    }
    m = tmax;
    workgroupBarrier();
  }`;
}

const rowPrologue = `
  let g = maecGroup();
  let gc = min(g, GROUPS - 1);
  let blk = gc % BLOCKS;
  let h = (gc / BLOCKS) % H;
  let n = gc / (BLOCKS * H);
  let tid = i32(localIndex);
  let i0 = blk * BQ + tid;
  let valid = g < GROUPS && i0 < T;
  let i = min(i0, T - 1);
  var q: array<f32, HD>;
  let qsrc = (n * T + i) * 3 * D + h * HD;
  for (var c = 0; c < HD; c++) { q[c] = qkv[qsrc + c]; }
`;

/** out [N, T, D] = softmax(q k^T * scale) v per head. */
export function attention(backend: WebGPUBackend, qkv: tf.TensorInfo, heads: number): tf.TensorInfo {
  const m = dims(qkv, heads);
  const spec: ProgramSpec = {
    key: key('attn', m),
    inputs: ['qkv'],
    outputShape: [m.n, m.t, m.d],
    workgroupSize: BQ,
    workgroups: m.n * m.heads * m.blocks,
    uniforms: 'scale : f32,',
    code: `${constants(m)}
fn main(index: i32) {
  ${rowPrologue}
  var o: array<f32, HD>;
  for (var c = 0; c < HD; c++) { o[c] = 0.0; }
  ${onlineSoftmax(true)}
  if (valid) {
    let dst = (n * T + i) * D + h * HD;
    for (var c = 0; c < HD; c++) { result[dst + c] = o[c] / l; }
  }
}`,
  };
  return run(backend, spec, [qkv], 'float32', [scaleOf(m)]);
}

/** [N*H*T, 2]: lse and delta = rowsum(dO * O) of every query row, rows ordered (n, h, i). */
export function attentionStats(backend: WebGPUBackend, qkv: tf.TensorInfo, out: tf.TensorInfo, dy: tf.TensorInfo, heads: number): tf.TensorInfo {
  const m = dims(qkv, heads);
  const spec: ProgramSpec = {
    key: key('attn_stats', m),
    inputs: ['qkv', 'o', 'dy'],
    outputShape: [m.n * m.heads * m.t, 2],
    workgroupSize: BQ,
    workgroups: m.n * m.heads * m.blocks,
    uniforms: 'scale : f32,',
    code: `${constants(m)}
fn main(index: i32) {
  ${rowPrologue}
  ${onlineSoftmax(false)}
  let at = (n * T + i) * D + h * HD;
  var delta = 0.0;
  for (var c = 0; c < HD; c++) { delta += dy[at + c] * o[at + c]; }
  if (valid) {
    let row = (n * H + h) * T + i;
    result[2 * row] = m + log(l);
    result[2 * row + 1] = delta;
  }
}`,
  };
  return run(backend, spec, [qkv, out, dy], 'float32', [scaleOf(m)]);
}

/** dqkv [N, T, 3D] from qkv, the upstream gradient dy [N, T, D] and the stats above. */
export function attentionGrad(backend: WebGPUBackend, qkv: tf.TensorInfo, dy: tf.TensorInfo, stats: tf.TensorInfo, heads: number): tf.TensorInfo {
  const m = dims(qkv, heads);
  const spec: ProgramSpec = {
    key: key('attn_grad', m),
    inputs: ['qkv', 'dy', 'stats'],
    outputShape: [m.n, m.t, 3 * m.d],
    workgroupSize: BQ,
    workgroups: 2 * m.n * m.heads * m.blocks,
    uniforms: 'scale : f32,',
    code: `${constants(m)}
fn main(index: i32) {
  let g0 = maecGroup();
  // Groups [0, GROUPS) own query rows (dQ); [GROUPS, 2 GROUPS) own key rows (dK, dV).
  let keys = g0 >= GROUPS;
  let g = select(g0, g0 - GROUPS, keys);
  let gc = min(g, GROUPS - 1);
  let blk = gc % BLOCKS;
  let h = (gc / BLOCKS) % H;
  let n = gc / (BLOCKS * H);
  let tid = i32(localIndex);
  let r0 = blk * BQ + tid;
  let valid = g < GROUPS && r0 < T;
  let r = min(r0, T - 1);
  let own = (n * T + r) * 3 * D + h * HD;
  let ownDy = (n * T + r) * D + h * HD;
  // Query rows: a = q, b = dO, acc = dQ.   Key rows: a = k, b = v, acc = dK, acc2 = dV.
  var a: array<f32, HD>;
  var b: array<f32, HD>;
  var acc: array<f32, HD>;
  var acc2: array<f32, HD>;
  for (var c = 0; c < HD; c++) {
    a[c] = select(qkv[own + c], qkv[own + D + c], keys);
    b[c] = select(dy[ownDy + c], qkv[own + 2 * D + c], keys);
    acc[c] = 0.0;
    acc2[c] = 0.0;
  }
  let srow = (n * H + h) * T + r;
  let lseOwn = stats[2 * srow];
  let deltaOwn = stats[2 * srow + 1];
  for (var kb = 0; kb < TILES; kb++) {
    // Query rows stage k and v of the tile's key rows; key rows stage q, dO, lse and delta.
    for (var e = tid; e < BK * HD; e += BQ) {
      let j = min(kb * BK + e / HD, T - 1);
      let src = (n * T + j) * 3 * D + h * HD + e % HD;
      let srcDy = (n * T + j) * D + h * HD + e % HD;
      ta[e] = select(qkv[src + D], qkv[src], keys);
      tb[e] = select(qkv[src + 2 * D], dy[srcDy], keys);
    }
    for (var e = tid; e < BK; e += BQ) {
      let j = min(kb * BK + e, T - 1);
      let sj = (n * H + h) * T + j;
      tc[2 * e] = stats[2 * sj];
      tc[2 * e + 1] = stats[2 * sj + 1];
    }
    workgroupBarrier();
    for (var jj = 0; jj < BK; jj++) {
      if (kb * BK + jj < T) {
        var dot = 0.0;
        var dp = 0.0;
        for (var c = 0; c < HD; c++) {
          dot += a[c] * ta[jj * HD + c];
          dp += b[c] * tb[jj * HD + c];
        }
        let s = dot * uniforms.scale;
        if (keys) {
          // a = k_r, b = v_r; the tile holds q_j (ta), dO_j (tb), lse_j and delta_j (tc).
          let p = exp(s - tc[2 * jj]);
          let ds = p * (dp - tc[2 * jj + 1]);
          for (var c = 0; c < HD; c++) {
            acc[c] += ds * ta[jj * HD + c];
            acc2[c] += p * tb[jj * HD + c];
          }
        } else {
          // a = q_r, b = dO_r; the tile holds k_j (ta) and v_j (tb).
          let p = exp(s - lseOwn);
          let ds = p * (dp - deltaOwn);
          for (var c = 0; c < HD; c++) { acc[c] += ds * ta[jj * HD + c]; }
        }
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    if (keys) {
      for (var c = 0; c < HD; c++) {
        result[own + D + c] = acc[c] * uniforms.scale;
        result[own + 2 * D + c] = acc2[c];
      }
    } else {
      for (var c = 0; c < HD; c++) { result[own + c] = acc[c] * uniforms.scale; }
    }
  }
}`,
  };
  return run(backend, spec, [qkv, dy, stats], 'float32', [scaleOf(m)]);
}
