// What a run folder guarantees when runs diverge, fail, are killed or collide (docs/pretraining.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readCheckpoint } from '../../runtime/checkpoint/index.ts';
import { ROOT, runCli, tempDir, TINY_DATA, TINY_SPEC_PATH } from './helpers.ts';

const spec = relative(ROOT, TINY_SPEC_PATH);
const train = (out: string, ...flags: string[]) => runCli(['pretrain', spec, '--data', TINY_DATA, '--epochs', '2', '--batch', '32', '--out', out, ...flags]);
/** A pid that is certainly not running: a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

test('a diverging run never saves non-finite weights; the message names the step and the finite checkpoint it kept', async () => {
  const out = join(tempDir(), 'run');
  // warmup keeps steps 1-2 tame; at step 3 the second moments overflow.
  const r = await train(out, '--blr', '1e8', '--checkpoint-every', '1');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TRAIN001 the weights are not finite after step 3: \S+ has [\d,]+ non-finite .*; stopped without saving, the checkpoint of step 2 is kept/);
  const kept = await readCheckpoint(join(out, 'checkpoint.safetensors')); // refuses non-finite values
  assert.equal(kept.meta.position.step, 2);
});

test('a new run that fails before its first checkpoint says so and leaves no folder behind; the same command fails the same way', async () => {
  const out = join(tempDir(), 'run');
  for (let i = 0; i < 2; i++) {
    const r = await train(out, '--blr', '1e30', '--warmup', '0', '--checkpoint-every', '0');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TRAIN001 .*no checkpoint was saved yet; nothing had been saved, so the run folder's files were removed/);
    assert.equal(existsSync(out), false);
  }
});

test('a folder left by a run killed before its first checkpoint is started over, not a dead end', async () => {
  const out = join(tempDir(), 'run');
  mkdirSync(join(out, 'reconstructions'), { recursive: true });
  writeFileSync(join(out, 'spec.json'), '{}');
  writeFileSync(join(out, 'metrics.jsonl'), '{"step":1,"ep');
  writeFileSync(join(out, `.checkpoint.safetensors.${deadPid()}.0123456789ab.tmp`), 'torn');
  const r = await train(out, '--steps', '2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /held a run that never saved a checkpoint: starting it over/);
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.tmp')), []);
});

test('a folder with other files is still refused', async () => {
  const out = tempDir();
  writeFileSync(join(out, 'notes.txt'), 'mine');
  const r = await train(out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TRAIN002 run folder .* is not empty \(notes\.txt\)/);
});

test('resuming removes the temporary files of a killed save and keeps those of a live writer', async () => {
  const out = join(tempDir(), 'run');
  assert.equal((await train(out, '--steps', '1')).code, 0);
  const stale = `.checkpoint.safetensors.${deadPid()}.0123456789ab.tmp`;
  const live = `.checkpoint.safetensors.${process.pid}.0123456789ab.tmp`;
  writeFileSync(join(out, stale), 'torn');
  writeFileSync(join(out, live), 'being written');
  const r = await runCli(['pretrain', '--resume', '--out', out, '--steps', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(join(out, stale)), false);
  assert.equal(existsSync(join(out, live)), true);
});

test('a run folder held by a live process is refused naming it; a dead holder\'s lock is taken over and released', async () => {
  const out = join(tempDir(), 'run');
  assert.equal((await train(out, '--steps', '1')).code, 0);
  assert.equal(existsSync(join(out, '.lock')), false, 'a finished invocation releases its lock');
  writeFileSync(join(out, '.lock'), JSON.stringify({ pid: process.pid, command: 'maec pretrain --resume', since: '2026-12-01T00:00:00Z' }));
  const held = await runCli(['pretrain', '--resume', '--out', out]);
  assert.equal(held.code, 1);
  assert.match(held.stderr, new RegExp(`TRAIN002 run folder .* is in use by process ${process.pid} \\(maec pretrain --resume, since 2026-12-01T00:00:00Z\\)`));
  const fresh = await train(out);
  assert.equal(fresh.code, 1, 'a new run is refused too');
  assert.match(fresh.stderr, /in use by process/);
  writeFileSync(join(out, '.lock'), JSON.stringify({ pid: deadPid(), command: 'maec pretrain', since: '2026-12-01T00:00:00Z' }));
  const taken = await runCli(['pretrain', '--resume', '--out', out, '--steps', '1']);
  assert.equal(taken.code, 0, taken.stderr);
  assert.equal(existsSync(join(out, '.lock')), false);
});

test('a stage whose sweep is killed with SIGKILL stops at the next step with a checkpoint instead of training on', async () => {
  const out = join(tempDir(), 'run');
  const log = join(tempDir(), 'stage.log');
  // The parent stands in for a sweep: it starts the stage as sweep/child.ts does and then idles.
  const parentCode = `
    const { spawn } = require('node:child_process');
    const fs = require('node:fs');
    const fd = fs.openSync(${JSON.stringify(log)}, 'a');
    const child = spawn(process.execPath, [${JSON.stringify(join(ROOT, 'bin/maec.js'))}, 'pretrain', ${JSON.stringify(spec)}, '--data', 'synthetic:train=20000,test=16', '--epochs', '1', '--batch', '32', '--out', ${JSON.stringify(out)}],
      { cwd: ${JSON.stringify(ROOT)}, detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, MAEC_PARENT_PID: String(process.pid) } });
    console.log(child.pid);
    setInterval(() => {}, 1000);`;
  const parent = (await import('node:child_process')).spawn(process.execPath, ['-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const childPid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  const { readFileSync } = await import('node:fs');
  const until = async (what: () => boolean, ms: number) => {
    for (const t0 = Date.now(); !what(); ) {
      if (Date.now() - t0 > ms) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  };
  assert.ok(await until(() => existsSync(log) && /step 1\//.test(readFileSync(log, 'utf8')), 60_000), 'the stage started training');
  parent.kill('SIGKILL');
  const alive = () => {
    try {
      process.kill(childPid, 0);
      return true;
    } catch {
      return false;
    }
  };
  assert.ok(await until(() => !alive(), 30_000), 'the orphaned stage exited');
  assert.match(readFileSync(log, 'utf8'), /the sweep or worker that started this stage \(process \d+\) is gone; saving a checkpoint/);
  assert.match(readFileSync(log, 'utf8'), /stopped at step \d+ .*checkpoint saved/);
  assert.ok(existsSync(join(out, 'checkpoint.safetensors')));
});

test('a full disk during the first checkpoint is TRAIN005 naming the file, and the new run folder is removed', async () => {
  const { pretrain } = await import('../../runtime/train/run.ts');
  const { openTarget } = await import('../../runtime/tfjs/target.ts');
  const { openDataset } = await import('../../runtime/data/index.ts');
  const { TrainError } = await import('../../runtime/train/errors.ts');
  const { quietReporter, tinySpec, TINY_HYPER } = await import('./helpers.ts');
  const dir = join(tempDir(), 'run');
  const full = async (path: string) => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path });
  };
  await assert.rejects(
    pretrain({ spec: tinySpec(), dataset: await openDataset(TINY_DATA), data: TINY_DATA, hyper: TINY_HYPER, dir, resume: false, target: await openTarget('wasm'), reporter: quietReporter, write: full }),
    (e: unknown) =>
      e instanceof TrainError && e.code === 'TRAIN005' && e.message.startsWith(`cannot write ${join(dir, 'checkpoint.safetensors')}: no space left on the device (ENOSPC)`) && /run folder's files were removed/.test(e.message),
  );
  assert.equal(existsSync(dir), false);
});

test('a checkpoint that cannot resume exactly (weight of another shape, zero generator state, a missing moment) is TRAIN003 naming the file, without a stack', async () => {
  const { loadSafetensors, saveSafetensors } = await import('../../runtime/io/index.ts');
  const out = join(tempDir(), 'run');
  assert.equal((await train(out, '--steps', '1')).code, 0);
  const ckpt = join(out, 'checkpoint.safetensors');
  const original = await loadSafetensors(ckpt);
  const variants: [string, (name: string) => boolean, Record<string, string>, RegExp][] = [
    ['a weight of another shape', () => true, {}, /TRAIN003 \S*checkpoint\.safetensors: weights do not match the model[\s\S]*norm\.weight: expected shape \[\d+\], found \[1,\d+\]/],
    ['a zero generator state', () => true, { rng: '[0,0,0,0]' }, /TRAIN003 .*checkpoint\.safetensors.*(RNG|rng)/],
    ['a missing moment', (name) => name !== 'optimizer.v.norm.weight', {}, /TRAIN003 .*checkpoint\.safetensors: optimizer state lacks v\.norm\.weight/],
  ];
  for (const [what, keep, meta, message] of variants) {
    const tensors = new Map(
      [...original.tensors].filter(([name]) => keep(name)).map(([name, t]) => {
        const reshaped = what === 'a weight of another shape' && name === 'norm.weight';
        return [name, { shape: reshaped ? [1, t.shape[0]!] : t.shape, data: t.data as Float32Array }];
      }),
    );
    await saveSafetensors(ckpt, tensors, { ...original.metadata, ...meta });
    const r = await runCli(['pretrain', '--resume', '--out', out]);
    assert.equal(r.code, 1, what);
    assert.match(r.stderr, message, what);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: no stack`);
  }
});
