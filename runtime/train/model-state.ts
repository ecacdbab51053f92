/**
 * The mutable state of a training run held in tfjs: parameters (trainable ones as
 * tf.Variables) and the AdamW moments. Created from initial values or a checkpoint, read back
 * into plain arrays for saving, and disposed as a whole.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Graph } from '../../compiler/ir/types.ts';
import { readAll } from '../tfjs/read.ts';
import type { AdamWUpdate } from '../tfjs/ops/adamw.ts';
import { AdamW, MAE_ADAMW } from './adamw.ts';

export interface ModelState {
  readonly params: Map<string, tf.Tensor>;
  readonly optimizer: AdamW;
  dispose(): void;
}

/**
 * Parameters from `values` (official name -> data), trainable ones as variables, with a fresh
 * AdamW whose per-parameter step is `update` (the target's, `target.ops.adamw`; default tfjs ops).
 */
export function createModelState(graph: Graph, values: ReadonlyMap<string, Float32Array>, update?: AdamWUpdate): ModelState {
  const params = new Map<string, tf.Tensor>();
  for (const p of graph.params) {
    const data = values.get(p.name);
    if (!data) throw new Error(`no value for parameter ${p.name}`);
    const t = tf.tensor(data, [...p.shape]);
    params.set(p.name, p.trainable ? tf.variable(t, true, `train.${p.name}`) : t);
    if (p.trainable) t.dispose();
  }
  const trainable = graph.params.filter((p) => p.trainable).map((p) => ({ name: p.name, variable: params.get(p.name) as tf.Variable, decay: p.decay }));
  const optimizer = new AdamW(trainable, MAE_ADAMW, update);
  return {
    params,
    optimizer,
    dispose() {
      optimizer.dispose();
      tf.dispose([...params.values()]);
    },
  };
}

/** Every parameter's values, in graph order (awaited reads: webgpu cannot read synchronously in Node). */
export async function readParams(graph: Graph, state: ModelState): Promise<Map<string, Float32Array>> {
  return readAll(graph.params.map((p) => [p.name, state.params.get(p.name)!]));
}

/** The optimizer moments by their state name (`m.<param>`, `v.<param>`). */
export async function readMoments(state: ModelState): Promise<Map<string, Float32Array>> {
  return readAll([...state.optimizer.state()]);
}

