import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClassifier } from '../../compiler/build/classifier.ts';
import { openTarget } from '../../runtime/tfjs/target.ts';
import { openDataset } from '../../runtime/data/index.ts';
import { classifierStart } from '../../runtime/eval/classifier-params.ts';
import { confusionOf, accuracy } from '../../runtime/eval/confusion.ts';
import { FINETUNE_PLAIN } from '../../runtime/eval/finetune.ts';
import { finetune } from '../../runtime/eval/finetune-run.ts';
import { probePredict, trainProbe } from '../../runtime/eval/probe.ts';
import { Rng } from '../../runtime/rng.ts';
import { SYNTH, tinySpec } from './fixtures.ts';
import { mae, vit } from '../../dsl/index.ts';

const target = await openTarget('cpu');
const quiet = { update: () => {}, line: () => {} };

/** Three Gaussian blobs in 8-D, well apart: a linear probe must separate them. */
function blobs(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const features = new Float32Array(n * 8);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < 8; j++) features[i * 8 + j] = 5 + (j === labels[i] ? 3 : 0) + 0.5 * rng.normal();
  }
  return { features, labels, dim: 8 };
}

test('the linear probe reaches high accuracy on separable features', async () => {
  const spec = mae({ encoder: vit({ patch: 4, width: 8, depth: 1, heads: 2 }), decoder: { width: 8, depth: 1, heads: 2 }, mask: 0.75, image: { size: 8, channels: 1 } });
  const probe = await trainProbe(spec, target, blobs(600, 1), 3, { epochs: 20, batchSize: 64, blr: 50, warmupEpochs: 2, seed: 0 });
  const test = blobs(300, 2);
  const acc = accuracy(confusionOf(test.labels, await probePredict(probe, test), 3));
  assert.ok(acc > 0.95, `probe accuracy ${acc}`);
  assert.ok(probe.epochLoss.at(-1)! < probe.epochLoss[0]!);
});

const dataset = await openDataset(SYNTH);
const graph = buildClassifier(tinySpec, { numClasses: 4, dropPath: 0.1, headInitStd: 2e-5 });
const start = classifierStart(graph, 3);

async function tune(blocks: number | null, epochs: number) {
  const losses: number[] = [];
  const result = await finetune({
    graph,
    target,
    start,
    dataset,
    numClasses: 4,
    // Plain (no mixing, RandAugment or erasing): these tests are about the optimizer and what it tunes.
    config: { ...FINETUNE_PLAIN, epochs, batchSize: 32, blr: 2e-2, warmupEpochs: 0.5, blocks, trainLimit: 128, testLimit: 32 },
    outDir: mkdtempSync(join(tmpdir(), 'maec-ft-')),
    resume: false,
    info: {},
    progress: quiet,
    log: { write: (r) => void (r['kind'] === 'epoch' && losses.push(r['train_loss'] as number)), cut: async () => {} },
  });
  assert.ok(result.kind === 'finished', 'the run stopped early');
  return { result, losses };
}

test('fine-tuning lowers the training loss', async () => {
  const { losses } = await tune(null, 4);
  assert.ok(losses.at(-1)! < losses[0]! - 0.05, `epoch losses ${losses.join(', ')}`);
});

test('partial fine-tuning (K = 1) changes only the last block, fc_norm and head', async () => {
  const { result } = await tune(1, 1);
  for (const p of graph.params) {
    const before = start.get(p.name)!;
    const after = result.params.get(p.name)!;
    const changed = after.some((v, i) => v !== before[i]);
    const tuned = p.name.startsWith('blocks.1.') || p.name.startsWith('fc_norm.') || p.name.startsWith('head.');
    if (p.trainable) assert.equal(changed, tuned, `${p.name} ${changed ? 'changed' : 'unchanged'}`);
    else assert.equal(changed, false, p.name);
  }
});
