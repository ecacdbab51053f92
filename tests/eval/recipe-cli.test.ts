import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finetuneCommand, parseRandAugment } from '../../cli/commands/finetune.ts';
import { bufferIo } from '../../cli/io.ts';
import { readFinetuneCheckpoint } from '../../runtime/checkpoint/index.ts';
import { SYNTH } from './fixtures.ts';
import { fakeRun } from './run-fixture.ts';

const run = await fakeRun();
const OFF = ['--mixup', '0', '--cutmix', '0', '--randaug', '0', '--reprob', '0'];

async function call(...argv: string[]) {
  const io = bufferIo(run);
  const code = await finetuneCommand.run(argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

/** The metrics lines without their timings. */
function metrics(dir: string): unknown[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
    const { seconds: _, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return rest;
  });
}

test('--randaug is read strictly', () => {
  assert.deepEqual(parseRandAugment('2,9,0.5'), { ops: 2, magnitude: 9, std: 0.5 });
  assert.deepEqual(parseRandAugment('1,4'), { ops: 1, magnitude: 4, std: 0 });
  assert.equal(parseRandAugment('0'), null);
  assert.equal(parseRandAugment('off'), null);
  for (const bad of ['', '2', '2,9,0.5,1', 'a,9', '2.5,9', '2,x', '2, 9']) {
    assert.match(String(parseRandAugment(bad)), /^--randaug must be N,M\[,STD\] \(e\.g\. 2,9,0\.5\), 0 or off, found /, bad);
  }
  assert.equal(parseRandAugment('2,11'), '--randaug: magnitude must be in [0, 10], found 11 (in 2,11)');
  assert.equal(parseRandAugment('2,9,-1'), '--randaug: std must be a non-negative number, found -1 (in 2,9,-1)');
  assert.equal(parseRandAugment('0,9'), '--randaug: ops must be an integer in 1..16, found 0 (in 0,9)');
});

test('bad --randaug and --reprob are usage errors (2) naming the flag, before any run folder is made', async () => {
  const out = join(run, 'ft-bad');
  for (const [flag, value, message] of [
    ['--randaug', '2,12', /--randaug: magnitude must be in \[0, 10\], found 12/],
    ['--randaug', 'two', /--randaug must be N,M\[,STD\]/],
    ['--reprob', '1.5', /--reprob must be a probability in \[0, 1\], got 1\.5/],
    ['--reprob', '-0.1', /--reprob is out of range: must be a non-negative number, found -0\.1/],
  ] as const) {
    const r = await call(run, '--data', SYNTH, '--out', out, flag, value);
    assert.equal(r.code, 2, `${flag} ${value}: ${r.err}`);
    assert.match(r.err, message);
  }
  assert.equal(existsSync(out), false);
});

test('the recipe is the default, recorded in the checkpoint; a CLI run stopped and resumed equals the uninterrupted one', async () => {
  const common = [run, '--data', SYNTH, '--batch', '32', '--warmup', '0', '--train-limit', '96', '--test-limit', '32', '--epochs', '2', '--checkpoint-every', '2'];
  const whole = join(run, 'ft-recipe-whole');
  assert.equal((await call(...common, '--out', whole)).code, 0);
  const parts = join(run, 'ft-recipe-parts');
  const stopped = await call(...common, '--out', parts, '--steps', '4');
  assert.equal(stopped.code, 0, stopped.err);
  const settings = (await readFinetuneCheckpoint(join(parts, 'checkpoint.safetensors'))).meta.settings;
  assert.deepEqual([settings['mixup'], settings['cutmix'], settings['randAugment'], settings['reprob'], settings['smoothing'], settings['layerDecay'], settings['drop_path']], [0.8, 1, { ops: 2, magnitude: 9, std: 0.5 }, 0.25, 0.1, 0.75, 0.1]);
  const resumed = await call(...common, '--out', parts, '--resume');
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /resuming at epoch 2, batch 1 \(step 4\)/);
  assert.deepEqual(metrics(parts), metrics(whole));
  assert.deepEqual(readFileSync(join(parts, 'checkpoint.safetensors')), readFileSync(join(whole, 'checkpoint.safetensors')));
  assert.deepEqual(JSON.parse(readFileSync(join(parts, 'result.json'), 'utf8')).top1, JSON.parse(readFileSync(join(whole, 'result.json'), 'utf8')).top1);
});

test('a run without the recipe (as before these defaults) records none of it, resumes only with the off flags, and differs from the recipe', async () => {
  const common = [run, '--data', SYNTH, '--batch', '32', '--warmup', '0', '--train-limit', '64', '--test-limit', '32', '--epochs', '1'];
  const plain = join(run, 'ft-plain');
  assert.equal((await call(...common, ...OFF, '--out', plain, '--steps', '1')).code, 0);
  const settings = (await readFinetuneCheckpoint(join(plain, 'checkpoint.safetensors'))).meta.settings;
  for (const key of ['mixup', 'cutmix', 'randAugment', 'reprob']) assert.equal(key in settings, false, key);
  const refused = await call(...common, '--out', plain, '--resume');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /cannot resume[^]*mixup: the run has none, this command 0\.8[^]*cutmix: the run has none, this command 1[^]*randAugment: the run has none, this command \{"ops":2,"magnitude":9,"std":0\.5\}[^]*reprob: the run has none, this command 0\.25/);
  const resumed = await call(...common, ...OFF, '--out', plain, '--resume');
  assert.equal(resumed.code, 0, resumed.err);
  const recipe = join(run, 'ft-recipe-one');
  assert.equal((await call(...common, '--out', recipe)).code, 0);
  assert.notDeepEqual(metrics(recipe), metrics(plain));
});
