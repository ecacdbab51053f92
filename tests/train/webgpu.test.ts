import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { webgpuSkip } from '../runtime/webgpu-env.ts';
import { ROOT, runCli, tempDir, TINY_SPEC_PATH } from './helpers.ts';

/**
 * The training commands on webgpu, as a user runs them (the CLI in a child process; on this
 * machine lavapipe, a CPU Vulkan driver, in CI too). The children inherit VK_DRIVER_FILES
 * from webgpuSkip, which points Vulkan at lavapipe when the environment names no driver.
 */
const skip = await webgpuSkip();
const spec = relative(ROOT, TINY_SPEC_PATH);
const DATA = 'synthetic:train=256,test=16';
const ADAPTER_LINE = /backend webgpu: requested with --backend webgpu; adapter \S+/;

/** metrics.jsonl without the throughput, which differs between any two runs. */
function records(dir: string): unknown[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map(({ imagesPerSecond: _, ...r }) => r);
}

let pretrained: string | undefined;

test('maec pretrain --backend webgpu trains, saves a checkpoint and draws reconstructions and the loss', { skip }, async () => {
  const out = join(tempDir(), 'run');
  const r = await runCli(['pretrain', spec, '--data', DATA, '--epochs', '1', '--batch', '32', '--out', out, '--backend', 'webgpu']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, ADAPTER_LINE);
  assert.match(r.stdout, /finished 1 epochs \(8 steps\)/);
  for (const f of ['spec.json', 'checkpoint.safetensors', 'loss.png', 'reconstructions/epoch-001.png']) assert.ok(existsSync(join(out, f)), `${f} missing`);
  const steps = records(out) as { kind?: string; loss: number }[];
  assert.equal(steps.filter((s) => s.kind === undefined).length, 8);
  assert.ok(steps.every((s) => Number.isFinite(s.loss)), 'every logged loss is finite');
  pretrained = out;
});

test('the webgpu pretraining logs the losses the wasm one logs, step by step (within 1e-5 relative)', { skip }, async (t) => {
  const run = pretrained ?? assert.fail('the pretraining test did not leave a run');
  const out = join(tempDir(), 'wasm');
  const r = await runCli(['pretrain', spec, '--data', DATA, '--epochs', '1', '--batch', '32', '--out', out, '--backend', 'wasm']);
  assert.equal(r.code, 0, r.stderr);
  const gpu = records(run) as { loss: number }[];
  const cpu = records(out) as { loss: number }[];
  assert.equal(gpu.length, cpu.length);
  let worst = 0;
  for (const [i, g] of gpu.entries()) worst = Math.max(worst, Math.abs(g.loss - cpu[i]!.loss) / Math.abs(cpu[i]!.loss));
  t.diagnostic(`worst relative loss difference over ${gpu.length} records: ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-5, `worst relative loss difference ${worst}`);
});

test('on webgpu a run stopped with --steps and resumed with --resume logs the same losses and saves the same checkpoint as an uninterrupted one', { skip }, async () => {
  const base = ['pretrain', spec, '--data', DATA, '--epochs', '2', '--batch', '32', '--limit', '96', '--checkpoint-every', '2', '--backend', 'webgpu'];
  const whole = join(tempDir(), 'whole');
  const w = await runCli([...base, '--out', whole]);
  assert.equal(w.code, 0, w.stderr);
  const parts = join(tempDir(), 'parts');
  const first = await runCli([...base, '--out', parts, '--steps', '2']);
  assert.equal(first.code, 0, first.stderr);
  const resumed = await runCli(['pretrain', '--resume', '--out', parts, '--backend', 'webgpu']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /finished 2 epochs \(6 steps\)/);
  assert.deepEqual(records(parts), records(whole));
  assert.deepEqual(readFileSync(join(parts, 'checkpoint.safetensors')), readFileSync(join(whole, 'checkpoint.safetensors')));
});

test('maec probe, finetune and reconstruct run on webgpu from a webgpu pretraining', { skip }, async () => {
  const run = pretrained ?? assert.fail('the pretraining test did not leave a run');
  const probe = await runCli(['probe', run, '--data', DATA, '--epochs', '2', '--warmup', '1', '--batch', '64', '--backend', 'webgpu']);
  assert.equal(probe.code, 0, probe.stderr);
  assert.match(probe.stderr + probe.stdout, ADAPTER_LINE);
  assert.ok(existsSync(join(run, 'probe', 'result.json')));

  const ft = join(tempDir(), 'ft');
  const finetune = await runCli(['finetune', run, '--data', DATA, '--epochs', '1', '--warmup', '0', '--batch', '32', '--out', ft, '--backend', 'webgpu']);
  assert.equal(finetune.code, 0, finetune.stderr);
  const result = JSON.parse(readFileSync(join(ft, 'result.json'), 'utf8')) as { top1?: number };
  assert.ok(typeof result.top1 === 'number' && result.top1 >= 0 && result.top1 <= 1, `result.json has a top-1 accuracy: ${JSON.stringify(result)}`);

  const image = join(tempDir(), 'a.png');
  await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toFile(image);
  const png = join(tempDir(), 'rec.png');
  const rec = await runCli(['reconstruct', run, image, '--out', png, '--backend', 'webgpu']);
  assert.equal(rec.code, 0, rec.stderr);
  const meta = await sharp(png).metadata();
  assert.ok((meta.width ?? 0) >= 4 * 16, `a grid of four 16-pixel images: ${meta.width}x${meta.height}`);
});
