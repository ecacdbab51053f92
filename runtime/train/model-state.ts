/**
 * The mutable state of a training run held in tfjs: parameters (trainable ones as
 * tf.Variables) and the AdamW moments. Created from initial values or a checkpoint, read back
 * into plain arrays for saving, and disposed as a whole.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Graph } from '../../compiler/ir/types.ts';
import { readAll } from '../tfjs/read.ts';
import { AdamW } from './adamw.ts';

export interface ModelState {
  readonly params: Map<string, tf.Tensor>;
  readonly optimizer: AdamW;
  dispose(): void;
}

/** Parameters from `values` (official name -> data), trainable ones as variables, with a fresh AdamW. */
export function createModelState(graph: Graph, values: ReadonlyMap<string, Float32Array>): ModelState {
  const params = new Map<string, tf.Tensor>();
  for (const p of graph.params) {
    const data = values.get(p.name);
    if (!data) throw new Error(`no value for parameter ${p.name}`);
    const t = tf.tensor(data, [...p.shape]);
    params.set(p.name, p.trainable ? tf.variable(t, true, `train.${p.name}`) : t);
    if (p.trainable) t.dispose();
  }
  const trainable = graph.params.filter((p) => p.trainable).map((p) => ({ name: p.name, variable: params.get(p.name) as tf.Variable, decay: p.decay }));
  const optimizer = new AdamW(trainable);
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

