import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraph } from '../../compiler/build/mae.ts';
import { saveCheckpoint } from '../../runtime/checkpoint/index.ts';
import { loadSafetensors, saveSafetensors, toFloat32 } from '../../runtime/io/index.ts';
import { loadPretrained } from '../../runtime/eval/pretrained.ts';
import { initialParams } from '../../runtime/init.ts';
import { Rng } from '../../runtime/rng.ts';
import { PRETRAIN_DEFAULTS } from '../../runtime/train/hyper.ts';
import { WeightsError } from '../../runtime/weights/index.ts';
import { tinySpec } from './fixtures.ts';
import { fakeRun } from './run-fixture.ts';

const encoderNames = buildGraph(tinySpec, 'encoder').params.map((p) => p.name);

test('a run folder loads every encoder parameter and no decoder one; moments are skipped', async () => {
  const pre = await loadPretrained(await fakeRun());
  assert.deepEqual([...pre.weights.keys()].sort(), [...encoderNames].sort());
  assert.match(pre.file, /run\/checkpoint\.safetensors$/);
});

test('an encoder-only file loads as well as a whole MAE', async () => {
  const run = await fakeRun({ encoderOnly: true });
  const pre = await loadPretrained(join(run, 'checkpoint.safetensors'));
  assert.deepEqual([...pre.weights.keys()].sort(), [...encoderNames].sort());
});

test('a missing encoder tensor is a WeightsError naming the file and the tensor', async () => {
  const run = await fakeRun({ drop: 'blocks.0.attn.qkv.weight' });
  await assert.rejects(loadPretrained(run), (e: unknown) => {
    assert.ok(e instanceof WeightsError);
    assert.match(e.message, /run\/checkpoint\.safetensors: weights do not match the model \(1 problem\):\n {2}blocks\.0\.attn\.qkv\.weight: missing \(expected shape \[96,32\]\)/);
    return true;
  });
});

test('without spec.json the spec comes from a pretraining checkpoint s metadata', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maec-pre-'));
  const graph = buildGraph(tinySpec);
  const values = initialParams(graph.params, Rng.fromSeed(2));
  const params = new Map(graph.params.map((p) => [p.name, { shape: p.shape, data: values.get(p.name)! }]));
  const moments = new Map([['m.cls_token', new Float32Array(32)], ['v.cls_token', new Float32Array(32)]]);
  const meta = { position: { step: 1, epoch: 0, batchInEpoch: 1 }, rng: [1, 2, 3, 4] as const, spec: tinySpec, data: 'synthetic', stats: { mean: [0.5], std: [0.5] }, hyper: PRETRAIN_DEFAULTS, backend: 'cpu' };
  await saveCheckpoint(join(dir, 'checkpoint.safetensors'), { params, moments, meta });
  const pre = await loadPretrained(dir);
  assert.deepEqual(pre.spec, tinySpec);
  assert.deepEqual(pre.weights.get('blocks.1.norm2.weight'), values.get('blocks.1.norm2.weight'));
});

test('a checkpoint with no spec and no spec.json beside it names both', async () => {
  const run = await fakeRun();
  rmSync(join(run, 'spec.json'));
  await assert.rejects(loadPretrained(run), /checkpoint\.safetensors records no spec and there is no .*spec\.json/);
});

/** The fake run's checkpoint rewritten with `format` in its metadata. */
async function runWithFormat(format: string): Promise<string> {
  const run = await fakeRun();
  const file = join(run, 'checkpoint.safetensors');
  const tensors = new Map([...(await loadSafetensors(file)).tensors].map(([name, t]) => [name, { shape: t.shape, data: toFloat32(t) }]));
  await saveSafetensors(file, tensors, { format });
  return run;
}

test('a checkpoint of an unknown format is refused naming the file, the format found and the one expected', async () => {
  await assert.rejects(loadPretrained(await runWithFormat('maec-pretrain/99')), (e: unknown) => {
    assert.match((e as Error).message, /run\/checkpoint\.safetensors: cannot load a pretrained encoder from checkpoint format maec-pretrain\/99; expected maec-pretrain\/1/);
    return true;
  });
  await assert.rejects(loadPretrained(await runWithFormat('maec-finetune/2')), /format maec-finetune\/2 \(a fine-tuning checkpoint\); expected maec-pretrain\/1/);
});

test('a plain weight file tagged with a framework format (pt) loads', async () => {
  const pre = await loadPretrained(await runWithFormat('pt'));
  assert.deepEqual([...pre.weights.keys()].sort(), [...encoderNames].sort());
});
