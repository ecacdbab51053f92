/**
 * `maec reconstruct`'s use case: a pretrained run's model masks the user's own images and draws
 * the paper's Figure 2 for them (runtime/train/reconstruction.ts), with the run's mask ratio or
 * another one (a different ratio changes only how many patches stay visible: the parameters fit
 * any ratio).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as E from 'fp-ts/lib/Either.js';
import { buildGraph } from '../../compiler/build/mae.ts';
import { decodeSpec } from '../../dsl/decode.ts';
import { formatProblem } from '../../dsl/problem.ts';
import { tryVariant } from '../../dsl/variants.ts';
import { checkedParams, readCheckpoint } from '../checkpoint/index.ts';
import { statsForChannels } from '../data/index.ts';
import { readImageFile } from '../image/index.ts';
import { initialParams } from '../init.ts';
import { sampleNoise } from '../masking/noise.ts';
import { Rng } from '../rng.ts';
import { lower } from '../tfjs/program.ts';
import { openTarget, type BackendName, type Target } from '../tfjs/target.ts';
import { reconstructionRows, writeReconstructionGrid } from '../train/reconstruction.ts';

export interface ReconstructRequest {
  /** The run's checkpoint.safetensors. */
  readonly checkpoint: string;
  /** PNG or JPEG files, resized to the model's size and channels. */
  readonly images: readonly string[];
  /** Mask ratio to reconstruct with (absent: the run's own). */
  readonly ratio?: number;
  /** Seeds the masks. */
  readonly seed: number;
  /** The .png to write (atomically). */
  readonly out: string;
  readonly backend?: BackendName;
  /** Told which target was opened (the CLI prints it). */
  readonly onTarget?: (target: Target) => void;
}

/** A request that cannot be served as asked (a mask ratio the model cannot take): a usage error. */
export class ReconstructRequestError extends Error {}

/** Writes the reconstruction grid of `r.images`; throws naming the file or setting at fault. */
export async function reconstructImages(r: ReconstructRequest): Promise<void> {
  const ckpt = await readCheckpoint(r.checkpoint);
  const decoded = decodeSpec(ckpt.meta.spec);
  if (E.isLeft(decoded)) throw new Error(`${ckpt.path}: invalid spec: ${decoded.left.map(formatProblem).join('; ')}`);
  const withRatio = r.ratio === undefined ? E.right(decoded.right) : tryVariant(decoded.right, { mask: { ratio: r.ratio } });
  if (E.isLeft(withRatio)) throw new ReconstructRequestError(withRatio.left.map(formatProblem).join('; '));
  const spec = withRatio.right;
  const graph = buildGraph(spec); // the symmetric baseline's checkpoint has its own graph
  const values = checkedParams(ckpt, graph.params, initialParams(graph.params, Rng.fromSeed(0)));
  const { channels, imageSize, grid, numVisible } = graph.meta;
  const stats = statsForChannels(ckpt.meta.stats, channels);
  const pixels = await Promise.all(r.images.map((f) => readImageFile(f, { size: imageSize, channels: channels === 3 ? 3 : 1, mean: stats.mean, std: stats.std })));
  const batch = new Float32Array(pixels.reduce((n, p) => n + p.length, 0));
  pixels.forEach((p, i) => batch.set(p, i * p.length)); // [N, C, S, S]

  const target = await openTarget(r.backend);
  r.onTarget?.(target);
  const params = new Map(graph.params.map((p) => [p.name, tf.tensor(values.get(p.name)!, [...p.shape])]));
  try {
    const noise = sampleNoise(spec.mask.strategy, r.images.length, grid, numVisible, Rng.fromSeed(r.seed)); // [N, L]
    const rows = await reconstructionRows(lower(graph, target), params, batch, noise);
    await writeReconstructionGrid(r.out, rows, { channels, imageSize }, stats);
  } finally {
    tf.dispose([...params.values()]);
  }
}
