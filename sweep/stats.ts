/**
 * Mean, sample standard deviation and count of a metric over a sweep's seeds, and whether a
 * difference of two such means stands out of their noise. Pure.
 */

export interface Summary {
  readonly mean: number;
  /** Sample standard deviation (n - 1 in the denominator); undefined for n < 2. */
  readonly sd: number | undefined;
  readonly n: number;
}

/** The summary of `xs`, or undefined when there are none. Example: [1, 2, 3] gives mean 2, sd 1, n 3. */
export function summarize(xs: readonly number[]): Summary | undefined {
  const n = xs.length;
  if (n === 0) return undefined;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? undefined : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}

export interface Difference {
  /** a's mean minus b's. */
  readonly diff: number;
  /** sqrt(sd_a²/n_a + sd_b²/n_b); undefined when either side has n < 2. */
  readonly se: number | undefined;
  /** |diff| > 2 SE; undefined without an SE. */
  readonly significant: boolean | undefined;
}

/** The difference of two summaries' means with its standard error. */
export function difference(a: Summary, b: Summary): Difference {
  const diff = a.mean - b.mean;
  if (a.sd === undefined || b.sd === undefined) return { diff, se: undefined, significant: undefined };
  const se = Math.sqrt(a.sd ** 2 / a.n + b.sd ** 2 / b.n);
  return { diff, se, significant: Math.abs(diff) > 2 * se };
}
