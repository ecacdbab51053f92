import type { Graph } from '../../compiler/ir/types.ts';
import { initialValue } from '../init.ts';
import { Rng } from '../rng.ts';

/**
 * Starting values of every classifier parameter: the pretrained value where `pretrained` has
 * one (the encoder), otherwise the declared init (fc_norm, head; everything for scratch),
 * drawn in declaration order from `seed`.
 */
export function classifierStart(graph: Graph, seed: number, pretrained?: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  const rng = Rng.fromSeed(seed);
  return new Map(
    graph.params.map((p) => {
      const fresh = initialValue(p, rng);
      return [p.name, pretrained?.get(p.name) ?? fresh];
    }),
  );
}

/**
 * The parameters trained when fine-tuning only the last `blocks` blocks: those blocks plus
 * everything after them (fc_norm, head), i.e. layer id > depth - blocks. Null trains all.
 */
export function isTuned(layer: number, depth: number, blocks: number | null): boolean {
  return blocks === null || layer > depth - blocks;
}
