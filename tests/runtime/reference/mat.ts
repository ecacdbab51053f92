/**
 * A row-major float64 matrix: the one container of the reference implementation. A token
 * sequence of one image is a Mat [T, D]; a batch is an array of them.
 */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  /** rows * cols values, element (r, c) at r * cols + c. */
  readonly data: Float64Array;
}

/** A zero matrix [rows, cols]. */
export function zeros(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** Wraps values [rows, cols], checking the count. */
export function mat(rows: number, cols: number, values: ArrayLike<number>): Mat {
  if (values.length !== rows * cols) throw new Error(`expected ${rows}x${cols} = ${rows * cols} values, got ${values.length}`);
  return { rows, cols, data: Float64Array.from(values) };
}

/** Row r as a view (no copy). */
export function row(x: Mat, r: number): Float64Array {
  return x.data.subarray(r * x.cols, (r + 1) * x.cols);
}

/** Rows [start, end): [end - start, cols]. */
export function sliceRows(x: Mat, start: number, end: number): Mat {
  return { rows: end - start, cols: x.cols, data: x.data.slice(start * x.cols, end * x.cols) };
}

/** The rows of each matrix, one after another: [sum rows, cols]. */
export function concatRows(parts: readonly Mat[]): Mat {
  const cols = parts[0]!.cols;
  const out = zeros(
    parts.reduce((n, p) => n + p.rows, 0),
    cols,
  );
  let offset = 0;
  for (const p of parts) {
    if (p.cols !== cols) throw new Error(`concatRows: ${p.cols} columns, expected ${cols}`);
    out.data.set(p.data, offset);
    offset += p.data.length;
  }
  return out;
}

/** out[k] = x[ids[k]]: [ids.length, cols]. */
export function gatherRows(x: Mat, ids: ArrayLike<number>): Mat {
  const out = zeros(ids.length, x.cols);
  for (let k = 0; k < ids.length; k++) out.data.set(row(x, ids[k]!), k * x.cols);
  return out;
}

/** Elementwise a + b of two matrices of the same shape. */
export function add(a: Mat, b: Mat): Mat {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`add: [${a.rows}, ${a.cols}] + [${b.rows}, ${b.cols}]`);
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i]! + b.data[i]!;
  return out;
}

/** Applies f to every element. */
export function map(x: Mat, f: (v: number) => number): Mat {
  const out = zeros(x.rows, x.cols);
  for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i]!);
  return out;
}

/** The same row repeated `rows` times: [rows, v.length]. */
export function repeatRow(v: ArrayLike<number>, rows: number): Mat {
  const out = zeros(rows, v.length);
  for (let r = 0; r < rows; r++) out.data.set(Float64Array.from(v), r * v.length);
  return out;
}
