/**
 * Fashion-MNIST results: pretrain an MAE on the train split (60k), then evaluate it with a
 * linear probe, partial fine-tuning (K = 1) and full fine-tuning on the 10k test images, next
 * to the same ViT trained from scratch with the fine-tuning budget. Writes docs/results.md.
 *
 *   npx tsx scripts/results-fashion.ts --budget small   # minutes: proves the pipeline
 *   npx tsx scripts/results-fashion.ts --budget medium  # under an hour: whole train split, smaller model
 *   npx tsx scripts/results-fashion.ts --budget full    # sized for ~2 hours on 2 CPU cores
 *
 * Every stage runs the CLI command in-process, with the exact arguments printed in the report.
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finetuneCommand } from '../cli/commands/finetune.ts';
import { pretrainCommand } from '../cli/commands/pretrain.ts';
import { probeCommand } from '../cli/commands/probe.ts';
import type { Command } from '../cli/command.ts';
import { processIo } from '../cli/io.ts';
import { writeFileAtomic } from '../runtime/io/atomic.ts';

interface Budget {
  readonly model: string;
  readonly pretrain: readonly string[];
  /** Images the probe's head trains on (its blr follows, see probeBlr). */
  readonly probeTrain: number;
  readonly probe: readonly string[];
  /** Shared by partial, full fine-tuning and scratch: the same budget for each. */
  readonly tune: readonly string[];
}

/** ImageNet's train size: the recipe's blr 0.1 is scaled by it (runtime/eval/probe.ts). */
const IMAGENET = 1_281_167;
const probeBlr = (n: number) => String(+((0.1 * IMAGENET) / n).toPrecision(2));

type BudgetName = 'small' | 'medium' | 'full';

const BUDGETS: Readonly<Record<BudgetName, Budget>> = {
  small: {
    model: 'models/mnist-tiny.ts',
    pretrain: ['--epochs', '1', '--limit', '2000', '--batch', '64', '--checkpoint-every', '0'],
    probeTrain: 2000,
    probe: ['--epochs', '30', '--warmup', '3', '--batch', '256', '--train-limit', '2000', '--test-limit', '1000'],
    tune: ['--epochs', '1', '--warmup', '0.2', '--batch', '64', '--train-limit', '1000', '--test-limit', '1000'],
  },
  // Under an hour here: the whole train split, a smaller model, one fine-tuning epoch. The
  // fine-tuning blr is raised because one epoch at batch 64 is only ~940 steps.
  medium: {
    model: 'models/mnist-tiny.ts',
    pretrain: ['--epochs', '3', '--batch', '128', '--checkpoint-every', '200'],
    probeTrain: 60000,
    probe: ['--epochs', '30', '--warmup', '3', '--batch', '1024'],
    tune: ['--epochs', '1', '--warmup', '0.1', '--batch', '64', '--blr', '0.004'],
  },
  full: {
    model: 'models/fashion-mnist.ts',
    pretrain: ['--epochs', '6', '--batch', '128', '--checkpoint-every', '200'],
    probeTrain: 60000,
    probe: ['--epochs', '90', '--warmup', '10', '--batch', '1024'],
    tune: ['--epochs', '2', '--warmup', '0.2', '--batch', '64'],
  },
};

function parseBudget(argv: readonly string[]): BudgetName {
  const i = argv.indexOf('--budget');
  const value = i >= 0 ? argv[i + 1] : 'small';
  if (value !== 'small' && value !== 'medium' && value !== 'full') {
    process.stderr.write(`results-fashion: --budget must be small, medium or full, got ${value}\n`);
    process.exit(2);
  }
  return value;
}

interface Stage {
  readonly name: string;
  readonly command: string;
  readonly seconds: number;
  readonly top1?: number;
}

async function stage(name: string, cmd: Command, argv: readonly string[], resultDir?: string): Promise<Stage> {
  const command = `npx maec ${cmd.name} ${argv.join(' ')}`;
  process.stderr.write(`\n== ${name}: ${command}\n`);
  const t0 = performance.now();
  const code = await cmd.run(argv, processIo());
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`${name} failed with exit status ${code}`);
  const top1 = resultDir ? (JSON.parse(readFileSync(join(resultDir, 'result.json'), 'utf8')) as { top1: number }).top1 : undefined;
  return { name, command, seconds, ...(top1 !== undefined ? { top1 } : {}) };
}

const budgetName = parseBudget(process.argv.slice(2));
const b = BUDGETS[budgetName];
const run = `runs/results-fashion-${budgetName}`;
const data = 'fashion-mnist';
const started = new Date();
const stages: Stage[] = [];
stages.push(await stage('pretrain', pretrainCommand, [b.model, '--data', data, '--out', run, ...b.pretrain]));
stages.push(await stage('linear probe', probeCommand, [run, '--data', data, '--blr', probeBlr(b.probeTrain), ...b.probe], join(run, 'probe')));
stages.push(await stage('partial fine-tuning (K = 1)', finetuneCommand, [run, '--data', data, '--blocks', '1', ...b.tune], join(run, 'finetune-blocks1')));
stages.push(await stage('full fine-tuning', finetuneCommand, [run, '--data', data, ...b.tune], join(run, 'finetune')));
stages.push(await stage('scratch (same ViT, random init)', finetuneCommand, ['--scratch', b.model, '--data', data, '--out', `${run}/scratch`, ...b.tune], join(run, 'scratch')));

const pct = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(2)}%`);
const total = stages.reduce((a, s) => a + s.seconds, 0);
const testImages = b.tune.includes('--test-limit') ? b.tune[b.tune.indexOf('--test-limit') + 1] : '10000';
const md = `# Results: Fashion-MNIST

Produced by \`npx tsx scripts/results-fashion.ts --budget ${budgetName}\` on ${started.toISOString().slice(0, 10)}.
Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.
Total wall-clock ${(total / 60).toFixed(1)} min.
${budgetName === 'full' ? '' : `\n**Budget: ${budgetName}.** ${budgetName === 'small' ? 'A few minutes on a subset, to prove the pipeline end to end; these numbers say nothing about what MAE reaches.' : 'Shorter than the full budget (about 2 hours): fewer pretraining epochs, a smaller model and one fine-tuning epoch.'}\n`}
Top-1 on ${testImages} Fashion-MNIST test images; model \`${b.model}\`.

| stage | top-1 | wall-clock |
| --- | --- | --- |
${stages.map((s) => `| ${s.name} | ${pct(s.top1)} | ${s.seconds.toFixed(0)} s |`).join('\n')}

Commands, in order:

\`\`\`
${stages.map((s) => s.command).join('\n')}
\`\`\`

Each evaluation folder under \`${run}/\` holds result.json (per-class accuracy, confusion counts),
confusion.png and metrics.jsonl. See docs/evaluation.md for the recipes and their deviations.
`;
await writeFileAtomic('docs/results.md', md);
process.stderr.write(`\nwrote docs/results.md (${(total / 60).toFixed(1)} min)\n`);
