/**
 * How much of a sweep's spread is evaluation noise: reruns the linear probe and fine-tuning of
 * one finished variant and of the sweep's no-pretraining control with other seeds, with the
 * sweep's own stage command lines (runtime/sweep/stages.ts), and writes <sweep>/seeds.json and
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
import { runMaec } from '../runtime/sweep/child.ts';
import type { Budget } from '../runtime/sweep/budget.ts';
import { variantPaths, type VariantPaths } from '../runtime/sweep/layout.ts';
import { runPool } from '../runtime/sweep/pool.ts';
import { finetuneArgs, probeArgs, type StageOptions } from '../runtime/sweep/stages.ts';

function fail(message: string): never {
  process.stderr.write(`eval-seeds: ${message}\n`);
  process.exit(2);
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fail(`${name} needs a value`)) : fallback;
}

const [sweepArg, folder] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
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

/** The sweep's paths for an entry, with the evaluation outputs moved to the seed's folder. */
function seedPaths(e: (typeof entries)[number], seed: number): VariantPaths {
  const base = variantPaths(sweep, e.folder, e.kind);
  if (seed === settings.seed) return base;
  const dir = join(sweep, 'seeds', `${e.folder}-seed${seed}`);
  return { ...base, probe: join(dir, 'probe'), probeResult: join(dir, 'probe', 'result.json'), finetune: join(dir, 'finetune'), finetuneResult: join(dir, 'finetune', 'result.json'), log: (stage) => join(dir, `${stage}.log`) };
}

interface Job {
  readonly entry: (typeof entries)[number];
  readonly seed: number;
  readonly stage: 'probe' | 'finetune';
  readonly paths: VariantPaths;
}

const jobs: Job[] = seeds.flatMap((seed) => entries.flatMap((entry) => (['probe', 'finetune'] as const).map((stage) => ({ entry, seed, stage, paths: seedPaths(entry, seed) }))));
const todo = jobs.filter((j) => !existsSync(j.stage === 'probe' ? j.paths.probeResult : j.paths.finetuneResult));
process.stderr.write(`${jobs.length} stages for seeds ${seeds.join(', ')}; ${jobs.length - todo.length} already done, ${todo.length} to run, ${lanes} at a time\n`);
const outcomes = await runPool(todo, lanes, async (j) => {
  const options: StageOptions = { data: settings.data, budget: settings.budget, seed: j.seed, backend: undefined };
  const control = j.entry.kind === 'control';
  const args = j.stage === 'probe' ? probeArgs(j.paths, options, control) : finetuneArgs(j.paths, options, control);
  mkdirSync(j.stage === 'probe' ? j.paths.probe : j.paths.finetune, { recursive: true });
  const r = await runMaec(args, process.cwd(), j.paths.log(j.stage));
  process.stderr.write(`${r.code === 0 ? 'done' : `FAILED (exit ${r.code})`} ${j.entry.folder} ${j.stage} seed ${j.seed} in ${r.seconds.toFixed(0)}s\n`);
  if (r.code !== 0) throw new Error(`${j.entry.folder} ${j.stage} seed ${j.seed} exited with ${r.code}; see ${j.paths.log(j.stage)}`);
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
const command = `npx tsx scripts/eval-seeds.ts ${sweepArg} ${folder} --seeds ${seeds.join(',')}`;
const md = `# Evaluation-seed noise: ${folder} and the control

\`${command}\`

The sweep's probe and fine-tuning command lines with seeds ${allSeeds.join(', ')} (${settings.seed} is the sweep's own run);
top-1 in % on the sweep's test images, mean ± sample standard deviation.

| entry | ${allSeeds.map((s) => `probe seed ${s}`).join(' | ')} | probe | ${allSeeds.map((s) => `fine-tune seed ${s}`).join(' | ')} | fine-tune |
| --- | ${allSeeds.map(() => '---').join(' | ')} | --- | ${allSeeds.map(() => '---').join(' | ')} | --- |
${rows.map((r) => `| ${r.kind === 'control' ? `**${r.folder}** (control)` : `\`${r.folder}\``} | ${r.probe.map(pct).join(' | ')} | ${summary(r.probe)} | ${r.finetune.map(pct).join(' | ')} | ${summary(r.finetune)} |`).join('\n')}
`;
await writeFileAtomic(join(sweep, 'seeds.json'), `${JSON.stringify({ command, seeds: allSeeds, rows }, null, 2)}\n`);
await writeFileAtomic(join(sweep, 'seeds.md'), md);
process.stdout.write(md);
