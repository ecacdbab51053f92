import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loggedRuns } from '../../sweep/child.ts';

test('a stage log gives each finished invocation with its command, exit status and seconds', () => {
  const log = ['$ maec pretrain s.json --out run', 'epoch 0.1/4 step 1/1872', '[exit 130 after 64.8s]', '$ maec pretrain --resume --out run', 'resuming', '[exit 0 after 700.25s]', '$ maec probe run', 'features...'].join('\n');
  assert.deepEqual(loggedRuns(log), [
    { command: 'pretrain s.json --out run', code: 130, seconds: 64.8 },
    { command: 'pretrain --resume --out run', code: 0, seconds: 700.25 },
  ]);
});

test('a failed spawn (exit -1) is an invocation too; an exit line without its command is not', () => {
  assert.deepEqual(loggedRuns('[exit 0 after 1.0s]\n$ maec probe x\n[exit -1 after 0.0s]\n'), [{ command: 'probe x', code: -1, seconds: 0 }]);
});
