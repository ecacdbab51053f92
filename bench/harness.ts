/**
 * A synthetic MAE training step for the benchmarks: initial parameters, AdamW, one fixed batch
 * of uniform images and fresh masking noise per step. Shared by bench/step.ts, bench/ab.ts and
 * bench/profile.ts so they time the same work.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Graph } from '../compiler/ir/types.ts';
import { initialParams } from '../runtime/init.ts';
import { Rng } from '../runtime/rng.ts';
import { lower } from '../runtime/tfjs/program.ts';
import type { Target } from '../runtime/tfjs/target.ts';
import { AdamW } from '../runtime/train/adamw.ts';

export interface TrainingHarness {
  /**
   * One full step (forward, backward, AdamW) with the program lowered for the last target: a
   * caller switching kernels opens a target for them and calls `relower`.
   */
  readonly step: () => void;
  /** Lowers the graph again for `target`. */
  readonly relower: (target: Target) => void;
  readonly dispose: () => void;
}

export function trainingHarness(graph: Graph, target: Target, batch: number, seed = 0): TrainingHarness {
  const rng = Rng.fromSeed(seed);
  const init = initialParams(graph.params, rng);
  const params = new Map(
    graph.params.map((p) => [p.name, p.trainable ? tf.variable(tf.tensor(init.get(p.name)!, [...p.shape])) : tf.tensor(init.get(p.name)!, [...p.shape])]),
  );
  let current = target; // whose AdamW update the optimizer runs: the last target lowered for
  const optimizer = new AdamW(graph.params.filter((p) => p.trainable).map((p) => ({ name: p.name, variable: params.get(p.name) as tf.Variable, decay: p.decay })), undefined, (...a) => current.ops.adamw(...a));
  const { channels: c, imageSize: s, numPatches: l } = graph.meta;
  const imgs = tf.tensor(rng.uniformArray(batch * c * s * s), [batch, c, s, s]);
  let program = lower(graph, target);
  return {
    step: () => {
      const noise = tf.tensor(rng.uniformArray(batch * l), [batch, l]);
      const { loss, grads } = program.lossAndGrads(params, { imgs, noise });
      optimizer.apply(grads, 1e-4);
      loss.dataSync();
      tf.dispose([loss, noise, ...grads.values()]);
    },
    relower: (next) => {
      current = next;
      program = lower(graph, next);
    },
    dispose: () => {
      optimizer.dispose();
      tf.dispose([imgs, ...params.values()]);
    },
  };
}
