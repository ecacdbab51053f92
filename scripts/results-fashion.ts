/**
 * Fashion-MNIST results: pretrain an MAE on the train split (60k), then evaluate it with a
 * linear probe, partial fine-tuning (K = 1) and full fine-tuning on the 10k test images, next
 * to the same ViT trained from scratch with the fine-tuning budget. Writes docs/results.md.
 *
 *   npx tsx scripts/results-fashion.ts --budget small   # minutes: proves the pipeline
 *   npx tsx scripts/results-fashion.ts --budget medium  # under half an hour
 *   npx tsx scripts/results-fashion.ts --budget full    # sized for under 2 hours on 2 CPU cores
 *   npx tsx scripts/results-fashion.ts --budget long    # the wider models/fashion-mnist.ts with the
 *                                                       # fine-tuning recipe: many hours, see --continue
 *   ... [--lanes 1]                                     # one stage at a time (default 2)
 *   ... --continue                                      # go on with an interrupted run of that budget
 *
 * The stages run as `maec` child processes in two lanes, each with half of the cores for its
 * training threads: lane 1 pretrains then fine-tunes; lane 2 trains the scratch baseline (it
 * needs no pretrained encoder), then, once pretraining is done, probes and fine-tunes the last
 * block. Each stage's whole output goes to <run>.logs/<stage>.log; the exact command lines are
 * in the report.
 *
 * --continue picks up a run that was stopped (Ctrl-C, a killed session): stages whose log ends
 * in a successful invocation are done and are not run again; pretraining and fine-tuning resume
 * from their checkpoints (`--resume`, exact), the probes start over. A stage's wall-clock is
 * the sum of its logged invocations (an invocation killed with its parent logs no end, and its
 * time is not counted).
 */
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loggedRuns, runMaec } from '../sweep/child.ts';
import { shareCores } from '../runtime/parallel/threads.ts';
import { probeBlr } from '../sweep/stages.ts';
import { writeFileAtomic } from '../runtime/io/atomic.ts';

interface Budget {
  readonly model: string;
  readonly pretrain: readonly string[];
  /** Images the probe's head trains on (its blr follows, see probeBlr). */
  readonly probeTrain: number;
  readonly probe: readonly string[];
  /** Shared by partial, full fine-tuning and scratch: the same budget for each. */
  readonly tune: readonly string[];
  /** Whether partial fine-tuning (K = 1) runs; the long budget spends its time on full fine-tuning. */
  readonly partial: boolean;
  /** Whether a second probe of the mean of the patch tokens (--pool mean) runs beside the cls probe. */
  readonly meanProbe: boolean;
  /** The report this budget writes. */
  readonly report: string;
  /** What the report says about this budget. */
  readonly note: string;
}

type BudgetName = 'small' | 'medium' | 'full' | 'long';

const BUDGETS: Readonly<Record<BudgetName, Budget>> = {
  small: {
    model: 'models/mnist-tiny.ts',
    pretrain: ['--epochs', '1', '--limit', '2000', '--batch', '64', '--checkpoint-every', '0'],
    probeTrain: 2000,
    probe: ['--epochs', '30', '--warmup', '3', '--batch', '256', '--train-limit', '2000', '--test-limit', '1000'],
    tune: ['--epochs', '1', '--warmup', '0.2', '--batch', '64', '--blr', '0.01', '--train-limit', '1000', '--test-limit', '1000'],
    partial: true,
    meanProbe: false,
    report: 'docs/results.md',
    note: 'A few minutes on a subset, to prove the pipeline end to end; these numbers say nothing about what MAE reaches.',
  },
  medium: {
    model: 'models/mnist-tiny.ts',
    pretrain: ['--epochs', '3', '--batch', '128', '--checkpoint-every', '200'],
    probeTrain: 60000,
    probe: ['--epochs', '30', '--warmup', '3', '--batch', '1024'],
    tune: ['--epochs', '1', '--warmup', '0.1', '--batch', '64', '--blr', '0.01'],
    partial: true,
    meanProbe: false,
    report: 'docs/results.md',
    note: 'Shorter than the full budget: fewer pretraining epochs and one fine-tuning epoch.',
  },
  full: {
    model: 'models/mnist-tiny.ts',
    pretrain: ['--epochs', '10', '--batch', '128', '--checkpoint-every', '200'],
    probeTrain: 60000,
    probe: ['--epochs', '90', '--warmup', '10', '--batch', '1024'],
    tune: ['--epochs', '6', '--warmup', '0.5', '--batch', '64', '--blr', '0.01'],
    partial: true,
    meanProbe: false,
    report: 'docs/results.md',
    note: '',
  },
  long: {
    model: 'models/fashion-mnist.ts',
    pretrain: ['--epochs', '20', '--batch', '128', '--checkpoint-every', '200'],
    probeTrain: 60000,
    probe: ['--epochs', '90', '--warmup', '10', '--batch', '1024'],
    // maec finetune's defaults are the paper's recipe (mixup, CutMix, smoothing, RandAugment,
    // random erasing, drop path, layer decay); the test split is scored every 2 epochs.
    tune: ['--epochs', '8', '--warmup', '1', '--batch', '64', '--blr', '0.01', '--eval-every', '2'],
    partial: false,
    meanProbe: true,
    report: 'docs/results-long.md',
    note: 'The six-block, 128-wide encoder of models/fashion-mnist.ts, 20 pretraining epochs, and 8 fine-tuning epochs with the paper\'s recipe (maec finetune\'s defaults); partial fine-tuning is left out. Many hours on two cores: run it with --continue across interruptions.',
  },
};

function flag(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? '') : fallback;
}

function fail(message: string): never {
  process.stderr.write(`results-fashion: ${message}\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
const budgetName = flag(argv, '--budget', 'small');
if (budgetName !== 'small' && budgetName !== 'medium' && budgetName !== 'full' && budgetName !== 'long') fail(`--budget must be small, medium, full or long, got ${budgetName}`);
const lanes = flag(argv, '--lanes', '2');
if (lanes !== '1' && lanes !== '2') fail(`--lanes must be 1 or 2, got ${lanes}`);
const continuing = argv.includes('--continue');
// Two lanes share the cores: each stage's default --threads takes its half.
shareCores(Number(lanes));

const b = BUDGETS[budgetName];
const run = `runs/results-fashion-${budgetName}`;
const data = 'fashion-mnist';
// Stage logs sit beside the run folder: pretraining refuses a run folder that is not empty.
const logs = `${run}.logs`;
if (continuing && !existsSync(logs)) fail(`--continue: ${logs} does not exist; start the run without --continue`);
if (!continuing && (existsSync(run) || existsSync(logs) || existsSync(`${run}-scratch`))) {
  fail(`${run} exists from an earlier run; go on with it (--continue), or move it away or remove it (rm -r ${run} ${run}-scratch ${logs}) first`);
}
mkdirSync(logs, { recursive: true });

interface Stage {
  readonly name: string;
  readonly args: readonly string[];
  /** Folder whose result.json holds the stage's top-1. */
  readonly resultDir?: string;
  /** Whether --continue resumes it from its checkpoint (pretraining, fine-tuning) or starts it over. */
  readonly resumable: boolean;
  /** The folder a fresh start needs empty (pretraining's run folder); --continue clears it when no checkpoint was saved. */
  readonly folder?: string;
}

interface Done {
  readonly stage: Stage;
  readonly seconds: number;
  readonly top1?: number;
}

const probeArgs = ['probe', run, '--data', data, '--blr', String(probeBlr(b.probeTrain)), ...b.probe];
const stage = {
  pretrain: { name: 'pretrain', args: ['pretrain', b.model, '--data', data, '--out', run, ...b.pretrain], resumable: true, folder: run },
  probe: { name: 'linear probe', args: probeArgs, resultDir: join(run, 'probe'), resumable: false },
  probeMean: { name: 'linear probe, mean of the patch tokens', args: [...probeArgs, '--pool', 'mean', '--out', join(run, 'probe-mean')], resultDir: join(run, 'probe-mean'), resumable: false },
  partial: { name: 'partial fine-tuning (K = 1)', args: ['finetune', run, '--data', data, '--blocks', '1', ...b.tune], resultDir: join(run, 'finetune-blocks1'), resumable: true },
  full: { name: 'full fine-tuning', args: ['finetune', run, '--data', data, ...b.tune], resultDir: join(run, 'finetune'), resumable: true },
  scratch: {
    name: 'scratch (same ViT, random init)',
    // Beside the run folder, not in it: scratch starts before pretraining, which refuses a
    // run folder that is not empty.
    args: ['finetune', '--scratch', b.model, '--data', data, '--out', `${run}-scratch`, ...b.tune],
    resultDir: `${run}-scratch`,
    resumable: true,
  },
} satisfies Record<string, Stage>;
/** The evaluations after pretraining besides full fine-tuning, in the order they run. */
const evaluations: Stage[] = [stage.probe, ...(b.meanProbe ? [stage.probeMean] : []), ...(b.partial ? [stage.partial] : [])];

const t0 = performance.now();
/** Stops the other lane's stage when one fails, and both on Ctrl-C (each saves a checkpoint). */
const abort = new AbortController();
// The stages run in their own process groups, so a Ctrl-C reaches them only through here.
process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted: the running stages save a checkpoint and stop\n');
  abort.abort();
});
const clock = () => `${((performance.now() - t0) / 60000).toFixed(1)} min`;

function top1In(s: Stage): number | undefined {
  return s.resultDir ? (JSON.parse(readFileSync(join(s.resultDir, 'result.json'), 'utf8')) as { top1: number }).top1 : undefined;
}

async function runStage(s: Stage): Promise<Done> {
  const log = join(logs, `${s.name.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '')}.log`);
  const logged = continuing && existsSync(log) ? readFileSync(log, 'utf8') : '';
  const before = loggedRuns(logged);
  const earlier = before.reduce((t, r) => t + r.seconds, 0);
  if (before.at(-1)?.code === 0 && (s.resultDir === undefined || existsSync(join(s.resultDir, 'result.json')))) {
    const top1 = top1In(s);
    process.stderr.write(`[${clock()}] ${s.name}: done in an earlier invocation (${(earlier / 60).toFixed(1)} min), not run again\n`);
    return { stage: s, seconds: earlier, ...(top1 !== undefined ? { top1 } : {}) };
  }
  // A stage that started before: pretraining and fine-tuning continue from their checkpoint;
  // a probe (minutes) starts over in a folder of its own.
  let started = before.length > 0 || logged.includes('$ maec ');
  if (started && !s.resumable && s.resultDir) rmSync(s.resultDir, { recursive: true, force: true });
  // Pretraining killed before its first checkpoint cannot resume (fine-tuning's --resume
  // starts over by itself then): its folder holds no state worth keeping, and a fresh start needs it empty.
  if (started && s.folder && !existsSync(join(s.folder, 'checkpoint.safetensors'))) {
    rmSync(s.folder, { recursive: true, force: true });
    started = false;
  }
  const args = started && s.resumable ? [s.args[0]!, '--resume', ...s.args.slice(1)] : s.args;
  process.stderr.write(`[${clock()}] ${started && s.resumable ? 'resume' : 'start'} ${s.name}: maec ${args.join(' ')}  (log: ${log})\n`);
  const r0 = await runMaec(args, resolve('.'), log, abort.signal);
  const r = { ...r0, seconds: r0.seconds + earlier };
  if (r.code !== 0) {
    if (!abort.signal.aborted) {
      process.stderr.write(`[${clock()}] ${s.name} failed with exit status ${r.code}; its output ends:\n${r.tail}\n`);
      abort.abort();
    }
    throw new Error(`${s.name} did not finish`);
  }
  const top1 = top1In(s);
  process.stderr.write(`[${clock()}] done ${s.name} in ${(r.seconds / 60).toFixed(1)} min${top1 === undefined ? '' : `: top-1 ${(100 * top1).toFixed(2)}%`}\n`);
  return { stage: s, seconds: r.seconds, ...(top1 !== undefined ? { top1 } : {}) };
}

async function sequence(stages: readonly Stage[], before?: Promise<unknown>): Promise<Done[]> {
  const done: Done[] = [];
  for (const [i, s] of stages.entries()) {
    if (i === 1 && before) await before;
    done.push(await runStage(s));
  }
  return done;
}

const started = new Date();
let results: Done[] = [];
try {
if (lanes === '1') {
  results = await sequence([stage.pretrain, ...evaluations, stage.full, stage.scratch]);
} else {
  // Lane 2 starts with scratch, which needs no pretrained encoder; its later stages wait for
  // pretraining (lane 1's first stage).
  let pretrained!: () => void;
  const pretrainDone = new Promise<void>((r) => (pretrained = r));
  const lane1 = (async () => {
    const first = await runStage(stage.pretrain);
    pretrained();
    return [first, ...(await sequence([stage.full]))];
  })();
  const lane2 = sequence([stage.scratch, ...evaluations], pretrainDone);
  const [one, two] = await Promise.all([lane1, lane2]);
  results = [one[0]!, ...two.slice(1), one[1]!, two[0]!];
}
} catch {
  // A lane failed (reported above) or was stopped because the other failed; no report is written.
  process.exit(1);
}
const wall = (performance.now() - t0) / 1000;

const pct = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(2)}%`);
const top1Of = (s: Stage) => results.find((r) => r.stage === s)?.top1;
const testImages = b.tune.includes('--test-limit') ? b.tune[b.tune.indexOf('--test-limit') + 1] : '10000';
const aims = [
  `fine-tuned MAE at least 92%: ${pct(top1Of(stage.full))}, ${(top1Of(stage.full) ?? 0) >= 0.92 ? 'met' : 'not met'}`,
  `fine-tuned MAE above scratch: ${pct(top1Of(stage.full))} vs ${pct(top1Of(stage.scratch))}, ${(top1Of(stage.full) ?? 0) > (top1Of(stage.scratch) ?? 1) ? 'met' : 'not met'}`,
  `linear probe at least 85%: ${pct(top1Of(stage.probe))}, ${(top1Of(stage.probe) ?? 0) >= 0.85 ? 'met' : 'not met'}`,
  ...(b.meanProbe ? [`linear probe of the mean patch token at least 85%: ${pct(top1Of(stage.probeMean))}, ${(top1Of(stage.probeMean) ?? 0) >= 0.85 ? 'met' : 'not met'}`] : []),
];
const md = `# Results: Fashion-MNIST

Produced by \`npx tsx scripts/results-fashion.ts --budget ${budgetName}${lanes === '1' ? ' --lanes 1' : ''}\`${continuing ? ` (and \`--continue\` after interruptions), finished` : ''} on ${started.toISOString().slice(0, 10)}.
Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.
${continuing ? `Stage wall-clocks sum every invocation of the stage; the last invocation of the script took ${(wall / 60).toFixed(1)} min` : `Total wall-clock ${(wall / 60).toFixed(1)} min`}, ${lanes === '1' ? 'one stage at a time' : 'two stages at a time (one per core, see the script)'}.
${b.note === '' ? '' : `\n**Budget: ${budgetName}.** ${b.note}\n`}
Top-1 on ${testImages} Fashion-MNIST test images; model \`${b.model}\`.

| stage | top-1 | wall-clock |
| --- | --- | --- |
${results.map((r) => `| ${r.stage.name} | ${pct(r.top1)} | ${(r.seconds / 60).toFixed(1)} min |`).join('\n')}

Aims (issue: fine-tuned at least 92% and above scratch at the same budget; linear probe at least 85%):
${aims.map((a) => `- ${a}`).join('\n')}

Commands (the stage wall-clocks above are of these processes, start-up included):

\`\`\`
${results.map((r) => `npx maec ${r.stage.args.join(' ')}`).join('\n')}
\`\`\`

Each evaluation folder under \`${run}/\` (and \`${run}-scratch/\`) holds result.json (per-class accuracy, confusion counts),
confusion.png and metrics.jsonl; \`${logs}/\` holds every stage's output. See
docs/evaluation.md for the recipes and their deviations.
`;
await writeFileAtomic(b.report, md);
process.stderr.write(`\nwrote ${b.report} (${(wall / 60).toFixed(1)} min)\n`);
