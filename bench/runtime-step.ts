/**
 * The runtime's own pretraining step (runtime/train/step.ts: forward, backward, AdamW with the
 * target's update), timed with a given number of training threads (runtime/parallel). Shared
 * by bench/threads.ts and bench/peer.ts's all-cores cells.
 */
import type { Graph } from '../compiler/ir/types.ts';
import { initialParams } from '../runtime/init.ts';
import { sampleNoise } from '../runtime/masking/noise.ts';
import { startPool } from '../runtime/parallel/pool.ts';
import { Rng } from '../runtime/rng.ts';
import { lower } from '../runtime/tfjs/program.ts';
import type { Target } from '../runtime/tfjs/target.ts';
import { createModelState } from '../runtime/train/model-state.ts';
import { optimizerStep } from '../runtime/train/step.ts';

/** Median milliseconds per step over `steps` steps after one warm-up step. */
export async function timeRuntimeStep(graph: Graph, target: Target, batch: number, threads: number, steps: number): Promise<number> {
  const { channels: C, imageSize: S, grid, numVisible } = graph.meta;
  const rng = Rng.fromSeed(0);
  const init = initialParams(graph.params, rng);
  const images = Float32Array.from({ length: batch * C * S * S }, () => rng.normal());
  const program = lower(graph, target);
  const state = createModelState(graph, init, target.ops.adamw);
  const pool = threads > 1 ? await startPool(graph, target, threads) : undefined;
  try {
    const step = () => optimizerStep(program, state, [{ images, noise: sampleNoise('random', batch, grid, numVisible, rng), size: batch }], 1e-4, pool);
    await step();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await step();
      times.push(performance.now() - t0);
    }
    return times.sort((x, y) => x - y)[Math.floor(times.length / 2)]!;
  } finally {
    await pool?.close();
    state.dispose();
  }
}
