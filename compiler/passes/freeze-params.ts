import type { Graph, Param } from '../ir/types.ts';

/**
 * Marks every parameter the predicate selects as non-trainable (and without weight decay);
 * the others are left as they are. Used for linear probing (freeze the whole encoder) and
 * partial fine-tuning (freeze all but the last k blocks).
 *
 * Example, linear probing: `freezeParams(graph, (p) => p.part === 'encoder')`;
 * tune only the last block of a 12-deep encoder: `freezeParams(graph, (p) => p.layer <= 11)`.
 */
export function freezeParams(graph: Graph, predicate: (param: Param) => boolean): Graph {
  return Object.freeze({
    ...graph,
    params: Object.freeze(graph.params.map((p) => (p.trainable && predicate(p) ? Object.freeze({ ...p, trainable: false, decay: false }) : p))),
  });
}
