import type { MaeSpec, Problem } from '../../dsl/index.ts';
import { buildGraph } from '../build/mae.ts';
import type { Graph } from '../ir/types.ts';
import { activationBytes, trainingStateBytes } from './memory.ts';
import { countParams } from './params.ts';

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** The tfjs wasm backend's heap: wasm32 addresses at most 4 GiB. */
export const WASM_HEAP_BYTES = 4 * GIB;
/**
 * Kept free on that heap for what the estimate does not count: the kernels' scratch space, the
 * pre-softmax scores some kernels keep, the allocator's fragmentation, the wasm module itself.
 */
export const WASM_HEADROOM_BYTES = GIB / 2;
/** What a training step may take on the wasm backend: 3.5 GiB. */
export const WASM_TRAINING_LIMIT_BYTES = WASM_HEAP_BYTES - WASM_HEADROOM_BYTES;

/** The memory of one training step, from the figures of compiler/analysis/memory.ts. */
export interface MemoryEstimate {
  /** Images per micro-batch (`--batch`). */
  readonly batch: number;
  /** activationBytes of the training graph: what one image keeps for the backward pass. */
  readonly activationBytesPerImage: number;
  /** trainingStateBytes: weights, gradients and AdamW's m and v, independent of the batch. */
  readonly trainingStateBytes: number;
  /** trainingStateBytes + batch * activationBytesPerImage. */
  readonly totalBytes: number;
  readonly limitBytes: number;
  /** The largest batch within the limit; 0 when not even one image fits. */
  readonly maxBatch: number;
}

/**
 * A training step that will not fit: MEM001 at `--batch` when a smaller batch fits, MEM002 at
 * the spec field to change when not even one image does. Carries the estimate it came from.
 */
export interface MemoryProblem extends Problem {
  readonly code: 'MEM001' | 'MEM002';
  readonly estimate: MemoryEstimate;
}

/**
 * The estimate for a built training graph (pretraining's, or fine-tuning's classifier) at a
 * micro-batch size. Example: for models/mnist-tiny.ts at batch 256 the total is about 0.24 GiB.
 */
export function estimateMemory(graph: Graph, batch: number, limitBytes: number): MemoryEstimate {
  const perImage = activationBytes(graph);
  const state = trainingStateBytes(graph);
  const maxBatch = limitBytes <= state || perImage <= 0 ? 0 : Math.floor((limitBytes - state) / perImage);
  return { batch, activationBytesPerImage: perImage, trainingStateBytes: state, totalBytes: state + batch * perImage, limitBytes, maxBatch };
}

/**
 * Whether a training step of `spec` at micro-batch `batch` fits in `limitBytes` (by default
 * the wasm heap less headroom, 3.5 GiB): no problems when it does, else one problem with the
 * figures and what to change. Pure: it builds the spec's training graph (MAE proper, or the
 * symmetric baseline where `maskTokensInEncoder`) and measures it; nothing is allocated. The
 * spec must be valid (decodeSpec accepted it), so that its graph is small enough to build.
 *
 * Example: models/mnist-tiny.ts's encoder and decoder without its `image` (so 224x224x3: 3136
 * patches of 4, 389.7 MiB of activations per image) at `checkMemory(spec, 32)` is one MEM001
 * at `--batch`: about 12.18 GiB against 3.50 GiB, `use --batch 9 or less`.
 */
export function checkMemory(spec: MaeSpec, batch: number, limitBytes: number = WASM_TRAINING_LIMIT_BYTES): readonly MemoryProblem[] {
  return checkGraphMemory(buildGraph(spec), batch, limitBytes);
}

/** checkMemory for a graph already built (fine-tuning's classifier, say). */
export function checkGraphMemory(graph: Graph, batch: number, limitBytes: number = WASM_TRAINING_LIMIT_BYTES): readonly MemoryProblem[] {
  const e = estimateMemory(graph, batch, limitBytes);
  if (e.totalBytes <= limitBytes) return [];
  const limit = `expected at most ${bytes(limitBytes)}`;
  const state = `${bytes(e.trainingStateBytes)} of weights, gradients and AdamW state`;
  if (e.maxBatch >= 1)
    return [
      {
        code: 'MEM001',
        path: '--batch',
        message:
          `a training step at batch ${batch} needs about ${bytes(e.totalBytes)}: ${bytes(batch * e.activationBytesPerImage)} of activations ` +
          `(${batch} x ${bytes(e.activationBytesPerImage)} per image) and ${state}; ${limit}: use --batch ${e.maxBatch} or less`,
        estimate: e,
      },
    ];
  if (e.trainingStateBytes >= limitBytes) {
    const params = countParams(graph);
    const part = params.encoder >= params.decoder ? 'encoder' : 'decoder';
    return [
      {
        code: 'MEM002',
        path: `${part}.depth`,
        message: `the model alone needs ${state} (16 bytes per trainable parameter, ${params.trainable.toLocaleString('en-US')} of them); ${limit}: a smaller ${part} (fewer blocks, or a smaller ${part}.width)`,
        estimate: e,
      },
    ];
  }
  return [
    {
      code: 'MEM002',
      path: 'encoder.patch',
      message:
        `one training image needs ${bytes(e.activationBytesPerImage)} of activations besides ${state}; ${limit}: ` +
        `fewer tokens (a larger encoder.patch or a smaller image.size) or a smaller model`,
      estimate: e,
    },
  ];
}

/** `3.50 GiB`, `16.8 MiB`. */
function bytes(n: number): string {
  return n >= GIB ? `${(n / GIB).toFixed(2)} GiB` : `${(n / MIB).toFixed(1)} MiB`;
}
