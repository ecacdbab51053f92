import { zeros, type Mat } from './mat.ts';

/**
 * y = x W^T + b: x [T, in], W [out, in] row-major (the official Linear layout, and the conv
 * weight [D, C, p, p] flattened to [D, C*p*p]), b [out] -> [T, out].
 */
export function linear(x: Mat, w: Float64Array, b: Float64Array): Mat {
  const out = b.length;
  const inF = x.cols;
  if (w.length !== out * inF) throw new Error(`linear: weight has ${w.length} values, expected [${out}, ${inF}]`);
  const y = zeros(x.rows, out);
  for (let t = 0; t < x.rows; t++) {
    for (let o = 0; o < out; o++) {
      let s = b[o]!;
      for (let i = 0; i < inF; i++) s += x.data[t * inF + i]! * w[o * inF + i]!;
      y.data[t * out + o] = s;
    }
  }
  return y;
}
