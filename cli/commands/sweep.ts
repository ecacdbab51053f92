import { shareCores } from '../../runtime/parallel/threads.ts';
import { BACKEND_FLAG, BACKEND_HELP } from '../backend-flag.ts';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUDGET_FLAGS, BUDGETS, createSweepView, isBudgetName, runSweep, sweepFiles, toVariants, withControls, withOverrides, type Budget, type BudgetOverrides } from '../../sweep/index.ts';
import { describeFlags } from '../args.ts';
import { intFlag, numberFlag } from '../numbers.ts';
import { commandArgs, usageError } from '../prologue.ts';
import type { Command } from '../command.ts';
import { displayPath, formatDiagnostic } from '../model-file/location.ts';
import { compileFile } from '../model-file/pipeline.ts';
import { ModelChecker } from '../model-file/typecheck.ts';
import { writeFileAtomic } from '../../runtime/io/atomic.ts';
import { acquireLock, LockError } from '../../runtime/io/lock.ts';
import { EXIT, type ExitCode } from '../exit.ts';
import { watchInterrupt } from '../interrupt.ts';
import type { Io } from '../io.ts';
import { parseRedisUrl } from '../../sweep/queue.ts';

const FLAGS = {
  data: { kind: 'string', value: 'SRC', help: 'labelled dataset for every stage (required), e.g. fashion-mnist, synthetic:train=64,test=32' },
  budget: { kind: 'string', value: 'NAME', help: 'tiny, small, medium or full (default tiny); the flags below override parts of it' },
  epochs: { kind: 'string', value: 'N', help: 'pretraining epochs' },
  batch: { kind: 'string', value: 'B', help: 'pretraining batch size' },
  'probe-epochs': { kind: 'string', value: 'N', help: 'linear-probe epochs' },
  'finetune-epochs': { kind: 'string', value: 'N', help: 'fine-tuning epochs' },
  limit: { kind: 'string', value: 'N', help: 'training images used by every stage' },
  'test-limit': { kind: 'string', value: 'N', help: 'test images the probe and fine-tuning are scored on' },
  workers: { kind: 'string', value: 'N', help: 'variants run in parallel, each stage a child process (default 1)' },
  seed: { kind: 'string', value: 'S', help: 'base seed (default 0): the first run of every entry, in its own folder' },
  seeds: { kind: 'string', value: 'N', help: 'runs per variant and control, seeds S..S+N-1, each pretrained (variants), probed and fine-tuned with its seed; seed s != S in <entry>,seed=<s>/ (default 1)' },
  labels: { kind: 'string', value: 'LIST', help: 'label protocols, percentages of the training images with labels, e.g. 100,10,1 (default 100): each probe and fine-tuning again on a fixed class-stratified subset' },
  backend: { ...BACKEND_FLAG, help: `${BACKEND_HELP}; passed to every stage` },
  'no-control': { kind: 'boolean', help: 'leave out the no-pretraining control row' },
  out: { kind: 'string', value: 'DIR', help: 'sweep folder (default sweeps/<model file name>); with --queue on a filesystem every worker reaches at the same path' },
  queue: { kind: 'string', value: 'URL', help: 'redis://HOST:PORT[/DB]: enqueue the stages for `maec worker`s on any machine instead of running them here' },
  attempts: { kind: 'string', value: 'N', help: 'with --queue: tries per stage before it counts as failed (default 3)' },
  'retry-delay': { kind: 'string', value: 'S', help: 'with --queue: seconds before the first retry of a failed stage, doubling after (default 5)' },
} as const;

const HELP = `usage: maec sweep <ablation.ts> --data SRC [--budget tiny|small|medium|full] [flags]

Runs an ablation study: every spec the model file exports (grid(...) lists, arrays or records
of specs) is pretrained, linear-probed and fine-tuned, each stage a 'maec' child process, with
--workers variants at a time. Every variant gets the same budget:

${Object.entries(BUDGETS)
  .map(([n, b]) => `  ${n.padEnd(Math.max(...Object.keys(BUDGETS).map((k) => k.length)))}  pretrain ${b.epochs} epochs (batch ${b.batch}), probe ${b.probeEpochs}, fine-tune ${b.finetuneEpochs}; ${b.limit ?? 'all'} train / ${b.testLimit ?? 'all'} test images`)
  .join('\n')}

The sweep adds a control of its own, 'no pretraining': the same probe and fine-tuning of the
variants' encoder at its random initialisation (one per distinct encoder), in folder
no-pretraining/. It costs no pretraining, and it is what every variant has to beat: at a budget
too small for pretraining to matter the variants sit at the control's numbers.

The sweep folder receives one folder per variant (spec.json, run/ with the pretraining run and
its probe/ and finetune/ results, a log per stage, result.json when finished, error.log when a
stage failed), results.csv and results.md (a row per variant and label protocol: its axes,
linear-probe and fine-tune top-1, pretraining's last held-out loss beside the trivial
predictor's, pretraining wall-clock, GFLOPs per image, speedup over the symmetric baseline;
then the control's rows), runs.csv (a row per variant and seed) and PNG plots: accuracy
vs mask ratio when the sweep varies it, bars for other axes, the control drawn in each.

Seeds (--seeds N): every variant and every control runs N times, with seeds S, S+1, ...,
S+N-1 (S = --seed): a variant's pretraining, probe and fine-tuning all take the run's seed,
a control's probe and fine-tuning too (its random encoder changes with it). Seed S uses the
entry's folder, seed s its sibling <entry>,seed=<s>/. results.csv and results.md give every
metric's mean, sample standard deviation (n - 1) and n over the finished seeds, runs.csv each
run's raw values, and the plots ±1 sd error bars.

Label protocols (--labels 100,10,1): pretraining is shared; the probe and fine-tuning run
again for each protocol p, on all labels (p = 100: run/probe, run/finetune) or with
'--labels p%' (run/probe-labels<p>, run/finetune-labels<p>; a control's in its folder).
Fine-tuning on p% runs min(fine-tune epochs * 100 / p, 50) epochs (about the same number of
steps as on all labels, capped) at batch 64, or half the subset when that is smaller; the
probe keeps its epochs, its blr scaled to the subset.

Re-running the same command continues: finished variants are skipped, an interrupted
pretraining resumes from its checkpoint, failed variants are tried again. A failed variant is
reported and the others go on. Ctrl-C (or SIGTERM) asks every running stage to save a
checkpoint and stop, writes the table so far and exits 130; a second Ctrl-C quits at once.

flags:
${describeFlags(FLAGS)}

On several machines (--queue): every stage is a job on a BullMQ queue in Redis, an entry's
stages a flow (probe after pretraining, fine-tuning after the probe), and 'maec worker
--queue URL' on each machine runs them with the same commands and files as here. The sweep
folder (--out) must be on a filesystem every worker sees at the same absolute path. The
command enqueues what the folder lacks, follows the jobs and writes the same table and plots.
A failed stage is retried --attempts times (its log tail is the job's failure reason and in
error.log); a stage whose worker died is taken by another worker and resumes from its
checkpoint. Ctrl-C stops enqueueing and following, leaving the queued jobs to the workers;
re-running the same command follows them again and enqueues failed entries afresh.

A re-run into a sweep folder must use the same --data, budget, --seed, --seeds and --labels
(a sweep.json from before --seeds and --labels counts as --seeds 1 --labels 100).

exit status: 0 every variant finished, 1 some variant failed (or the model file has errors,
or Redis cannot be reached), 2 usage error, 130 interrupted.

examples:
  maec sweep models/ablations/mask-ratio.ts --data fashion-mnist --budget tiny --workers 2
  maec sweep models/ablations/decoder-depth.ts --data fashion-mnist --epochs 2 --limit 2000
  maec sweep models/ablations/mask-ratio-token.ts --data fashion-mnist --budget small --seeds 3 --labels 100,10
  maec sweep models/ablations/mask-ratio.ts --data fashion-mnist --queue redis://10.0.0.5:6379 --out /shared/sweeps/mask-ratio
`;

let checker: ModelChecker | undefined;

/** The settings a sweep folder was made with; a re-run into it must use the same. */
interface Settings {
  readonly data: string;
  readonly budget: Budget;
  readonly seed: number;
  /** Absent in sweep.json files from before --seeds: 1. */
  readonly seeds: number;
  /** Absent in sweep.json files from before --labels: [100]. */
  readonly labels: readonly number[];
}

/**
 * --labels: percentages in (0, 100], integers or decimals, comma-separated, no duplicates;
 * the protocols in the order given. Example: `parseLabels('100,10,1')` is [100, 10, 1].
 */
export function parseLabels(text: string): number[] | string {
  const parts = text.split(',').map((x) => x.trim());
  const out: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(part)) return `--labels: item ${i + 1} (${JSON.stringify(part)}) is not a number; give percentages such as 100,10,1`;
    const p = Number(part);
    if (!(p > 0 && p <= 100)) return `--labels: item ${i + 1} (${part}) is outside (0, 100]: a percentage of the training images`;
    if (out.includes(p)) return `--labels: ${part} is given twice`;
    out.push(p);
  }
  return out;
}

/** `maec sweep`: see HELP. */
export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'ablation study: pretrain, probe and fine-tune every variant of a model file',
  help: HELP,
  async run(argv, io) {
    const args = commandArgs(argv, FLAGS, io, sweepCommand);
    if (typeof args === 'number') return args;
    const f = args.flags;
    if (args.positionals.length !== 1) return usage(io, args.positionals.length === 0 ? 'missing <ablation.ts>' : `expected one model file, got ${args.positionals.length}`);
    if (f.data === undefined) return usage(io, 'missing --data SRC');
    const budgetName = f.budget ?? 'tiny';
    if (!isBudgetName(budgetName)) return usage(io, `--budget must be one of ${Object.keys(BUDGETS).join(', ')}, found ${budgetName}`);
    const overrides: Record<string, number> = {};
    for (const [key, flag] of Object.entries(BUDGET_FLAGS)) {
      const text = f[flag as keyof typeof f] as string | undefined;
      if (text === undefined) continue;
      const n = intFlag(text, flag, 0, 1);
      if (typeof n === 'string') return usage(io, n);
      overrides[key] = n;
    }
    const workers = intFlag(f.workers, 'workers', 1, 1);
    if (typeof workers === 'string') return usage(io, workers);
    const seed = intFlag(f.seed, 'seed', 0, 0);
    if (typeof seed === 'string') return usage(io, seed);
    const seeds = intFlag(f.seeds, 'seeds', 1, 1);
    if (typeof seeds === 'string') return usage(io, seeds);
    const labels = f.labels === undefined ? [100] : parseLabels(f.labels);
    if (typeof labels === 'string') return usage(io, labels);
    const redis = f.queue === undefined ? undefined : parseRedisUrl(f.queue);
    if (typeof redis === 'string') return usage(io, redis);
    if (redis && f.workers !== undefined) return usage(io, '--workers runs stages here; with --queue each `maec worker` sets its own --concurrency');
    if (!redis) for (const flag of ['attempts', 'retry-delay'] as const) if (f[flag] !== undefined) return usage(io, `--${flag} needs --queue`);
    const attempts = intFlag(f.attempts, 'attempts', 3, 1);
    if (typeof attempts === 'string') return usage(io, attempts);
    const retryDelay = numberFlag(f['retry-delay'], 'retry-delay', 5);
    if (typeof retryDelay === 'string') return usage(io, retryDelay);

    const path = resolve(io.cwd, args.positionals[0]!);
    checker ??= new ModelChecker();
    const compiled = await compileFile(path, checker);
    if (compiled.kind === 'usage') return usage(io, compiled.message.replace(path, displayPath(path, io.cwd)));
    if (compiled.kind === 'errors') {
      io.err(`${compiled.diagnostics.map((d) => formatDiagnostic(d, io.cwd)).join('\n')}\n`);
      return EXIT.modelError;
    }
    const variants = toVariants(compiled.specs);
    const entries = f['no-control'] === true ? variants : withControls(variants);
    const controls = entries.length - variants.length;
    const stem = path.replace(/^.*[\\/]/, '').replace(/\.(ts|mts)$/, '');
    const dir = resolve(io.cwd, f.out ?? `sweeps/${stem}`);
    const settings: Settings = { data: f.data, budget: withOverrides(BUDGETS[budgetName], overrides as BudgetOverrides), seed, seeds, labels };
    const clash = checkSettings(sweepFiles(dir).settings, settings);
    if (clash) return usage(io, `${displayPath(dir, io.cwd)} holds a sweep with other settings (${clash}); use the same flags to continue it, or another --out`);
    mkdirSync(dir, { recursive: true });
    // One sweep per folder: a second would run the same stages twice.
    let lock;
    try {
      lock = acquireLock(dir, `sweep folder ${displayPath(dir, io.cwd)}`, `maec sweep ${argv.join(' ')}`);
    } catch (e) {
      if (!(e instanceof LockError)) throw e;
      io.err(`maec sweep: ${e.message}\n`);
      return EXIT.modelError;
    }
    try {
      const writeSettings = () => writeFileAtomic(sweepFiles(dir).settings, `${JSON.stringify(settings, null, 2)}\n`);
      // With --queue, once Redis answered: an unreachable queue leaves the folder as it was.
      if (!redis) await writeSettings();

      const where = redis ? `queue ${redis.shown}` : `${workers} worker${workers === 1 ? '' : 's'}`;
      const protocols = labels.length === 1 && labels[0] === 100 ? '' : `, label protocols ${labels.map((p) => `${p}%`).join(' ')}`;
      io.out(`sweep of ${variants.length} variants${controls > 0 ? ` and ${controls === 1 ? 'a no-pretraining control' : `${controls} no-pretraining controls`}` : ''}${seeds > 1 ? `, seeds ${seed}-${seed + seeds - 1}` : ''}${protocols} from ${displayPath(path, io.cwd)} into ${displayPath(dir, io.cwd)}, ${where}, budget ${budgetName}${Object.keys(overrides).length ? ' (overridden)' : ''}\n`);
      const t0 = performance.now();
      const stop = new AbortController();
      const interrupt = watchInterrupt(io, 'sweep', {
        message: redis
          ? 'nothing more is enqueued; the queued stages stay with the workers (Ctrl-C again to quit now)'
          : 'the running stages save a checkpoint and stop, no new stage starts (Ctrl-C again to quit now)',
        onRequest: () => stop.abort(),
      });
      const common = {
        entries,
        seeds,
        dir,
        title: stem,
        stages: { data: settings.data, budget: settings.budget, seed, backend: f.backend, labels },
        cwd: io.cwd,
        view: createSweepView(io.out, process.stdout.isTTY === true && io.cwd === process.cwd()),
        command: `maec sweep ${argv.join(' ')}`,
        signal: stop.signal,
      };
      let summary;
      try {
        summary = redis
          ? await (await import('../../sweep/queued-sweep.ts')).runQueuedSweep({ ...common, redis, retry: { attempts, backoffMs: retryDelay * 1000 }, onConnected: writeSettings })
          : await runSweep({ ...common, workers: withCoreShare(workers) });
      } catch (e) {
        if (!redis || !(e instanceof Error) || e.name === 'TypeError' || e.name === 'ReferenceError') throw e;
        io.err(`maec sweep: ${e.message}\n`);
        return EXIT.modelError;
      } finally {
        interrupt.dispose();
      }
      const files = sweepFiles(dir);
      const finished = summary.runs - summary.failed - summary.interrupted;
      io.out(
        `${finished}/${summary.runs} ${seeds > 1 ? 'runs ' : ''}finished (${summary.skipped} skipped as already done), ${summary.failed} failed${summary.interrupted > 0 ? `, ${summary.interrupted} not run (interrupted)` : ''}, in ${((performance.now() - t0) / 1000).toFixed(0)}s\n` +
          `wrote ${[files.csv, files.runs, files.markdown, ...summary.plots].map((p) => displayPath(p, io.cwd)).join(', ')}\n`,
      );
      if (interrupt.requested()) {
        io.err(`interrupted: re-run the same command to continue\n`);
        return EXIT.interrupted;
      }
      return summary.failed > 0 ? EXIT.modelError : EXIT.ok;
    } finally {
      lock.release();
    }
  },
};

/** What differs between the recorded settings and these, or undefined when they agree (or none are recorded). */
function checkSettings(path: string, now: Settings): string | undefined {
  if (!existsSync(path)) return undefined;
  let before: Partial<Settings>;
  try {
    before = JSON.parse(readFileSync(path, 'utf8')) as Partial<Settings>;
  } catch {
    return undefined;
  }
  const diffs: string[] = [];
  if (before.data !== now.data) diffs.push(`data ${before.data}`);
  if (before.seed !== now.seed) diffs.push(`seed ${before.seed}`);
  const seeds = before.seeds ?? 1;
  if (seeds !== now.seeds) diffs.push(`--seeds ${seeds}`);
  const labels = before.labels ?? [100];
  if (JSON.stringify(labels) !== JSON.stringify(now.labels)) diffs.push(`--labels ${labels.join(',')}`);
  if (JSON.stringify(before.budget) !== JSON.stringify(now.budget)) diffs.push(`budget ${JSON.stringify(before.budget)}`);
  return diffs.length > 0 ? diffs.join(', ') : undefined;
}

const usage = (io: Io, message: string): ExitCode => usageError(io, 'sweep', message);

/** `workers`, after giving each stage its share of the cores for its default --threads (runtime/parallel/threads.ts). */
function withCoreShare(workers: number): number {
  shareCores(workers);
  return workers;
}
