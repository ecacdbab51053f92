/**
 * Preparing the model's weights for `saveSafetensors`, in official or Hugging Face naming and
 * in F32, F16 or BF16.
 */
import { formatShape, shapeSize } from '../io/dtypes.ts';
import type { TensorToWrite } from '../io/safetensors.ts';
import { officialToHf, type NamedArray } from './hf.ts';
import type { Naming } from './names.ts';
import { isFrozenParam, type ExpectedParam } from './params.ts';
import { WeightsError, type WeightProblem } from './problems.ts';

export interface ExportWeightsOptions {
  /** Key convention of the written file (default `official`). */
  readonly naming?: Naming;
  /** Storage precision (default `F32`); F16/BF16 round to nearest even. */
  readonly dtype?: 'F32' | 'F16' | 'BF16';
}

/**
 * Tensors ready for `saveSafetensors`: every expected parameter with its shape, renamed (and qkv
 * split) for HF if asked. Frozen position tables are written when present in `weights`. Throws
 * `WeightsError` listing every missing, unexpected or wrongly sized array.
 *
 * @example
 * await saveSafetensors('mae_hf.safetensors', exportWeights(weights, model.params, { naming: 'hf' }), { format: 'pt' });
 */
export function exportWeights(
  weights: ReadonlyMap<string, Float32Array>,
  expected: readonly ExpectedParam[],
  options: ExportWeightsOptions = {},
): Map<string, TensorToWrite> {
  const problems: WeightProblem[] = [];
  const arrays = new Map<string, NamedArray>();
  const wanted = new Set(expected.map((p) => p.name));
  for (const param of expected) {
    const data = weights.get(param.name);
    if (data === undefined) {
      if (!isFrozenParam(param.name)) problems.push({ code: 'missing', name: param.name, message: `missing (expected shape ${formatShape(param.shape)})` });
    } else if (data.length !== shapeSize(param.shape)) {
      problems.push({ code: 'shape', name: param.name, message: `shape ${formatShape(param.shape)} needs ${shapeSize(param.shape)} values, found ${data.length}` });
    } else {
      arrays.set(param.name, { shape: param.shape, data });
    }
  }
  for (const name of weights.keys()) {
    if (!wanted.has(name)) problems.push({ code: 'unexpected', name, message: 'unexpected array: the model has no such parameter' });
  }
  if (problems.length > 0) throw new WeightsError('<export>', problems);
  const named = options.naming === 'hf' ? officialToHf(arrays, '<export>') : arrays;
  const dtype = options.dtype ?? 'F32';
  return new Map([...named].map(([name, a]) => [name, { dtype, shape: a.shape, data: a.data }]));
}
