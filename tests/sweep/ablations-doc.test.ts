// scripts/ablations-doc.ts: the generated results doc, from sweep folders written as `maec sweep` writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUDGETS, toCsv } from '../../sweep/index.ts';
import { controlRow, result, ROOT, row, tempDir, withRuns } from './helpers.ts';

function ablationsDoc(sweeps: string, docs: string, budget = 'tiny') {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/ablations-doc.ts'), '--budget', budget, '--sweeps', sweeps, '--docs', docs], { cwd: ROOT, encoding: 'utf8' });
}

/** results.csv as `maec sweep` wrote it before --seeds and --labels: one value per metric, no labels column. */
const OLD_CSV = `variant,kind,mask ratio,strategy,decoder depth,decoder width,mask tokens in encoder,target,augmentation,status,linear probe top-1,fine-tune top-1,pretrain seconds,GFLOPs per image,speedup vs symmetric
mask=0.5,variant,0.5,random,1,16,false,norm-pixels,crop,done,0.5,0.75,12.3,0.001235,2.5
mask=0.75,variant,0.75,random,1,16,false,norm-pixels,crop,done,0.625,0.7,12.3,0.001235,2.5
no pretraining,control,,,,,,,,done,0.55,0.725,,,
`;

function sweepFolder(root: string, settings: object, csv: string): void {
  const sweep = join(root, 'sweeps', 'mask-ratio-tiny');
  mkdirSync(sweep, { recursive: true });
  writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ data: 'fashion-mnist', budget: BUDGETS.tiny, seed: 0, ...settings }));
  writeFileSync(join(sweep, 'results.csv'), csv);
}

test("a sweep from before --seeds: each variant's row shows its gain over the control and over the base (mask 0.75), no noise verdict, and the control row has no costs", () => {
  const root = tempDir();
  sweepFolder(root, {}, OLD_CSV);
  const r = ablationsDoc(join(root, 'sweeps'), join(root, 'docs'));
  assert.equal(r.status, 0, r.stderr);
  const md = readFileSync(join(root, 'docs', 'ablations-results-tiny.md'), 'utf8');
  assert.match(md, /npx maec sweep models\/ablations\/mask-ratio.ts --data fashion-mnist --budget tiny --out /);
  const lines = md.split('\n').filter((l) => l.startsWith('| '));
  assert.equal(lines[0], '| mask ratio | linear probe top-1 (%) | fine-tune top-1 (%) | pretrain s | GFLOPs/img | speedup vs symmetric | vs no pretraining (probe / ft, points) | vs base (probe / ft, points) | paper ft / linear |');
  assert.equal(lines[2], '| 0.5 | 50.0 | 75.0 | 12.3 | 0.001235 | 2.50x | -5.0 / +2.5 | -12.5 / +5.0 |  |');
  assert.equal(lines[3], '| 0.75 | 62.5 | 70.0 | 12.3 | 0.001235 | 2.50x | +7.5 / -2.5 | base | 84.9 / 73.5 (best) |');
  assert.equal(lines[4], '| **no pretraining** | 55.0 | 72.5 | - | - | - |  |  |  |');
});

test('a sweep with --seeds 3 --labels 100,10: mean ± sd (n) per cell, a row per protocol, gains marked > 2 SE or within noise against the same protocol, failed seeds named', () => {
  const root = tempDir();
  const runs = (name: string, probe: readonly number[], ft: readonly number[]) => probe.map((x, i) => result(name, [0, 0], { seed: i, protocols: [[100, x, ft[i]!], [10, x - 0.2, ft[i]! - 0.2]] }));
  // Probe: 0.5 sits 10 points below 0.75 with sd 1 point (> 2 SE); fine-tune differs by 0.33 points with sd 1 (within noise).
  const half = withRuns(row('mask=0.5', { mask: 0.5 }), runs('mask=0.5', [0.51, 0.52, 0.53], [0.7, 0.71, 0.72]));
  const base = withRuns(row('mask=0.75', { mask: 0.75 }), runs('mask=0.75', [0.61, 0.62, 0.63], [0.7, 0.7, 0.72]));
  const failedSeed = { ...base, runs: [...base.runs.slice(0, 2), { seed: 2, folder: 'mask=0.75,seed=2', status: 'failed' as const, result: undefined }] };
  const control = withRuns(controlRow([0, 0]), runs('no pretraining', [0.4, 0.41, 0.42], [0.6, 0.61, 0.62]));
  sweepFolder(root, { seeds: 3, labels: [100, 10] }, toCsv([half, failedSeed, control], [100, 10]));
  const r = ablationsDoc(join(root, 'sweeps'), join(root, 'docs'));
  assert.equal(r.status, 0, r.stderr);
  const md = readFileSync(join(root, 'docs', 'ablations-results-tiny.md'), 'utf8');
  assert.match(md, /--budget tiny --seeds 3 --labels 100,10 --out /);
  assert.match(md, /seeds 0-2 \(mean ± sample sd \(n\) per cell\), label protocols 100%, 10%/);
  const lines = md.split('\n').filter((l) => l.startsWith('| '));
  assert.equal(lines[0], '| mask ratio | labels | linear probe top-1 (%) | fine-tune top-1 (%) | pretrain s | GFLOPs/img | speedup vs symmetric | vs no pretraining (probe / ft, points) | vs base (probe / ft, points) | paper ft / linear |');
  // mask=0.5 at 100%: probe 52.0 ± 1.0 vs control 41.0 ± 1.0: +11.0, SE 0.82; vs base (61.5 ± 0.7, n 2): -9.5, SE 0.76.
  assert.equal(lines[2], '| 0.5 | 100% | 52.0 ± 1.0 (3) | 71.0 ± 1.0 (3) | 12.3 ± 0.0 | 0.001235 | 2.50x | +11.0 (> 2 SE) / +10.0 (> 2 SE) | -9.5 (> 2 SE) / +1.0 (within noise) |  |');
  assert.match(lines[3]!, /^\| 0\.5 \| 10% \| 32\.0 ± 1\.0 \(3\) \| 51\.0 ± 1\.0 \(3\) \| .* \| \+11\.0 \(> 2 SE\) \/ \+10\.0 \(> 2 SE\) \| -9\.5 \(> 2 SE\) \/ \+1\.0 \(within noise\) \|/);
  assert.match(lines[4]!, /^\| 0\.75 \| 100% \| 61\.5 ± 0\.7 \(2\) \| 70\.0 ± 0\.0 \(2\) \| .* \| base \|/);
  assert.match(lines[6]!, /^\| \*\*no pretraining\*\* \| 100% \| 41\.0 ± 1\.0 \(3\) \|/);
  assert.match(md, /Failed runs \(not in the means\): `mask=0\.75` \(100% labels\) seed 2; `mask=0\.75` \(10% labels\) seed 2\./);
});

test('a budget with no sweeps writes a doc that says so', () => {
  const root = tempDir();
  const r = ablationsDoc(join(root, 'none'), join(root, 'docs'), 'medium');
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(root, 'docs', 'ablations-results-medium.md'), 'utf8'), /No sweeps found under .*none\/ for budget medium/);
});
