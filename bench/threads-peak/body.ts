/** One thread of matmulPeakThreads: its own tfjs-wasm with maec's kernels, then the timing. */
import { parentPort, workerData } from 'node:worker_threads';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { matmulPeakHere } from '../matmul-peak.ts';

try {
  await openTarget('wasm');
  // Threads start a few hundred ms apart (each compiles its backend), so the window is long
  // and only its middle counts.
  parentPort!.postMessage({ gflops: matmulPeakHere((workerData as { ms: number }).ms, 0.3, 0.85) });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
}
