// scripts/ablations-doc.ts: the generated results doc, from sweep folders written as `maec sweep` writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUDGETS, toCsv } from '../../sweep/index.ts';
import { controlRow, ROOT, row, tempDir } from './helpers.ts';

function ablationsDoc(sweeps: string, docs: string, budget = 'tiny') {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/ablations-doc.ts'), '--budget', budget, '--sweeps', sweeps, '--docs', docs], { cwd: ROOT, encoding: 'utf8' });
}

test("each variant's row shows its gain over the sweep's no-pretraining control, and the control row has no costs", () => {
  const root = tempDir();
  const sweep = join(root, 'sweeps', 'mask-ratio-tiny');
  mkdirSync(sweep, { recursive: true });
  writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ data: 'fashion-mnist', budget: BUDGETS.tiny, seed: 0 }));
  writeFileSync(join(sweep, 'results.csv'), toCsv([row('mask=0.5', { mask: 0.5 }, [0.5, 0.75]), row('mask=0.75', { mask: 0.75 }, [0.625, 0.7]), controlRow([0.55, 0.725])]));
  const r = ablationsDoc(join(root, 'sweeps'), join(root, 'docs'));
  assert.equal(r.status, 0, r.stderr);
  const md = readFileSync(join(root, 'docs', 'ablations-results-tiny.md'), 'utf8');
  assert.match(md, /npx maec sweep models\/ablations\/mask-ratio.ts --data fashion-mnist --budget tiny --out /);
  const lines = md.split('\n').filter((l) => l.startsWith('| '));
  assert.equal(lines[0], '| mask ratio | linear probe top-1 (%) | fine-tune top-1 (%) | pretrain s | GFLOPs/img | speedup vs symmetric | vs no pretraining (probe / ft, points) | paper ft / linear |');
  assert.equal(lines[2], '| 0.5 | 50.0 | 75.0 | 12.3 | 0.001235 | 2.50x | -5.0 / +2.5 |  |');
  assert.equal(lines[3], '| 0.75 | 62.5 | 70.0 | 12.3 | 0.001235 | 2.50x | +7.5 / -2.5 | 84.9 / 73.5 (best) |');
  assert.equal(lines[4], '| **no pretraining** | 55.0 | 72.5 | - | - | - |  |  |');
});

test('a budget with no sweeps writes a doc that says so', () => {
  const root = tempDir();
  const r = ablationsDoc(join(root, 'none'), join(root, 'docs'), 'medium');
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(root, 'docs', 'ablations-results-medium.md'), 'utf8'), /No sweeps found under .*none\/ for budget medium/);
});
