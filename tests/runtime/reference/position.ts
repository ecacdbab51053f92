import { zeros, type Mat } from './mat.ts';

/**
 * The frozen 2-D sin-cos position table [1 + g*g, dim] (MAE-SPEC "2-D sin-cos position
 * table"): row 0 (the cls row) is zeros; row 1 + i*g + j (patch row i, column j) is
 * [sin(j w), cos(j w), sin(i w), cos(i w)], each block dim/4 wide, w_k = 10000^(-k / (dim/4)).
 * The column index comes first. Computed in float64 and rounded to float32, as the official
 * code builds it with numpy (omega = 1 / 10000**(k / (dim/4))) and then calls .float().
 */
export function sincosTable(grid: number, dim: number): Mat {
  const quarter = dim / 4;
  if (!Number.isInteger(quarter)) throw new Error(`sin-cos table: width ${dim} is not a multiple of 4`);
  const table = zeros(1 + grid * grid, dim);
  const blocks = (i: number, j: number) => [(w: number) => Math.sin(j * w), (w: number) => Math.cos(j * w), (w: number) => Math.sin(i * w), (w: number) => Math.cos(i * w)];
  for (let i = 0; i < grid; i++) {
    for (let j = 0; j < grid; j++) {
      const start = (1 + i * grid + j) * dim;
      blocks(i, j).forEach((f, b) => {
        for (let k = 0; k < quarter; k++) table.data[start + b * quarter + k] = Math.fround(f(1 / 10000 ** (k / quarter)));
      });
    }
  }
  return table;
}
