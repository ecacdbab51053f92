/**
 * Splitting a batch over training threads. Host inputs are flat arrays whose first dimension is
 * the batch; a shard is a run of whole samples. Every loss maec trains is a mean over the batch
 * with the same weight per sample (the MAE loss: every image has the same number of masked
 * patches), so the batch's loss and gradient are the shards' weighted by their share of samples.
 */
import type { InputName } from '../../compiler/ir/types.ts';

/** A host-side input: values and shape, batch first. */
export interface HostTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export type HostInputs = { readonly [K in InputName]?: HostTensor };

/** Shard sizes for `batch` samples over at most `threads` threads: as equal as possible, larger first, none empty. */
export function shardSizes(batch: number, threads: number): number[] {
  const n = Math.max(1, Math.min(threads, batch));
  const base = Math.floor(batch / n);
  const extra = batch % n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Samples [start, start + size) of a batch-first host tensor. */
export function sliceSamples(t: HostTensor, start: number, size: number): HostTensor {
  const perSample = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: t.data.slice(start * perSample, (start + size) * perSample), shape: [size, ...t.shape.slice(1)] };
}

/** The shards of `inputs` for `sizes` (from shardSizes), in order. */
export function splitInputs(inputs: HostInputs, sizes: readonly number[]): HostInputs[] {
  let start = 0;
  return sizes.map((size) => {
    const shard = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, sliceSamples(t as HostTensor, start, size)])) as HostInputs;
    start += size;
    return shard;
  });
}

/** Per-sample arrays (drop-path keep draws [N]) split like the inputs. */
export function splitPerSample(values: ReadonlyMap<string, Float32Array>, sizes: readonly number[]): Map<string, Float32Array>[] {
  let start = 0;
  return sizes.map((size) => {
    const shard = new Map([...values].map(([id, v]) => [id, v.slice(start, start + size)]));
    start += size;
    return shard;
  });
}
