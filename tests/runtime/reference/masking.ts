/** One image's random masking (MAE-SPEC step 2), from its noise row [L]. */
export interface Masking {
  /** argsort(noise) ascending: the smallest noise first; its first K entries are kept. */
  readonly idsShuffle: number[];
  /** The inverse permutation of idsShuffle: idsShuffle[idsRestore[l]] = l. */
  readonly idsRestore: number[];
  /** [L] in patch order: 1 = removed, 0 = kept. */
  readonly mask: number[];
  /** idsShuffle[:K]. */
  readonly idsKeep: number[];
}

/** K = floor(L * (1 - ratio)), as the official `int(L * (1 - mask_ratio))`. */
export function keptCount(numPatches: number, ratio: number): number {
  return Math.floor(numPatches * (1 - ratio));
}

/** Indices of `values` in ascending order of value (ties, which noise never has, by index). */
export function argsort(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
}

/**
 * The official random_masking: ids_shuffle = argsort(noise), ids_restore = argsort(ids_shuffle),
 * mask = [0]*K + [1]*(L-K) in shuffled order, unshuffled with ids_restore.
 */
export function randomMasking(noise: ArrayLike<number>, keep: number): Masking {
  const idsShuffle = argsort(noise);
  const idsRestore = argsort(idsShuffle);
  const shuffledMask = idsShuffle.map((_, k) => (k < keep ? 0 : 1));
  return { idsShuffle, idsRestore, mask: idsRestore.map((k) => shuffledMask[k]!), idsKeep: idsShuffle.slice(0, keep) };
}
