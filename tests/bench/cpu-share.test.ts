// The peer bench calls a run "quiet" from the share of the CPUs that other processes used, so
// that its own two-thread steps (a load average of 2 on 2 cores) do not count against it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { otherShare, parseProcStat, parseSelfStat, sampleCpu } from '../../bench/cpu-share.ts';

test('/proc/stat: busy is user+nice+system+irq+softirq+steal, total adds idle and iowait', () => {
  const text = 'cpu  100 5 30 800 20 2 3 4 7 0\ncpu0 50 2 15 400 10 1 1 2 3 0\nintr 1 2\n';
  assert.deepEqual(parseProcStat(text), { busy: 144, total: 964 });
  assert.throws(() => parseProcStat('cpu0 1 2 3\n'), /no aggregate "cpu" line/);
  assert.throws(() => parseProcStat('cpu  1 2 x 4 5 6 7 8\n'), /cannot read/);
});

test('/proc/self/stat: utime+stime+cutime+cstime, even when the name holds spaces and brackets', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
  const text = '4242 (node (a) b) R 1 4242 4242 0 -1 4194304 100 0 0 0 11 22 33 44 20 0 7 0 5 0 0\n';
  assert.equal(parseSelfStat(text), 11 + 22 + 33 + 44);
  assert.throws(() => parseSelfStat('4242 (x) R 1 2'), /cannot read the CPU times/);
});

test('otherShare: busy ticks less ours, over all ticks, clamped to 0-1; undefined without a sample or ticks', () => {
  const a = { busy: 100, total: 1000, ours: 40 };
  assert.equal(otherShare(a, { busy: 300, total: 1400, ours: 200 }), 40 / 400);
  assert.equal(otherShare(a, { busy: 150, total: 1100, ours: 120 }), 0);
  assert.equal(otherShare(a, a), undefined);
  assert.equal(otherShare(undefined, a), undefined);
});

test('a child this process waited for counts as ours, not as another process', { skip: !existsSync('/proc/self/stat') && 'needs Linux /proc' }, () => {
  const before = sampleCpu();
  assert.ok(before !== undefined);
  const child = spawnSync(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 400);']);
  assert.equal(child.status, 0);
  const after = sampleCpu();
  assert.ok(after !== undefined);
  // the child's 0.4 s of busy loop is in our ticks (clock ticks are 1/100 s on Linux)
  assert.ok(after.ours - before.ours >= 30, `our ticks grew by ${after.ours - before.ours}`);
  assert.ok(after.busy - before.busy >= after.ours - before.ours - 5, 'the machine was busy at least while we were');
});
