import type { Graph, Node } from '../ir/types.ts';

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
  const byId = new Map<string, Node>(graph.nodes.map((n) => [n.id, n]));
  const live = new Set<string>();
  const stack = outputs.map((name) => graph.outputs[name]!);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    for (const input of byId.get(id)?.inputs ?? []) stack.push(input);
  }
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
