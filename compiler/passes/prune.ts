import { dependencyIds } from '../ir/dependencies.ts';
import type { Graph } from '../ir/types.ts';

/**
 * Dead-node elimination: keeps only the named outputs and the nodes and parameters they
 * depend on, in the original (topological) order.
 *
 * Example: a forward pass without the loss,
 * `prune(buildGraph(spec), ['pred', 'mask'])` drops `target`, `target.normalized` and `loss`.
 *
 * Returns the graph unchanged in meaning for the kept outputs. An output name the graph
 * does not have is an error, returned as a value.
 */
export function prune(graph: Graph, outputs: readonly string[]): { readonly ok: true; readonly graph: Graph } | { readonly ok: false; readonly error: string } {
  const unknown = outputs.filter((name) => !(name in graph.outputs));
  if (unknown.length > 0)
    return { ok: false, error: `unknown output ${unknown.join(', ')}; the graph has ${Object.keys(graph.outputs).join(', ')}` };
  const live = dependencyIds(graph, outputs.map((name) => graph.outputs[name]!));
  const nodes = graph.nodes.filter((n) => live.has(n.id));
  const usedParams = new Set(nodes.flatMap((n) => (n.op.kind === 'param' ? [n.op.name] : [])));
  return {
    ok: true,
    graph: Object.freeze({
      ...graph,
      nodes: Object.freeze(nodes),
      params: Object.freeze(graph.params.filter((p) => usedParams.has(p.name))),
      outputs: Object.freeze(Object.fromEntries(outputs.map((name) => [name, graph.outputs[name]!]))),
    }),
  };
}
