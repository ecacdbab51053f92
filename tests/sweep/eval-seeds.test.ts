// scripts/eval-seeds.ts: the sweep's evaluation stages rerun with other seeds, for one variant and the control.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir, TINY_DATA } from './helpers.ts';

const script = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/eval-seeds.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

test('eval-seeds reruns probe and fine-tuning of a variant and the control with other seeds and tabulates all seeds', async () => {
  const out = join(tempDir(), 'sweep');
  const fixture = join(ROOT, 'tests/sweep/fixtures/two-ratios.ts');
  const sweep = await runCli(['sweep', fixture, '--data', TINY_DATA, '--epochs', '1', '--probe-epochs', '1', '--finetune-epochs', '1', '--limit', '64', '--test-limit', '32', '--out', out]);
  assert.equal(sweep.code, 0, sweep.stderr + sweep.stdout);

  assert.match(script(out, 'mask=0.5', '--seeds', '0').stderr, /seed 0 is the sweep's own/);
  assert.match(script(out, 'nope').stderr, /nope has not finished/);

  const r = script(out, 'mask=0.5', '--seeds', '1');
  assert.equal(r.status, 0, r.stderr);
  for (const f of ['mask=0.5-seed1/probe/result.json', 'mask=0.5-seed1/finetune/result.json', 'no-pretraining-seed1/finetune/result.json']) assert.ok(existsSync(join(out, 'seeds', f)), f);
  assert.match(readFileSync(join(out, 'seeds', 'mask=0.5-seed1', 'probe.log'), 'utf8'), /^\$ maec probe \S+mask=0\.5\/run --data \S+ --seed 1 /);
  assert.match(readFileSync(join(out, 'seeds', 'no-pretraining-seed1', 'probe.log'), 'utf8'), /^\$ maec probe --scratch \S+no-pretraining\/spec\.json .*--seed 1 /);
  const seeds = JSON.parse(readFileSync(join(out, 'seeds-mask=0.5.json'), 'utf8'));
  assert.deepEqual(seeds.seeds, [0, 1]);
  assert.deepEqual(seeds.rows.map((row: { folder: string; probe: number[] }) => [row.folder, row.probe.length]), [['mask=0.5', 2], ['no-pretraining', 2]]);
  assert.match(readFileSync(join(out, 'seeds-mask=0.5.md'), 'utf8'), /\| `mask=0.5` \| [\d.]+ \| [\d.]+ \| [\d.]+ ± [\d.]+ \|/);

  // A second run finds every stage done and only tabulates.
  const again = script(out, 'mask=0.5', '--seeds', '1');
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /2 already done, 0 to run/);

  // --pretrain also pretrains the variant again with the seed; the control's seed-1 runs are reused.
  const full = script(out, 'mask=0.5', '--seeds', '1', '--pretrain');
  assert.equal(full.status, 0, full.stderr);
  assert.match(full.stderr, /1 already done, 1 to run/);
  assert.match(readFileSync(join(out, 'seeds', 'mask=0.5-pretrain-seed1', 'pretrain.log'), 'utf8'), /^\$ maec pretrain \S+mask=0\.5\/spec\.json --data \S+ --seed 1 --out \S+mask=0\.5-pretrain-seed1\/run /);
  assert.match(readFileSync(join(out, 'seeds', 'mask=0.5-pretrain-seed1', 'probe.log'), 'utf8'), /^\$ maec probe \S+mask=0\.5-pretrain-seed1\/run /);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'seeds-mask=0.5-pretrain.json'), 'utf8')).pretrain, true);
});
