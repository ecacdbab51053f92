import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointValuesError, readFinetuneCheckpoint, saveFinetuneCheckpoint, valuesProblem, type FinetuneCheckpointContent } from '../../runtime/checkpoint/index.ts';
import { saveSafetensors } from '../../runtime/io/index.ts';

const path = () => join(mkdtempSync(join(tmpdir(), 'maec-finite-')), 'checkpoint.safetensors');

function content(weight: Float32Array, v: Float32Array): FinetuneCheckpointContent {
  return {
    params: new Map([
      ['head.weight', { shape: [2, 2], data: weight }],
      ['fc_norm.bias', { shape: [2], data: new Float32Array(2) }],
    ]),
    moments: new Map([['m.head.weight', new Float32Array(4)], ['v.head.weight', v]]),
    meta: { position: { step: 3, epoch: 0, batchInEpoch: 3 }, rng: [1, 2, 3, 4], epochLossSum: 1, settings: {}, backend: 'cpu' },
  };
}

test('valuesProblem counts non-finite values and names the first; second moments must also be >= 0', () => {
  assert.equal(valuesProblem('w', Float32Array.of(1, 2)), undefined);
  assert.equal(valuesProblem('w', Float32Array.of(1, NaN, Infinity)), 'has 2 non-finite values of 3 (the first, NaN, at index 1)');
  assert.equal(valuesProblem('m.w', Float32Array.of(-1)), undefined, 'a first moment may be negative');
  assert.match(valuesProblem('v.w', Float32Array.of(0, -0.5))!, /1 non-finite or negative second-moment values of 2 \(the first, -0.5, at index 1\)/);
});

test('a checkpoint with a non-finite weight is refused before anything is written, naming the tensor', async () => {
  const file = path();
  await assert.rejects(saveFinetuneCheckpoint(file, content(Float32Array.of(1, NaN, 3, 4), new Float32Array(4))), (e: unknown) => e instanceof CheckpointValuesError && e.tensor === 'head.weight');
  assert.equal(existsSync(file), false);
});

test('a checkpoint with a negative second moment is refused on save', async () => {
  await assert.rejects(saveFinetuneCheckpoint(path(), content(new Float32Array(4), Float32Array.of(0, 0, -2, 0))), /tensor "optimizer\.v\.head\.weight" has 1 non-finite or negative/);
});

test('reading a checkpoint whose file holds NaN weights or a negative second moment is refused, naming file and tensor', async () => {
  const good = path();
  await saveFinetuneCheckpoint(good, content(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 1, 1, 1)));
  const back = await readFinetuneCheckpoint(good);
  // The same file with values written past the check (as a broken writer or another tool could).
  for (const [tensor, values] of [['head.weight', Float32Array.of(1, Infinity, 3, 4)], ['optimizer.v.head.weight', Float32Array.of(1, -1, 1, 1)]] as const) {
    const bad = path();
    const tensors = new Map([...back.file.tensors].map(([name, t]) => [name, { shape: t.shape, data: name === tensor ? values : (t.data as Float32Array) }]));
    await saveSafetensors(bad, tensors, back.file.metadata);
    await assert.rejects(readFinetuneCheckpoint(bad), (e: unknown) => e instanceof CheckpointValuesError && e.tensor === tensor && e.message.startsWith(bad));
  }
});
