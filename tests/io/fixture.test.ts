import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadSafetensors } from '../../runtime/io/files.ts';
import { decodeSafetensors } from '../../runtime/io/safetensors.ts';
import { toFloat32, toInt32 } from '../../runtime/io/convert.ts';
import { fixturePath } from './raw.ts';

test('the parity weights load with official names and their shapes', async () => {
  const { tensors, metadata } = await loadSafetensors(fixturePath('weights.safetensors'));
  assert.deepEqual(metadata, { format: 'pt', fixture: 'a_rgb32_p4' });
  assert.equal(tensors.size, 50);
  assert.deepEqual(tensors.get('blocks.0.attn.qkv.weight')!.shape, [192, 64]);
  assert.deepEqual(tensors.get('patch_embed.proj.weight')!.shape, [64, 3, 4, 4]);
  assert.deepEqual(tensors.get('pos_embed')!.shape, [1, 65, 64]);
  assert.deepEqual(tensors.get('decoder_pred.weight')!.shape, [48, 32]);
  assert.ok([...tensors.values()].every((t) => t.dtype === 'F32'));
});

test('the frozen position table of the fixture has a zero cls row and sin-cos values', async () => {
  const { tensors } = await loadSafetensors(fixturePath('weights.safetensors'));
  const pos = toFloat32(tensors.get('pos_embed')!); // [1, 65, 64]
  assert.ok(pos.subarray(0, 64).every((v) => v === 0));
  // row 2 is patch (i=0, j=1): quarters sin(j*w), cos(j*w), sin(i*w), cos(i*w) with w_0 = 1
  const row = pos.subarray(2 * 64, 3 * 64);
  assert.ok(Math.abs(row[0]! - Math.sin(1)) < 1e-6);
  assert.ok(Math.abs(row[16]! - Math.cos(1)) < 1e-6);
  assert.equal(row[32], 0);
  assert.equal(row[48], 1);
});

test('the expected outputs hold I64 ids_restore that is a permutation of each row, inverse to ids_shuffle', async () => {
  const { tensors } = await loadSafetensors(fixturePath('expected.safetensors'));
  const restore = tensors.get('ids_restore')!;
  const shuffle = tensors.get('inter.ids_shuffle')!;
  assert.equal(restore.dtype, 'I64');
  assert.deepEqual(restore.shape, [4, 64]);
  const r = toInt32(restore);
  const s = toInt32(shuffle);
  for (let n = 0; n < 4; n++) {
    const row = Array.from(r.subarray(n * 64, (n + 1) * 64));
    assert.deepEqual([...row].sort((a, b) => a - b), Array.from({ length: 64 }, (_, i) => i), `row ${n}`);
    for (let l = 0; l < 64; l++) assert.equal(r[n * 64 + s[n * 64 + l]!], l);
  }
  const loss = tensors.get('loss')!;
  assert.deepEqual(loss.shape, []);
  assert.ok(Math.abs(toFloat32(loss)[0]! - 1.6091413497924805) < 1e-7);
  const mask = toFloat32(tensors.get('mask')!);
  assert.equal(mask.reduce((a, b) => a + b, 0), 4 * (64 - 16)); // 48 of 64 patches removed per image
});

test('the inputs file holds imgs [N,C,H,W] and noise [N,L], and reading from memory agrees with reading from disk', async () => {
  const path = fixturePath('inputs.safetensors');
  const fromDisk = await loadSafetensors(path);
  const fromMemory = decodeSafetensors(readFileSync(path), path);
  assert.deepEqual(fromMemory, fromDisk);
  assert.deepEqual(fromDisk.tensors.get('imgs')!.shape, [4, 3, 32, 32]);
  const noise = toFloat32(fromDisk.tensors.get('noise')!);
  assert.ok(noise.every((v) => v >= 0 && v < 1));
});
