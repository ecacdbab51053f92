/**
 * Where a sweep keeps its files. Finished work is recognised from these files alone, so a
 * re-run of the same command continues where the last one stopped.
 *
 *   sweeps/NAME/sweep.json               the sweep's settings (a re-run must match them)
 *   sweeps/NAME/results.csv, results.md  one row per variant; *.png plots
 *   sweeps/NAME/<variant>/spec.json      the spec the stages train
 *   sweeps/NAME/<variant>/run/           maec pretrain's run folder
 *   sweeps/NAME/<variant>/pretrain.json  written when pretraining finished: its wall-clock
 *   sweeps/NAME/<variant>/run/probe/result.json, run/finetune/result.json
 *   sweeps/NAME/<variant>/result.json    written last: the variant is finished
 *   sweeps/NAME/<variant>/error.log      the failed stage's command and output tail
 *   sweeps/NAME/<variant>/<stage>.log    each stage's full output
 *   sweeps/NAME/no-pretraining/          the control: spec.json, probe/ and finetune/ (no run/),
 *                                        logs and result.json as a variant's
 */
import { join } from 'node:path';

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
  };
}

export function sweepFiles(sweepDir: string) {
  return {
    settings: join(sweepDir, 'sweep.json'),
    csv: join(sweepDir, 'results.csv'),
    markdown: join(sweepDir, 'results.md'),
    plot: (name: string) => join(sweepDir, `${name}.png`),
  };
}
