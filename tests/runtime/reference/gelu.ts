import { erf } from './erf.ts';
import { map, type Mat } from './mat.ts';

/** Exact GELU of one value: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). */
export function geluScalar(v: number): number {
  return 0.5 * v * (1 + erf(v / Math.SQRT2));
}

/** Exact GELU, elementwise (torch.nn.GELU() with its default approximate='none'). */
export function gelu(x: Mat): Mat {
  return map(x, geluScalar);
}
