/**
 * Seeded epoch order. The order depends only on (seed, epoch, split), so a run can be resumed
 * at any epoch and two runs with the same seed see the same data in the same order.
 */
import { Rng } from '../rng.ts';

/** Mixes integers into one 32-bit seed (murmur3-style finaliser over each word). */
export function mixSeed(...words: number[]): number {
  let h = 0x811c9dc5;
  for (const w of words) {
    let k = Math.imul(w | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Salts that keep the shuffle and augmentation streams apart. */
export const SALT = Object.freeze({ shuffle: 0x51ff1e, augment: 0xa09e47 });

/** Indices 0..n-1, permuted by (seed, epoch, split) when `shuffle`, else in order. */
export function epochOrder(n: number, seed: number, epoch: number, splitId: number, shuffle: boolean): Int32Array {
  if (!shuffle) return Int32Array.from({ length: n }, (_, i) => i);
  return Rng.fromSeed(mixSeed(seed, epoch, splitId, SALT.shuffle)).permutation(n);
}

/** The generator for image `index`'s augmentation in an epoch; independent of batch size. */
export function augmentRng(seed: number, epoch: number, splitId: number, index: number): Rng {
  return Rng.fromSeed(mixSeed(seed, epoch, splitId, SALT.augment, index));
}
