/**
 * Where a training step of the bench config spends its time, per tfjs kernel, with maec's
 * kernels installed: what to write a kernel for next.
 *
 *   taskset -c 0 npx tsx bench/profile.ts            cifar-small, batch 64, 3 profiled steps
 *   MAEC_KERNELS=off taskset -c 0 npx tsx bench/profile.ts
 *   taskset -c 0 npx tsx bench/profile.ts --shapes    one row per kernel and output shape
 *
 * tf.profile times every kernel call separately (wall time, synchronous on wasm); the total
 * includes its own bookkeeping, so compare shares, not absolute step times, with bench/step.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { openTarget } from '../runtime/tfjs/target.ts';
import { buildGraph } from '../compiler/build/mae.ts';
import { cifarSmall } from '../models/cifar-small.ts';
import { trainingHarness } from './harness.ts';

const BATCH = 64;
const STEPS = 3;

async function main(): Promise<void> {
  const target = await openTarget('wasm');
  console.log(`backend ${target.backend}; ${target.kernels}`);
  const graph = buildGraph(cifarSmall, 'pretrain');
  const { step } = trainingHarness(graph, target, BATCH);
  step(); // warm-up
  // --shapes: one row per kernel and output shape, to see which call sites cost.
  const byShape = process.argv.includes('--shapes');
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let wall = 0;
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    const info = await tf.profile(step);
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const key = byShape ? `${k.name} [${k.outputShapes.map((o) => o?.join('x')).join(', ')}]` : k.name;
      const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += k.kernelTimeMs as number;
      entry.calls += 1;
      byKernel.set(key, entry);
    }
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((t, [, e]) => t + e.ms, 0);
  console.log(`per step: ${(wall / STEPS).toFixed(0)} ms wall under the profiler, ${(total / STEPS).toFixed(0)} ms in kernels`);
  for (const [name, e] of rows) {
    console.log(`${name.padEnd(byShape ? 48 : 24)} ${(e.ms / STEPS).toFixed(1).padStart(8)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ${(e.calls / STEPS).toFixed(0).padStart(5)} calls`);
  }
}

await main();
