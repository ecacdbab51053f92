/**
 * What a sweep runs: one variant per exported spec, with the ablation axes read from the spec
 * itself (not parsed from its name) and the compiler's cost analysis.
 */
import type { MaeSpec, MaskStrategy, PretrainAugment } from '../dsl/index.ts';
import { seedFolder } from './layout.ts';

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

/** A variant the file exports: pretrained, then probed and fine-tuned. */
export interface SweepVariant {
  readonly kind: 'variant';
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

/**
 * The control a sweep adds by itself: the same probe and fine-tuning of an encoder at its
 * random initialisation, no pretraining. Its numbers are what pretraining has to beat, so a
 * variant's row means something only beside it.
 */
export interface ControlEntry {
  readonly kind: 'control';
  readonly name: string;
  readonly dir: string;
  /** The spec whose encoder is probed and fine-tuned (the first variant's that shares it). */
  readonly spec: MaeSpec;
  /** The variants that share this encoder. */
  readonly controls: readonly string[];
}

/** One row of a sweep: a variant, or a control. */
export type SweepEntry = SweepVariant | ControlEntry;

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

/** Hands out folder names, suffixing `-2`, `-3` when two names sanitise alike. */
function uniqueDirs() {
  const used = new Set<string>();
  return (base: string) => {
    let dir = base;
    for (let n = 2; used.has(dir); n++) dir = `${base}-${n}`;
    used.add(dir);
    return dir;
  };
}

/** One variant per compiled spec, in file order, each in its own folder. */
export function toVariants(specs: readonly CompiledLike[]): SweepVariant[] {
  const unique = uniqueDirs();
  return specs.map((s) => ({
    kind: 'variant',
    name: s.name === '' ? s.exportName : s.name,
    dir: unique(folderName(s.name, s.exportName)),
    spec: s.spec,
    axes: axesOf(s.spec),
    gflops: s.report.flops.forward.total / 1e9,
    speedup: s.report.speedup.step,
  }));
}

/**
 * What the probe and fine-tuning of a spec depend on: its encoder, image and LayerNorm eps.
 * The decoder, masking, target and pretraining augmentation only act through pretraining.
 */
function encoderKey(spec: MaeSpec): string {
  return JSON.stringify([spec.image, spec.encoder, spec.layerNormEps]);
}

export const CONTROL_NAME = 'no pretraining';

/**
 * The variants followed by one control per distinct encoder among them: `no pretraining` in
 * folder `no-pretraining` when they share one encoder (every ablation file does), else
 * `no pretraining (<first variant>)` for each. Folder names stay unique.
 * Example: `withControls(toVariants(maskRatioSpecs))` ends with one entry named `no pretraining`.
 */
export function withControls(variants: readonly SweepVariant[]): SweepEntry[] {
  const groups = new Map<string, SweepVariant[]>();
  for (const v of variants) {
    const key = encoderKey(v.spec);
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const unique = uniqueDirs();
  for (const v of variants) unique(v.dir);
  const controls = [...groups.values()].map((members): ControlEntry => {
    const first = members[0]!;
    const name = groups.size === 1 ? CONTROL_NAME : `${CONTROL_NAME} (${first.name})`;
    return { kind: 'control', name, dir: unique(folderName(name.replace(/ /g, '-'), 'control')), spec: first.spec, controls: members.map((m) => m.name) };
  });
  return [...variants, ...controls];
}

/**
 * One run of a sweep: an entry with one of the sweep's seeds. `job` is the entry as its
 * stages see it, its folder the seed's (seedFolder); `label` names the run in progress lines:
 * the entry's name, with ` seed <s>` when the sweep has several seeds.
 */
export interface SweepRun {
  /** The entry's index in the sweep's entries. */
  readonly index: number;
  readonly entry: SweepEntry;
  readonly seed: number;
  readonly job: SweepEntry;
  readonly label: string;
}

/**
 * Every (entry, seed) of a sweep, the base seed's runs first (a sweep stopped early has one
 * run of each entry), then seed base+1's, and so on.
 * Example: two entries with seeds 2 and base 0 give a/0, b/0, a/1 (folder `a,seed=1`), b/1.
 */
export function sweepRuns(entries: readonly SweepEntry[], seeds: number, baseSeed: number): SweepRun[] {
  return Array.from({ length: seeds }, (_, k) => baseSeed + k).flatMap((seed) =>
    entries.map((entry, index) => ({ index, entry, seed, job: { ...entry, dir: seedFolder(entry.dir, seed, baseSeed) }, label: seeds > 1 ? `${entry.name} seed ${seed}` : entry.name })),
  );
}
