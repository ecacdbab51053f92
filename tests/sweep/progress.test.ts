import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepEta, sweepLine, type SweepCounts } from '../../sweep/index.ts';

const counts = (over: Partial<SweepCounts>): SweepCounts => ({ total: 8, done: 2, failed: 1, running: new Map(), durations: [60, 120], workers: 2, ...over });

test('the ETA is the mean variant time times the waves left (5 left on 2 workers, 90 s each: 225 s)', () => {
  assert.equal(sweepEta(counts({})), 225);
  assert.ok(Number.isNaN(sweepEta(counts({ durations: [] }))));
  assert.equal(sweepEta(counts({ done: 7 })), 0);
});

test('the status line counts done, running and failed variants and names what runs', () => {
  const line = sweepLine(counts({ running: new Map([['mask=0.5', 'probe']]) }));
  assert.equal(line, '2/8 done, 1 running, 1 failed, ETA 3m45s | mask=0.5: probe');
});
