import type * as tf from '@tensorflow/tfjs-core';
import type { Graph } from '../../compiler/ir/types.ts';
import type { ExecContext } from '../tfjs/executors.ts';
import { activeRules, evaluate } from '../tfjs/program.ts';

/**
 * Evaluates a classifier graph (compiler/build/classifier.ts) up to one output, with optional
 * drop-path draws. `lower`'s programs differentiate a graph-level `loss`; classification
 * losses need the labels, which are not a graph input, so training differentiates this
 * function instead. Must be called inside a tidy or gradient scope; returns the output tensor.
 *
 * imgs: [N, C, H, W]; `keep`: drop-path node id -> [N] keep draws (training), or none (evaluation).
 */
export function evaluateOutput(
  graph: Graph,
  params: ReadonlyMap<string, tf.Tensor>,
  imgs: tf.Tensor,
  output: string,
  keep?: ReadonlyMap<string, tf.Tensor>,
): tf.Tensor {
  const target = graph.outputs[output];
  if (target === undefined) throw new Error(`the classifier graph has no output "${output}"`);
  const ctx: ExecContext = { rules: activeRules(), batch: imgs.shape[0]!, ...(keep ? { dropPathKeep: (id: string) => keep.get(id) } : {}) };
  return evaluate(graph, [target], params, { imgs }, ctx).get(target)!;
}
