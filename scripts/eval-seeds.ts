/**
 * How much of a sweep's spread is evaluation noise: reruns the linear probe and fine-tuning of
 * one finished variant and of the sweep's no-pretraining control with other seeds, with the
 * sweep's own stage command lines (sweep/stages.ts), and writes <sweep>/seeds.json and
 * <sweep>/seeds.md: top-1 per seed (the sweep's own seed included), mean and sample standard
 * deviation. The seed changes the data order, augmentation, drop path and the fresh head, and
 * for the control the random encoder too; the variant's pretraining is not redone, so its
 * pretraining noise is not in these numbers.
 *
 *   npx tsx scripts/eval-seeds.ts <sweep dir> <variant folder> [--seeds 1,2] [--lanes 2] [--control FOLDER]
 *
 * --control names the control's folder when the sweep has several (default no-pretraining).
 * Each stage writes to <sweep>/seeds/<folder>-seed<k>/{probe,finetune}/ (its log beside them);
 * a stage whose result.json exists is not rerun, so an interrupted run continues.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { runMaec } from '../sweep/child.ts';
import type { Budget } from '../sweep/budget.ts';
import { variantPaths, type VariantPaths } from '../sweep/layout.ts';
import { runPool } from '../sweep/pool.ts';
import { pretrainRecord } from '../sweep/run-variant.ts';
import { finetuneArgs, pretrainArgs, probeArgs, type StageOptions } from '../sweep/stages.ts';

function fail(message: string): never {
  process.stderr.write(`eval-seeds: ${message}\n`);
  process.exit(2);
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fail(`${name} needs a value`)) : fallback;
}

const BOOLEAN = new Set(['--pretrain']);
const [sweepArg, folder] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1]?.startsWith('--') && !BOOLEAN.has(all[i - 1]!)));
const repretrain = process.argv.includes('--pretrain');
if (sweepArg === undefined || folder === undefined) fail('usage: npx tsx scripts/eval-seeds.ts <sweep dir> <variant folder> [--seeds 1,2] [--lanes 2] [--control FOLDER]');
const sweep = resolve(sweepArg);
const seeds = flag('--seeds', '1,2').split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) fail(`--seeds must be non-negative integers, found ${flag('--seeds', '')}`);
const lanes = Number(flag('--lanes', '2'));
if (!Number.isInteger(lanes) || lanes < 1) fail(`--lanes must be a positive integer, found ${flag('--lanes', '')}`);
const settingsPath = join(sweep, 'sweep.json');
if (!existsSync(settingsPath)) fail(`${sweep} is not a sweep folder (no sweep.json)`);
const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as { data: string; budget: Budget; seed: number };
if (seeds.includes(settings.seed)) fail(`seed ${settings.seed} is the sweep's own; its results are read from the sweep`);

type Kind = 'variant' | 'control';
const entries: readonly { readonly folder: string; readonly kind: Kind }[] = [
  { folder, kind: 'variant' },
  { folder: flag('--control', 'no-pretraining'), kind: 'control' },
];
for (const e of entries) {
  if (!existsSync(variantPaths(sweep, e.folder, e.kind).result)) fail(`${join(sweep, e.folder)} has not finished (no result.json); run or finish the sweep first`);
}

/**
 * The sweep's paths for an entry, with the outputs of another seed in its own folder: the
 * evaluation results, and with --pretrain the variant's pretraining run too.
 */
function seedPaths(e: (typeof entries)[number], seed: number): VariantPaths {
  const base = variantPaths(sweep, e.folder, e.kind);
  if (seed === settings.seed) return base;
  const own = repretrain && e.kind === 'variant';
  const dir = join(sweep, 'seeds', `${e.folder}-${own ? 'pretrain-' : ''}seed${seed}`);
  const run = own ? join(dir, 'run') : base.run;
  return {
    ...base,
    run,
    checkpoint: join(run, 'checkpoint.safetensors'),
    pretrainDone: join(dir, 'pretrain.json'),
    probe: join(dir, 'probe'),
    probeResult: join(dir, 'probe', 'result.json'),
    finetune: join(dir, 'finetune'),
    finetuneResult: join(dir, 'finetune', 'result.json'),
    log: (stage) => join(dir, `${stage}.log`),
  };
}

type Stage = 'pretrain' | 'probe' | 'finetune';
const doneFile = (p: VariantPaths, stage: Stage) => ({ pretrain: p.pretrainDone, probe: p.probeResult, finetune: p.finetuneResult })[stage];

/** Runs one stage of one seed unless its result is there; throws naming the log when it fails. */
async function runStage(entry: (typeof entries)[number], seed: number, stage: Stage): Promise<void> {
  const p = seedPaths(entry, seed);
  if (existsSync(doneFile(p, stage))) return;
  const options: StageOptions = { data: settings.data, budget: settings.budget, seed, backend: undefined };
  const control = entry.kind === 'control';
  const resume = stage === 'pretrain' && existsSync(p.checkpoint);
  const args = stage === 'pretrain' ? pretrainArgs(p, options, resume) : stage === 'probe' ? probeArgs(p, options, control) : finetuneArgs(p, options, control);
  mkdirSync(stage === 'pretrain' ? join(p.pretrainDone, '..') : stage === 'probe' ? p.probe : p.finetune, { recursive: true });
  const r = await runMaec(args, process.cwd(), p.log(stage));
  process.stderr.write(`${r.code === 0 ? 'done' : `FAILED (exit ${r.code})`} ${entry.folder} ${stage} seed ${seed} in ${r.seconds.toFixed(0)}s\n`);
  if (r.code !== 0) throw new Error(`${entry.folder} ${stage} seed ${seed} exited with ${r.code}; see ${p.log(stage)}`);
  if (stage === 'pretrain') await writeFileAtomic(p.pretrainDone, JSON.stringify(pretrainRecord(readFileSync(p.log('pretrain'), 'utf8'))));
}

// One job per entry and seed: its stages in order (a re-pretrained variant is evaluated after its pretraining).
const jobs = seeds.flatMap((seed) => entries.map((entry) => ({ entry, seed, stages: (repretrain && entry.kind === 'variant' ? ['pretrain', 'probe', 'finetune'] : ['probe', 'finetune']) as Stage[] })));
const pending = jobs.filter((j) => j.stages.some((stage) => !existsSync(doneFile(seedPaths(j.entry, j.seed), stage))));
process.stderr.write(`${jobs.length} runs for seeds ${seeds.join(', ')}${repretrain ? ' (the variant pretrained again)' : ''}; ${jobs.length - pending.length} already done, ${pending.length} to run, ${lanes} at a time\n`);
const outcomes = await runPool(pending, lanes, async (j) => {
  for (const stage of j.stages) await runStage(j.entry, j.seed, stage);
});
const errors = outcomes.filter((o): o is Error => o instanceof Error);
if (errors.length > 0) fail(errors.map((e) => e.message).join('\n'));

const top1 = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { top1: number }).top1;
const allSeeds = [settings.seed, ...seeds];
const rows = entries.map((e) => {
  const runs = allSeeds.map((seed) => seedPaths(e, seed));
  return { folder: e.folder, kind: e.kind, probe: runs.map((p) => top1(p.probeResult)), finetune: runs.map((p) => top1(p.finetuneResult)) };
});

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const pct = (x: number) => (100 * x).toFixed(2);
const summary = (xs: readonly number[]) => `${pct(mean(xs))} ± ${pct(sd(xs))}`;
const command = `npx tsx scripts/eval-seeds.ts ${sweepArg} ${folder} --seeds ${seeds.join(',')}${repretrain ? ' --pretrain' : ''}`;
const md = `# Seed noise: ${folder} and the control

\`${command}\`

The sweep's ${repretrain ? 'pretraining, ' : ''}probe and fine-tuning command lines with seeds ${allSeeds.join(', ')} (${settings.seed} is the sweep's own run)${repretrain ? '' : '; the variant keeps its pretrained encoder'};
top-1 in % on the sweep's test images, mean ± sample standard deviation.

| entry | ${allSeeds.map((s) => `probe seed ${s}`).join(' | ')} | probe | ${allSeeds.map((s) => `fine-tune seed ${s}`).join(' | ')} | fine-tune |
| --- | ${allSeeds.map(() => '---').join(' | ')} | --- | ${allSeeds.map(() => '---').join(' | ')} | --- |
${rows.map((r) => `| ${r.kind === 'control' ? `**${r.folder}** (control)` : `\`${r.folder}\``} | ${r.probe.map(pct).join(' | ')} | ${summary(r.probe)} | ${r.finetune.map(pct).join(' | ')} | ${summary(r.finetune)} |`).join('\n')}
`;
const report = join(sweep, `seeds-${folder}${repretrain ? '-pretrain' : ''}`);
await writeFileAtomic(`${report}.json`, `${JSON.stringify({ command, seeds: allSeeds, pretrain: repretrain, rows }, null, 2)}\n`);
await writeFileAtomic(`${report}.md`, md);
process.stdout.write(md);
