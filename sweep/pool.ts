/**
 * Runs async jobs with at most `workers` at a time, in order of the list, and waits for all.
 * A job that throws does not stop the others; its error is its result.
 *
 * Example: `await runPool([a, b, c], 2, (job) => job())` runs a and b, then c when one ends.
 */
export async function runPool<T, R>(items: readonly T[], workers: number, job: (item: T, index: number) => Promise<R>): Promise<(R | Error)[]> {
  const results: (R | Error)[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await job(items[i]!, i);
      } catch (e) {
        results[i] = e instanceof Error ? e : new Error(String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, worker));
  return results;
}
