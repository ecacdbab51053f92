/**
 * One optimizer step with gradient accumulation, as the official engine_pretrain: each of the
 * A micro-batches contributes loss / A to the gradient (so the update sees the mean gradient),
 * and AdamW applies once with the step's learning rate. The losses are checked before the
 * update, so a NaN never reaches the parameters.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Program } from '../tfjs/program.ts';
import { readScalar } from '../tfjs/read.ts';
import type { GradientPool } from '../parallel/pool.ts';
import type { ModelState } from './model-state.ts';

/** One micro-batch: images [B, C, S, S] and masking noise [B, L], both normalised/uniform. */
export interface MicroBatch {
  readonly images: Float32Array;
  readonly noise: Float32Array;
  readonly size: number;
}

export type StepOutcome = { readonly ok: true; readonly loss: number } | { readonly ok: false; readonly loss: number };

/**
 * Runs the micro-batches, and if every loss is finite applies the mean gradient with `lr`.
 * Returns the mean loss of the micro-batches (the logged value), `ok: false` when one was not
 * finite (nothing was applied). Reads are awaited, so it runs on every backend, webgpu included.
 */
export async function optimizerStep(program: Program, state: ModelState, micro: readonly MicroBatch[], lr: number, pool?: GradientPool): Promise<StepOutcome> {
  const { channels: C, imageSize: S, numPatches: L } = program.graph.meta;
  let sum: Map<string, tf.Tensor> | undefined;
  let lossSum = 0;
  let finite = true;
  if (pool) await pool.publish(state.params);
  try {
    for (const m of micro) {
      const { value, grads } = pool ? await sharded(pool, m, C, S, L) : await inProcess(program, state, m, C, S, L);
      lossSum += value;
      if (!Number.isFinite(value)) finite = false;
      if (!sum) sum = grads;
      else {
        for (const [name, g] of grads) {
          const prev = sum.get(name)!;
          sum.set(name, tf.add(prev, g));
          tf.dispose([prev, g]);
        }
      }
      if (!finite) break;
    }
    const loss = lossSum / micro.length;
    if (!finite || !sum) return { ok: false, loss };
    if (micro.length === 1) state.optimizer.apply(sum, lr);
    else {
      const mean = new Map([...sum].map(([name, g]) => [name, tf.div(g, micro.length)]));
      state.optimizer.apply(mean, lr);
      tf.dispose([...mean.values()]);
    }
    return { ok: true, loss };
  } finally {
    if (sum) tf.dispose([...sum.values()]);
  }
}

async function inProcess(program: Program, state: ModelState, m: MicroBatch, C: number, S: number, L: number): Promise<{ value: number; grads: Map<string, tf.Tensor> }> {
  const imgs = tf.tensor(m.images, [m.size, C, S, S]);
  const noise = tf.tensor(m.noise, [m.size, L]);
  const { loss, grads } = program.lossAndGrads(state.params, { imgs, noise });
  const value = await readScalar(loss);
  tf.dispose([imgs, noise, loss]);
  return { value, grads };
}

async function sharded(pool: GradientPool, m: MicroBatch, C: number, S: number, L: number): Promise<{ value: number; grads: Map<string, tf.Tensor> }> {
  const { loss, grads } = await pool.lossAndGrads({ imgs: { data: m.images, shape: [m.size, C, S, S] }, noise: { data: m.noise, shape: [m.size, L] } });
  return { value: loss, grads };
}
