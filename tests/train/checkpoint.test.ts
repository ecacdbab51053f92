import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint, saveCheckpoint, type CheckpointContent } from '../../runtime/checkpoint/index.ts';
import { writeFileAtomic, type AtomicData } from '../../runtime/io/index.ts';
import { tempDir, tinySpec, TINY_HYPER } from './helpers.ts';

function content(step: number): CheckpointContent {
  const w = Float32Array.from({ length: 12 }, (_, i) => i * step);
  return {
    params: new Map([['decoder_pred.weight', { shape: [3, 4], data: w }]]),
    moments: new Map([
      ['m.decoder_pred.weight', w.map((x) => x / 10)],
      ['v.decoder_pred.weight', w.map((x) => x / 100)],
    ]),
    meta: { position: { step, epoch: 1, batchInEpoch: 7 }, rng: [1, 2, 3, 4], spec: tinySpec(), data: 'synthetic', stats: { mean: [0.5], std: [0.5] }, hyper: TINY_HYPER, backend: 'wasm' },
  };
}

test('a checkpoint round-trips parameters, moments and the run position', async () => {
  const path = join(tempDir(), 'checkpoint.safetensors');
  await saveCheckpoint(path, content(3));
  const back = await readCheckpoint(path);
  assert.deepEqual(back.meta.position, { step: 3, epoch: 1, batchInEpoch: 7 });
  assert.deepEqual(back.meta.rng, [1, 2, 3, 4]);
  assert.deepEqual(back.meta.hyper, TINY_HYPER);
  assert.deepEqual(back.file.tensors.get('decoder_pred.weight')?.shape, [3, 4]);
  assert.deepEqual(back.moments.get('v.decoder_pred.weight'), content(3).moments.get('v.decoder_pred.weight'));
});

test('a save that fails midway leaves the previous checkpoint intact and no stray file', async () => {
  const dir = tempDir();
  const path = join(dir, 'checkpoint.safetensors');
  await saveCheckpoint(path, content(1));
  const before = readFileSync(path);
  // The writer forwards the first chunk (header) to the real atomic write, then fails as a full disk or a kill would.
  const failing = (p: string, data: AtomicData) =>
    writeFileAtomic(
      p,
      (async function* () {
        for await (const chunk of data as Iterable<Uint8Array>) {
          yield chunk;
          throw new Error('ENOSPC: no space left on device');
        }
      })(),
    );
  await assert.rejects(saveCheckpoint(path, content(2), failing), /ENOSPC/);
  assert.deepEqual(readFileSync(path), before);
  assert.deepEqual(readdirSync(dir), ['checkpoint.safetensors']);
  assert.equal((await readCheckpoint(path)).meta.position.step, 1);
});

test('a file that is not a maec checkpoint is refused naming the missing metadata', async () => {
  const path = join(tempDir(), 'weights.safetensors');
  const { saveSafetensors } = await import('../../runtime/io/index.ts');
  await saveSafetensors(path, new Map([['cls_token', { shape: [1], data: new Float32Array(1) }]]));
  await assert.rejects(readCheckpoint(path), /not a maec pretraining checkpoint/);
});
