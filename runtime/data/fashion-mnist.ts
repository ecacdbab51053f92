/**
 * Fashion-MNIST from its four IDX files (raw or gzipped): 60,000 train and 10,000 test 28x28 grey
 * images in 10 classes. Debian's `dataset-fashion-mnist` installs them gzipped in the default
 * folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.ts';
import { readIdxPair } from './idx.ts';
import { FASHION_MNIST_STATS } from './stats.ts';
import { byteStore } from './store.ts';
import type { DatasetParts } from './parts.ts';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

function loadSplit(dir: string, prefix: 'train' | 't10k', size: number | null) {
  const images = join(dir, `${prefix}-images-idx3-ubyte`);
  const pair = readIdxPair(images, join(dir, `${prefix}-labels-idx1-ubyte`), 10);
  const side = size ?? pair.rows;
  if (pair.rows !== side || pair.cols !== side) {
    throw new DataError('DATA003', `${images}: expected square ${side} x ${side} images, found ${pair.rows} x ${pair.cols}`, images);
  }
  return { side, store: byteStore(pair.images, pair.count, 1, side, side, pair.labels) };
}

/**
 * Opens Fashion-MNIST from `dir` (the real files hold 60,000 train and 10,000 test 28x28 images;
 * any counts and any square size are accepted as long as each file is consistent). Clothes keep
 * their meaning when mirrored, so flips are allowed.
 */
export function openFashionMnist(dir: string = FASHION_MNIST_DIR): DatasetParts {
  if (!existsSync(dir)) throw new DataError('DATA002', `Fashion-MNIST folder not found: ${dir}`, dir);
  const train = loadSplit(dir, 'train', null);
  const test = loadSplit(dir, 't10k', train.side);
  return {
    info: { name: 'fashion-mnist', channels: 1, imageSize: train.side, classNames: FASHION_MNIST_CLASSES, stats: FASHION_MNIST_STATS, allowFlip: true },
    stores: { train: train.store, test: test.store },
  };
}
