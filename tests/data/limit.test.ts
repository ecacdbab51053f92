import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset } from '../../runtime/data/index.ts';

test('a limit takes a fixed random subset, so a class-ordered store (mnist) still yields every class', async () => {
  const ds = await openDataset('mnist');
  const labelsOf = async (epoch: number) => {
    const labels: number[] = [];
    for await (const b of ds.batches('train', { batchSize: 100, imageSize: 28, channels: 1, seed: 0, epoch, augment: 'none', dropLast: false, limit: 300 }))
      labels.push(...b.labels.subarray(0, b.size));
    return labels;
  };
  const first = await labelsOf(0);
  assert.equal(first.length, 300);
  assert.ok(new Set(first).size >= 9, `classes seen: ${[...new Set(first)].sort()}`);
  // The same 300 images every epoch, in another order.
  const second = await labelsOf(1);
  assert.deepEqual([...second].sort(), [...first].sort());
  assert.notDeepEqual(second, first);
});
