import * as tf from '@tensorflow/tfjs-core';
import type { Graph, Node } from '../../compiler/ir/types.ts';
import { EXECUTORS, type ExecContext } from '../tfjs/executors.ts';
import { rulesFor } from '../tfjs/rules.ts';

/**
 * Evaluates a classifier graph (compiler/build/classifier.ts) up to one output, with optional
 * drop-path draws. runtime/tfjs/program.ts's `lower` runs the same executor table but takes no
 * per-run draws and only differentiates a graph-level `loss`; classification losses need the
 * labels, which are not a graph input, so training differentiates this function instead.
 * Must be called inside a tidy or gradient scope; returns the output tensor.
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
  const ctx: ExecContext = { rules: rulesFor(tf.getBackend()), batch: imgs.shape[0]!, ...(keep ? { dropPathKeep: (id: string) => keep.get(id) } : {}) };
  const values = new Map<string, tf.Tensor>();
  for (const node of graph.nodes) {
    values.set(node.id, evaluateNode(node, values, params, imgs, ctx));
    if (node.id === target) break;
  }
  return values.get(target)!;
}

function evaluateNode(node: Node, values: ReadonlyMap<string, tf.Tensor>, params: ReadonlyMap<string, tf.Tensor>, imgs: tf.Tensor, ctx: ExecContext): tf.Tensor {
  if (node.op.kind === 'input') {
    if (node.op.name !== 'imgs') throw new Error(`a classifier graph reads only imgs, not ${node.op.name}`);
    return imgs;
  }
  if (node.op.kind === 'param') {
    const p = params.get(node.op.name);
    if (!p) throw new Error(`missing parameter "${node.op.name}"`);
    return p;
  }
  const args = node.inputs.map((i) => values.get(i)!);
  const exec = EXECUTORS[node.op.kind] as (n: Node, a: readonly tf.Tensor[], c: ExecContext) => tf.Tensor;
  return exec(node, args, ctx);
}
