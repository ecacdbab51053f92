/**
 * The error function in float64, to about 1e-15, from the everywhere-convergent series
 *   erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n x^(2n+1) 2^n / (1 * 3 * ... * (2n+1))
 * (Abramowitz & Stegun 7.1.6). All its terms have the sign of x, so there is no cancellation.
 * Beyond |x| = 6, 1 - |erf(x)| < 3e-17 and the result is +-1.
 */
export function erf(x: number): number {
  if (x === 0 || Number.isNaN(x)) return x;
  if (Math.abs(x) >= 6) return Math.sign(x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}
