/**
 * Runs `threads` worker threads at once, each timing something and replying `{ gflops }` (or
 * `{ error }`), and sums their rates: the machine's rate on that many threads. Shared by the
 * SIMD ceiling (bench/simd-ceiling.ts) and the matmul peak (bench/matmul-peak.ts).
 */
import type { Worker } from 'node:worker_threads';

export async function summedRates(threads: number, start: () => Worker, what: string): Promise<number> {
  const rates = await Promise.all(
    Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
      const w = start();
      w.once('message', (m: { gflops?: number; error?: string }) => {
        void w.terminate();
        if (m.error !== undefined || m.gflops === undefined) reject(new Error(`${what} thread: ${m.error ?? 'no rate'}`));
        else resolve(m.gflops);
      });
      w.once('error', reject);
    })),
  );
  return rates.reduce((a, b) => a + b, 0);
}
