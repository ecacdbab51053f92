import type { Param } from '../../compiler/ir/types.ts';

/**
 * Layer-wise learning-rate decay of the fine-tuning recipe: a parameter with layer id `layer`
 * (0 patch embedding / cls / pos, i + 1 block i, depth + 1 after the blocks) trains at
 * lr * decay^(depth + 1 - layer). The head gets the full lr, the patch embedding the least.
 *
 * @example lrScale(0, 6, 0.75) // 0.75^7 ≈ 0.1335
 */
export function lrScale(layer: number, depth: number, decay: number): number {
  return decay ** (depth + 1 - layer);
}

/** Parameter name -> lr scale for every parameter of a graph with `depth` blocks. */
export function lrScales(params: readonly Param[], depth: number, decay: number): Map<string, number> {
  return new Map(params.map((p) => [p.name, lrScale(p.layer, depth, decay)]));
}
