import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkedParams, readCheckpoint, readCheckpointFile, readFinetuneCheckpoint, saveFinetuneCheckpoint, type FinetuneCheckpointContent } from '../../runtime/checkpoint/index.ts';
import { WeightsError } from '../../runtime/weights/index.ts';

const path = () => join(mkdtempSync(join(tmpdir(), 'maec-ckpt-')), 'checkpoint.safetensors');

function content(): FinetuneCheckpointContent {
  const w = Float32Array.from({ length: 8 }, (_, i) => i / 3);
  return {
    // Two roots: with one, `head.` would read as a wrapper prefix shared by every key.
    params: new Map([
      ['head.weight', { shape: [2, 4], data: w }],
      ['fc_norm.bias', { shape: [4], data: new Float32Array(4) }],
    ]),
    moments: new Map([['m.head.weight', w.map((x) => x / 10)], ['v.head.weight', w.map((x) => x / 100)]]),
    meta: { position: { step: 7, epoch: 1, batchInEpoch: 3 }, rng: [5, 6, 7, 8], epochLossSum: 0.1 + 0.2, settings: { mode: 'finetune', epochs: 2, blocks: null }, backend: 'cpu' },
  };
}

test('a fine-tuning checkpoint round-trips position, generator, loss sum, settings, parameters and moments', async () => {
  const file = path();
  await saveFinetuneCheckpoint(file, content());
  const back = await readFinetuneCheckpoint(file);
  assert.deepEqual(back.meta, content().meta);
  assert.deepEqual(back.file.tensors.get('optimizer.m.head.weight')?.shape, [2, 4], 'moments keep their parameter s shape');
  assert.deepEqual(back.moments.get('v.head.weight'), content().moments.get('v.head.weight'));
  const expected = [{ name: 'head.weight', shape: [2, 4] }, { name: 'fc_norm.bias', shape: [4] }];
  assert.deepEqual(checkedParams(back, expected).get('head.weight'), content().params.get('head.weight')!.data);
});

test('each kind of checkpoint is refused where the other is expected, naming the file and formats', async () => {
  const file = path();
  await saveFinetuneCheckpoint(file, content());
  await assert.rejects(readCheckpoint(file), /checkpoint\.safetensors: expected checkpoint format maec-pretrain\/1, found maec-finetune\/2/);
});

test('checkedParams names a mis-shaped tensor and the file, and skips optimizer moments', async () => {
  const file = path();
  await saveFinetuneCheckpoint(file, content());
  const ckpt = await readCheckpointFile(file);
  assert.throws(
    () => checkedParams(ckpt, [{ name: 'head.weight', shape: [4, 2] }, { name: 'fc_norm.bias', shape: [4] }]),
    (e: unknown) => e instanceof WeightsError && e.message.includes(file) && /head\.weight: expected shape \[4,2\], found \[2,4\]/.test(e.message),
  );
});

test('checkedParams with encoderOnly ignores decoder tensors and lets them be absent', async () => {
  const file = path();
  const params = new Map([
    ['norm.weight', { shape: [2], data: new Float32Array([1, 2]) }],
    ['decoder_norm.weight', { shape: [2], data: new Float32Array([3, 4]) }],
  ]);
  await saveFinetuneCheckpoint(file, { ...content(), params, moments: new Map() });
  const ckpt = await readCheckpointFile(file);
  assert.deepEqual([...checkedParams(ckpt, [{ name: 'norm.weight', shape: [2] }], new Map(), { encoderOnly: true }).keys()], ['norm.weight']);
  assert.throws(() => checkedParams(ckpt, [{ name: 'norm.weight', shape: [2] }]), /decoder_norm\.weight: unexpected tensor/);
});
