import { zeros, type Mat } from './mat.ts';

/** Softmax of v in place (shifted by the maximum). */
function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const s of v) max = Math.max(max, s);
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i]! - max);
    sum += v[i]!;
  }
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / sum;
}

/**
 * Multi-head self-attention core, qkv [T, 3D] -> [T, D]. Column blocks [0, D), [D, 2D),
 * [2D, 3D) of qkv are q, k and v; head h reads columns h*hd .. (h+1)*hd - 1 of each
 * (hd = D / heads) and writes the same columns of the output.
 * out_h = softmax_keys(q_h k_h^T * hd^-0.5) v_h.
 */
export function attention(qkv: Mat, heads: number): Mat {
  const t = qkv.rows;
  const d = qkv.cols / 3;
  const hd = d / heads;
  const scale = hd ** -0.5;
  const q = (r: number, c: number) => qkv.data[r * 3 * d + c]!;
  const k = (r: number, c: number) => qkv.data[r * 3 * d + d + c]!;
  const v = (r: number, c: number) => qkv.data[r * 3 * d + 2 * d + c]!;
  const out = zeros(t, d);
  const weights = new Float64Array(t); // one query's scores over the T keys
  for (let h = 0; h < heads; h++) {
    const c0 = h * hd;
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) {
        let s = 0;
        for (let c = c0; c < c0 + hd; c++) s += q(i, c) * k(j, c);
        weights[j] = s * scale;
      }
      softmaxInPlace(weights);
      for (let c = c0; c < c0 + hd; c++) {
        let s = 0;
        for (let j = 0; j < t; j++) s += weights[j]! * v(j, c);
        out.data[i * d + c] = s;
      }
    }
  }
  return out;
}
