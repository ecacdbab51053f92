/**
 * The frozen 2-D sin-cos position table [1 + g*g, dim] of ../shared/reference/MAE-SPEC.md:
 * row 0 (the cls row) is zeros; token t = i*g + j (i = patch row, j = patch column) is
 * [sin(j w), cos(j w), sin(i w), cos(i w)], each block dim/4 wide, w_k = 10000^(-k / (dim/4)).
 * The column index comes first. Computed in float64, then rounded to float32.
 */
export function sincos2dTable(grid: number, dim: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`sin-cos position table needs a width divisible by 4, got ${dim}`);
  const quarter = dim / 4;
  const table = new Float32Array((1 + grid * grid) * dim);
  const omega = Array.from({ length: quarter }, (_, k) => 1 / 10000 ** (k / quarter));
  for (let i = 0; i < grid; i++) {
    for (let j = 0; j < grid; j++) {
      const row = (1 + i * grid + j) * dim;
      for (let k = 0; k < quarter; k++) {
        table[row + k] = Math.sin(j * omega[k]!);
        table[row + quarter + k] = Math.cos(j * omega[k]!);
        table[row + 2 * quarter + k] = Math.sin(i * omega[k]!);
        table[row + 3 * quarter + k] = Math.cos(i * omega[k]!);
      }
    }
  }
  return table;
}
