import type { Graph } from '../../compiler/ir/types.ts';
import type { Rng } from '../rng.ts';

/**
 * Per-sample keep draws for every `dropPath` node of a graph: 1 with probability 1 - rate,
 * else 0, for each of `batch` samples, drawn in node order from `rng` (seeded, so a resumed
 * run draws the same). node id -> [batch].
 */
export function drawDropPathKeeps(graph: Graph, batch: number, rng: Rng): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const node of graph.nodes) {
    if (node.op.kind !== 'dropPath') continue;
    const keep = new Float32Array(batch);
    for (let i = 0; i < batch; i++) keep[i] = rng.uniform() >= node.op.rate ? 1 : 0;
    out.set(node.id, keep);
  }
  return out;
}
