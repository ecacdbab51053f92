/**
 * What a sweep runs: one variant per exported spec, with the ablation axes read from the spec
 * itself (not parsed from its name) and the compiler's cost analysis.
 */
import type { MaeSpec, MaskStrategy, PretrainAugment } from '../../dsl/index.ts';

/** The axes of the paper's Table 1 and Figure 5, as one variant sets them. */
export interface Axes {
  readonly maskRatio: number;
  readonly strategy: MaskStrategy;
  readonly decoderDepth: number;
  readonly decoderWidth: number;
  /** Table 1c: true is the symmetric baseline (mask tokens through the encoder). */
  readonly maskTokensInEncoder: boolean;
  /** Table 1d: the reconstruction target. */
  readonly target: 'pixels' | 'norm-pixels';
  /** Table 1e: the pretraining augmentation. */
  readonly augment: PretrainAugment;
}

/** The axis names in column order, with their column headers. */
export const AXIS_COLUMNS: readonly (readonly [keyof Axes, string])[] = Object.freeze([
  ['maskRatio', 'mask ratio'],
  ['strategy', 'strategy'],
  ['decoderDepth', 'decoder depth'],
  ['decoderWidth', 'decoder width'],
  ['maskTokensInEncoder', 'mask tokens in encoder'],
  ['target', 'target'],
  ['augment', 'augmentation'],
] as const);

export interface SweepVariant {
  /** The compiler's name for the spec: a grid point's `mask=0.5`, or `table[1]`, `sizes.small`. */
  readonly name: string;
  /** The variant's folder under the sweep's output folder. */
  readonly dir: string;
  readonly spec: MaeSpec;
  readonly axes: Axes;
  /** Forward FLOPs per image, in 10^9. */
  readonly gflops: number;
  /** Training-step FLOPs of the symmetric baseline over this variant's. */
  readonly speedup: number;
}

/** Reads the ablation axes off a spec. */
export function axesOf(spec: MaeSpec): Axes {
  return {
    maskRatio: spec.mask.ratio,
    strategy: spec.mask.strategy,
    decoderDepth: spec.decoder.depth,
    decoderWidth: spec.decoder.width,
    maskTokensInEncoder: spec.maskTokensInEncoder,
    target: spec.normPixLoss ? 'norm-pixels' : 'pixels',
    augment: spec.augment,
  };
}

/**
 * A folder name for a variant: the name with anything but letters, digits and `._=,+-`
 * replaced by `_`; an empty name (a grid without axes) falls back to `fallback`.
 * Example: `folderName('mask=0.5,decoder.depth=1', 'x')` is `mask=0.5,decoder.depth=1`,
 * `folderName('table[1]', 'x')` is `table_1_`.
 */
export function folderName(name: string, fallback: string): string {
  const safe = (name === '' ? fallback : name).replace(/[^A-Za-z0-9._=,+-]/g, '_');
  return safe === '.' || safe === '..' ? `_${safe}` : safe;
}

/** The compiled specs a sweep receives from compileFile, reduced to what it needs. */
export interface CompiledLike {
  readonly name: string;
  readonly exportName: string;
  readonly spec: MaeSpec;
  readonly report: { readonly flops: { readonly forward: { readonly total: number } }; readonly speedup: { readonly step: number } };
}

/**
 * One variant per compiled spec, in file order. Folder names are unique: a clash (two names
 * that sanitise alike) gets `-2`, `-3`.
 */
export function toVariants(specs: readonly CompiledLike[]): SweepVariant[] {
  const used = new Set<string>();
  return specs.map((s) => {
    const base = folderName(s.name, s.exportName);
    let dir = base;
    for (let n = 2; used.has(dir); n++) dir = `${base}-${n}`;
    used.add(dir);
    return { name: s.name === '' ? s.exportName : s.name, dir, spec: s.spec, axes: axesOf(s.spec), gflops: s.report.flops.forward.total / 1e9, speedup: s.report.speedup.step };
  });
}
