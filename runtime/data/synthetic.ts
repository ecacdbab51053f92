/**
 * A small generated dataset for fast tests: each image is one of four labelled patterns drawn
 * with random geometry and intensity from a per-image seed, so image i is the same everywhere
 * and nothing is stored. Label = i mod classes, so classes are balanced.
 *
 * Patterns: 0 horizontal stripes, 1 vertical stripes, 2 filled rectangle, 3 filled disc, each a
 * bright foreground (0.6..1, a random colour when RGB) on a dark background (0..0.2).
 */
import { Rng } from '../rng.ts';
import { mixSeed } from './order.ts';
import type { ImageStore, Pixels } from './store.ts';
import type { DatasetParts } from './parts.ts';

/** Parameters of `synthetic:key=value,...`; every key is optional. */
export interface SyntheticOptions {
  /** Train images (default 512). */
  readonly train: number;
  /** Test images (default 128). */
  readonly test: number;
  /** Side length (default 16). */
  readonly size: number;
  /** 1 or 3 (default 1). */
  readonly channels: 1 | 3;
  /** 1..4 (default 4). */
  readonly classes: number;
  /** Seed of the images themselves (default 0). */
  readonly seed: number;
}

export const SYNTHETIC_DEFAULTS: SyntheticOptions = Object.freeze({ train: 512, test: 128, size: 16, channels: 1, classes: 4, seed: 0 });

export const SYNTHETIC_CLASSES: readonly string[] = Object.freeze(['horizontal-stripes', 'vertical-stripes', 'rectangle', 'disc']);

/** Whether pixel (y, x) is foreground for pattern `label`, with geometry drawn from `rng`. */
function patternOf(label: number, size: number, rng: Rng): (y: number, x: number) => boolean {
  switch (label) {
    case 0:
    case 1: {
      const period = 2 + rng.int(Math.max(1, Math.floor(size / 3) - 1));
      const phase = rng.int(period);
      const on = Math.max(1, Math.floor(period / 2));
      return label === 0 ? (y) => (y + phase) % period < on : (_, x) => (x + phase) % period < on;
    }
    case 2: {
      const h = 2 + rng.int(Math.max(1, size - 3));
      const w = 2 + rng.int(Math.max(1, size - 3));
      const top = rng.int(size - h + 1);
      const left = rng.int(size - w + 1);
      return (y, x) => y >= top && y < top + h && x >= left && x < left + w;
    }
    default: {
      const r = 1.5 + rng.uniform() * (size / 2 - 1.5);
      const cy = r + rng.uniform() * (size - 2 * r);
      const cx = r + rng.uniform() * (size - 2 * r);
      return (y, x) => (y + 0.5 - cy) ** 2 + (x + 0.5 - cx) ** 2 <= r * r;
    }
  }
}

/** Draws image `index` of a split as [channels, size, size]. */
export function drawSynthetic(o: SyntheticOptions, splitId: number, index: number): Pixels {
  const rng = Rng.fromSeed(mixSeed(o.seed, splitId, index));
  const label = index % o.classes;
  const inside = patternOf(label, o.size, rng);
  const background = rng.uniform() * 0.2;
  const fg = Array.from({ length: o.channels }, () => 0.6 + rng.uniform() * 0.4);
  const plane = o.size * o.size;
  const data = new Float32Array(o.channels * plane);
  for (let y = 0; y < o.size; y++) {
    for (let x = 0; x < o.size; x++) {
      const on = inside(y, x);
      for (let c = 0; c < o.channels; c++) data[c * plane + y * o.size + x] = on ? fg[c]! : background;
    }
  }
  return { data, channels: o.channels, height: o.size, width: o.size };
}

function syntheticStore(o: SyntheticOptions, count: number, splitId: number): ImageStore {
  return {
    count,
    channels: o.channels,
    label: (i) => i % o.classes,
    load: async (indices) => Array.from(indices, (i) => drawSynthetic(o, splitId, i)),
  };
}

/** Opens a synthetic dataset; options are validated by the source parser. */
export function openSynthetic(options: Partial<SyntheticOptions> = {}): DatasetParts {
  const o: SyntheticOptions = { ...SYNTHETIC_DEFAULTS, ...options };
  const half = Array.from({ length: o.channels }, () => 0.5);
  return {
    info: {
      name: 'synthetic',
      channels: o.channels,
      imageSize: o.size,
      classNames: SYNTHETIC_CLASSES.slice(0, o.classes),
      stats: { mean: half, std: half },
      allowFlip: true,
    },
    stores: { train: syntheticStore(o, o.train, 1), test: syntheticStore(o, o.test, 2) },
  };
}
