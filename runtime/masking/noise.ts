import type { MaskStrategy } from '../../dsl/spec.ts';
import type { Rng } from '../rng.ts';

/**
 * Masking noise [N, L]. The IR masks the same way for every strategy: patches are sorted by
 * noise, the K smallest are kept (../shared/reference/MAE-SPEC.md, "Random masking"). A
 * strategy is therefore just a way of drawing noise:
 * - random: uniform [0, 1) per patch, the official sampling;
 * - grid: keep one patch of every 2x2 block (the top-left one, then any remainder at random);
 * - block: BEiT-style blockwise masking; rectangles of patches are masked until L - K are.
 * For grid and block, kept patches get noise in [0, 1) and removed ones in [1, 2), so argsort
 * keeps exactly the chosen patches.
 */
export function sampleNoise(strategy: MaskStrategy, batch: number, grid: number, numVisible: number, rng: Rng): Float32Array {
  const l = grid * grid;
  const noise = new Float32Array(batch * l);
  for (let n = 0; n < batch; n++) {
    const row = noise.subarray(n * l, (n + 1) * l);
    if (strategy === 'random') {
      for (let i = 0; i < l; i++) row[i] = rng.uniform();
      continue;
    }
    const removed = strategy === 'grid' ? gridMask(grid, numVisible, rng) : blockMask(grid, l - numVisible, rng);
    for (let i = 0; i < l; i++) row[i] = (removed[i] ? 1 : 0) + rng.uniform() * 0.999;
  }
  return noise;
}

/** Removal flags with exactly L - K set: top-left patch of every 2x2 block kept first. */
function gridMask(grid: number, numVisible: number, rng: Rng): Uint8Array {
  const l = grid * grid;
  const preferred: number[] = [];
  const others: number[] = [];
  for (let i = 0; i < grid; i++) for (let j = 0; j < grid; j++) (i % 2 === 0 && j % 2 === 0 ? preferred : others).push(i * grid + j);
  const keep = [...preferred, ...shuffled(others, rng)].slice(0, numVisible);
  const removed = new Uint8Array(l).fill(1);
  for (const i of keep) removed[i] = 0;
  return removed;
}

/**
 * BEiT's blockwise masking (Bao et al., 2021): repeatedly mask a random rectangle of at least
 * 16 patches (or what is left), aspect ratio log-uniform in [0.3, 1/0.3], until `target`
 * patches are masked; a last rectangle that overshoots is trimmed at random so exactly
 * `target` patches are removed.
 */
function blockMask(grid: number, target: number, rng: Rng): Uint8Array {
  const l = grid * grid;
  const removed = new Uint8Array(l);
  let count = 0;
  const minArea = Math.min(16, target);
  for (let attempt = 0; count < target && attempt < 100 * l; attempt++) {
    const area = minArea + rng.uniform() * (Math.max(minArea, target - count) - minArea);
    const aspect = Math.exp(Math.log(0.3) + rng.uniform() * (Math.log(1 / 0.3) - Math.log(0.3)));
    const h = Math.min(grid, Math.max(1, Math.round(Math.sqrt(area * aspect))));
    const w = Math.min(grid, Math.max(1, Math.round(Math.sqrt(area / aspect))));
    const top = rng.int(grid - h + 1);
    const left = rng.int(grid - w + 1);
    const fresh: number[] = [];
    for (let i = top; i < top + h; i++) for (let j = left; j < left + w; j++) if (!removed[i * grid + j]) fresh.push(i * grid + j);
    for (const i of shuffled(fresh, rng).slice(0, target - count)) removed[i] = 1;
    count += Math.min(fresh.length, target - count);
  }
  // Tiny grids can leave a remainder no rectangle reached: fill it at random.
  if (count < target) {
    const free = [...Array(l).keys()].filter((i) => !removed[i]);
    for (const i of shuffled(free, rng).slice(0, target - count)) removed[i] = 1;
  }
  return removed;
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
