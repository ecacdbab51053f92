import type { Graph } from '../ir/types.ts';

/**
 * The ids of the nodes the encoder computes: every ancestor of the `latent` output (patch
 * embedding, masking, blocks, final norm). Everything else in a pretraining graph belongs
 * to the decoder and the loss. Reading this from the graph (rather than from node names)
 * keeps the split right for every graph kind a builder makes.
 *
 * Example: in `buildGraph(spec)` the set holds `patch_embed.proj` and `norm` but not
 * `decoder_embed` or `loss`.
 */
export function encoderNodeIds(graph: Graph): ReadonlySet<string> {
  const latent = graph.outputs['latent'];
  const ids = new Set<string>();
  if (latent === undefined) return ids;
  const inputsOf = new Map(graph.nodes.map((n) => [n.id, n.inputs]));
  const stack = [latent];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (ids.has(id)) continue;
    ids.add(id);
    stack.push(...(inputsOf.get(id) ?? []));
  }
  return ids;
}
