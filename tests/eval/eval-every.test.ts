import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClassifier } from '../../compiler/build/classifier.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { openDataset } from '../../runtime/data/index.ts';
import { classifierStart } from '../../runtime/eval/classifier-params.ts';
import { FINETUNE_DEFAULTS } from '../../runtime/eval/finetune.ts';
import { finetune, type FinetuneRun } from '../../runtime/eval/finetune-run.ts';
import { metricsLog } from '../../runtime/eval/metrics-log.ts';
import { SYNTH, tinySpec } from './fixtures.ts';

const target = await openTarget('cpu');
const dataset = await openDataset(SYNTH);
const graph = buildClassifier(tinySpec, { numClasses: 4, dropPath: 0.1, headInitStd: 2e-5 });
const start = classifierStart(graph, 5);
// 2 steps per epoch, 5 epochs.
const config = { ...FINETUNE_DEFAULTS, epochs: 5, batchSize: 32, blr: 2e-2, warmupEpochs: 0.5, trainLimit: 64, testLimit: 32 };
const quiet = { update: () => {}, line: () => {} };

function options(outDir: string, extra: Partial<FinetuneRun> = {}): FinetuneRun {
  return { graph, target, start, dataset, numClasses: 4, config, outDir, resume: false, info: { mode: 'finetune', data: SYNTH }, progress: quiet, log: metricsLog(join(outDir, 'metrics.jsonl')), ...extra };
}

function epochLines(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.kind === 'epoch');
}

test('--eval-every 2 scores the test split after epochs 2, 4 and the last, and trains exactly as scoring every epoch', async () => {
  const every = mkdtempSync(join(tmpdir(), 'maec-ft-every-'));
  const sparse = mkdtempSync(join(tmpdir(), 'maec-ft-sparse-'));
  const a = await finetune(options(every));
  const b = await finetune(options(sparse, { evalEvery: 2 }));
  assert.ok(a.kind === 'finished' && b.kind === 'finished');
  const scored = epochLines(sparse).map((r) => [r.epoch, 'test_acc' in r]);
  assert.deepEqual(scored, [[0, false], [1, true], [2, false], [3, true], [4, true]]);
  const all = epochLines(every);
  assert.ok(all.every((r) => typeof r.test_acc === 'number'));
  for (const [i, r] of epochLines(sparse).entries()) {
    assert.equal(r.train_loss, all[i]!.train_loss, `epoch ${i} train loss`);
    if ('test_acc' in r) assert.equal(r.test_acc, all[i]!.test_acc, `epoch ${i} test top-1`);
  }
  assert.deepEqual(b.confusion, a.confusion);
  for (const [name, want] of a.params) assert.deepEqual(b.params.get(name), want, name);
});
