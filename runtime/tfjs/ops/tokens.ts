import * as tf from '@tensorflow/tfjs-core';
import type { LoweringPolicy } from '../lowering-policy.ts';
import { webgpuKernelNames } from '../webgpu-kernels/names.ts';
import { gatherKernelNames } from '../kernels/gather.ts';

/** x[:, start:end] along axis 1, through tf.split so that the gradient is a concat. */
export function sliceTokens(x: tf.Tensor, start: number, end: number): tf.Tensor {
  const len = x.shape[1]!;
  if (start === 0 && end === len) return x;
  const sizes = [start, end - start, len - end].filter((s) => s > 0);
  const parts = tf.split(x, sizes, 1);
  return parts[start > 0 ? 1 : 0]!;
}

/** A [1, ...] tensor repeated over a batch of n, as a broadcasting add (see policy.broadcast). */
export function broadcastBatch(x: tf.Tensor, n: number): tf.Tensor {
  if (x.shape[0] === n) return x;
  const zerosShape = [n, ...x.shape.slice(1).map(() => 1)];
  return tf.add(tf.zeros(zerosShape), x);
}

/** Concatenation along axis 1; inputs with batch 1 (tokens, tables) are broadcast to n. */
export function concatTokens(inputs: readonly tf.Tensor[], n: number): tf.Tensor {
  return tf.concat(
    inputs.map((t) => broadcastBatch(t, n)),
    1,
  );
}

/** A token [1, 1, D] repeated to [N, count, D]. */
export function expandTokens(token: tf.Tensor, n: number, count: number): tf.Tensor {
  return tf.add(tf.zeros([n, count, 1]), token);
}

/** Row offsets n*L added to ids [N, K], flattened: indices into x reshaped to [N*L, D]. */
function flatIndices(ids: tf.Tensor, rows: number): tf.Tensor1D {
  const [n, k] = ids.shape as [number, number];
  const offsets = tf.reshape(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(rows, 'int32')), [n, 1]); // [N, 1]
  return tf.reshape(tf.add(ids, offsets), [n * k]) as tf.Tensor1D; // [N*K]
}

/**
 * out[n, k, :] = x[n, ids[n, k], :]: x [N, L, D], ids [N, K] int32 -> [N, K, D].
 * With policy.gather 'scatterGrad' the gradient scatters dy back with ScatterNd (the indices of
 * a row are distinct, so the scatter is exact).
 */
export function gatherTokens(policy: LoweringPolicy, x: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const [n, l, d] = x.shape as [number, number, number];
  const k = ids.shape[1]!;
  const flat = flatIndices(ids, l);
  const xFlat = tf.reshape(x, [n * l, d]); // [N*L, D]
  let gathered: tf.Tensor;
  if (policy.gather === 'native') {
    gathered = tf.gather(xFlat, flat);
  } else {
    // The indices are saved on the tape: the forward scope disposes everything it does not save.
    const gather = tf.customGrad((source, save) => {
      (save as tf.GradSaveFunc)([flat]);
      return {
        value: tf.gather(source as tf.Tensor2D, flat), // [N*K, D]
        gradFunc: (dy: tf.Tensor, [ids]: tf.Tensor[]) => tf.scatterND(tf.reshape(ids!, [n * k, 1]), dy, [n * l, d]),
      };
    });
    gathered = gather(xFlat);
  }
  return tf.reshape(gathered, [n, k, d]);
}

/**
 * gatherTokens as a pair of kernels: `gather` (inputs x [N, L, D], ids [N, K]) reads the rows
 * directly, with no flat indices, and `scatter` (inputs dy, ids; attr length L) is its gradient.
 * float32 x and int32 ids; anything else takes gatherTokens with the target's policy.
 */
function gatherWith(names: { readonly gather: string; readonly scatter: string }) {
  return (policy: LoweringPolicy, x: tf.Tensor, ids: tf.Tensor): tf.Tensor => {
    if (x.dtype !== 'float32' || ids.dtype !== 'int32' || x.rank !== 3 || ids.rank !== 2) return gatherTokens(policy, x, ids);
    const l = x.shape[1]!;
    const gather = tf.customGrad((source, save) => {
      (save as tf.GradSaveFunc)([ids]);
      return {
        value: tf.engine().runKernel(names.gather, { x: source as tf.Tensor, ids }) as tf.Tensor,
        gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.engine().runKernel(names.scatter, { dy, ids: saved! }, { length: l }) as tf.Tensor,
      };
    });
    return gather(x);
  };
}

/**
 * gatherTokens as maec's WebGPU kernels (runtime/tfjs/webgpu-kernels/gather.ts): the gather and
 * its gradient's scatter, one dispatch each.
 */
export const gatherTokensWithWebGpuKernels = gatherWith(webgpuKernelNames);

/**
 * gatherTokens as maec's wasm kernels (runtime/tfjs/kernels/gather.ts): row copies on the heap in
 * place of flat indices + GatherV2, and of ScatterNd in the gradient. The same values and
 * gradients as gatherTokens, bit for bit (tests/kernels/gather-kernel.test.ts).
 */
export const gatherTokensWithWasmKernels = gatherWith(gatherKernelNames);
