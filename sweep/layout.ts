/**
 * Where a sweep keeps its files. Finished work is recognised from these files alone, so a
 * re-run of the same command continues where the last one stopped.
 *
 *   sweeps/NAME/sweep.json               the sweep's settings (a re-run must match them)
 *   sweeps/NAME/results.csv, results.md  one row per entry and label protocol: mean, sd, n over seeds; *.png plots
 *   sweeps/NAME/runs.csv                 one row per entry and seed: the raw values
 *   sweeps/NAME/<variant>/spec.json      the spec the stages train
 *   sweeps/NAME/<variant>/run/           maec pretrain's run folder
 *   sweeps/NAME/<variant>/pretrain.json  written when pretraining finished: its wall-clock
 *   sweeps/NAME/<variant>/run/probe/result.json, run/finetune/result.json   (all labels)
 *   sweeps/NAME/<variant>/run/probe-labels<p>/, run/finetune-labels<p>/     (--labels p < 100)
 *   sweeps/NAME/<variant>/result.json    written last: the variant is finished
 *   sweeps/NAME/<variant>/error.log      the failed stage's command and output tail
 *   sweeps/NAME/<variant>/<stage>.log    each stage's full output (probe-labels10.log, ...)
 *   sweeps/NAME/no-pretraining/          the control: spec.json, probe/ and finetune/ (and
 *                                        probe-labels<p>/, finetune-labels<p>/; no run/),
 *                                        logs and result.json as a variant's
 *   sweeps/NAME/<entry>,seed=<s>/        the same for seed s of --seeds other than the base
 *                                        --seed, which uses <entry>/ itself
 */
import { join } from 'node:path';

/** An evaluation stage: the probe or fine-tuning on all labels, or on a label protocol's p% (`probe-labels10`). */
export type EvalStage = 'probe' | 'finetune' | `probe-labels${number}` | `finetune-labels${number}`;

/** The evaluation stage of `kind` for label protocol `labels` (a percentage): 100 is today's `probe`/`finetune`. */
export function evalStage(kind: 'probe' | 'finetune', labels: number): EvalStage {
  return labels === 100 ? kind : `${kind}-labels${labels}`;
}

/** What an evaluation stage is: its kind and label percentage. Example: `probe-labels10` is the probe on 10%. */
export function parseEvalStage(stage: EvalStage): { readonly kind: 'probe' | 'finetune'; readonly labels: number } {
  const m = /^(probe|finetune)(?:-labels(.+))?$/.exec(stage);
  if (!m) throw new Error(`not an evaluation stage: ${stage}`);
  return { kind: m[1] as 'probe' | 'finetune', labels: m[2] === undefined ? 100 : Number(m[2]) };
}

/**
 * The folder of an entry's run with `seed`: the base seed (the sweep's --seed) uses the
 * entry's own folder, as sweeps before --seeds did; another seed the sibling `<folder>,seed=<s>`.
 * Example: `seedFolder('mask=0.75', 1, 0)` is `mask=0.75,seed=1`, `seedFolder('mask=0.75', 0, 0)` is `mask=0.75`.
 */
export function seedFolder(folder: string, seed: number, baseSeed: number): string {
  return seed === baseSeed ? folder : `${folder},seed=${seed}`;
}

export interface VariantPaths {
  readonly dir: string;
  readonly spec: string;
  readonly run: string;
  readonly checkpoint: string;
  readonly pretrainDone: string;
  readonly probe: string;
  readonly probeResult: string;
  readonly finetune: string;
  readonly finetuneResult: string;
  readonly result: string;
  readonly errorLog: string;
  log(stage: string): string;
  /** An evaluation stage's output folder (`probe` is `probe`, `probe-labels10` is `probe-labels10`). */
  evalDir(stage: EvalStage): string;
  /** The result.json an evaluation stage writes last. */
  evalResult(stage: EvalStage): string;
  /** Pretraining's metrics (step and held-out records). */
  readonly metrics: string;
}

/** A variant's files; a control (`kind` 'control') has no pretraining run, so its stages sit in its folder. */
export function variantPaths(sweepDir: string, folder: string, kind: 'variant' | 'control' = 'variant'): VariantPaths {
  const dir = join(sweepDir, folder);
  const run = join(dir, 'run');
  const evals = kind === 'control' ? dir : run;
  return {
    dir,
    spec: join(dir, 'spec.json'),
    run,
    checkpoint: join(run, 'checkpoint.safetensors'),
    pretrainDone: join(dir, 'pretrain.json'),
    probe: join(evals, 'probe'),
    probeResult: join(evals, 'probe', 'result.json'),
    finetune: join(evals, 'finetune'),
    finetuneResult: join(evals, 'finetune', 'result.json'),
    result: join(dir, 'result.json'),
    errorLog: join(dir, 'error.log'),
    log: (stage) => join(dir, `${stage}.log`),
    evalDir: (stage) => join(evals, stage),
    evalResult: (stage) => join(evals, stage, 'result.json'),
    metrics: join(run, 'metrics.jsonl'),
  };
}

export function sweepFiles(sweepDir: string) {
  return {
    settings: join(sweepDir, 'sweep.json'),
    csv: join(sweepDir, 'results.csv'),
    markdown: join(sweepDir, 'results.md'),
    runs: join(sweepDir, 'runs.csv'),
    plot: (name: string) => join(sweepDir, `${name}.png`),
  };
}
