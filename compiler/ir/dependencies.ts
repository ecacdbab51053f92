import type { Graph } from './types.ts';

/**
 * Ids of the nodes that `roots` (node ids) depend on, themselves included: what computing them
 * needs. Dead-node elimination (passes/prune.ts), the tfjs interpreter and the ONNX lowering
 * all walk the graph this way.
 *
 * Example: `dependencyIds(graph, [graph.outputs['pred']!])` leaves out the loss and its target.
 */
export function dependencyIds(graph: Graph, roots: readonly string[]): Set<string> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.inputs ?? []));
  }
  return seen;
}
