import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const hasClang = spawnSync('sh', ['-c', 'command -v clang && command -v wasm-ld']).status === 0;
const noClang = hasClang ? false : 'clang/wasm-ld not installed: the committed kernels/maec_kernels.wasm cannot be rebuilt here';
// The relaxed-SIMD build needs clang 16's standard relaxed_madd opcode (kernels/build.sh).
const hasClang16 = spawnSync('sh', ['-c', 'command -v clang-16 && command -v wasm-ld-16']).status === 0;
const noClangs = !hasClang ? noClang : hasClang16 ? false : 'clang-16/wasm-ld-16 not installed (apt clang-16 lld-16): the committed kernels/maec_kernels_relaxed.wasm cannot be rebuilt here';

test('both committed kernel binaries, plain and relaxed SIMD, equal a fresh build of their sources', { skip: noClangs }, () => {
  const run = spawnSync('bash', ['kernels/build.sh', '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /fresh build matches .*kernels\/maec_kernels\.wasm/);
  assert.match(run.stdout, /fresh build matches .*kernels\/maec_kernels_relaxed\.wasm/);
});

test('the relaxed build uses f32x4.relaxed_madd and the plain build does not', () => {
  // 0xfd 0x85 0x02 is relaxed_madd's opcode; as a byte pattern it may also occur inside other
  // immediates, so the plain build's count is the baseline, not zero.
  const count = (file: string): number => {
    const bytes = readFileSync(join(root, 'kernels', file));
    let n = 0;
    for (let i = 0; i + 2 < bytes.length; ++i) if (bytes[i] === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02) ++n;
    return n;
  };
  const plain = count('maec_kernels.wasm');
  const relaxed = count('maec_kernels_relaxed.wasm');
  assert.ok(relaxed >= plain + 16, `relaxed build: ${relaxed} relaxed_madd patterns, plain: ${plain}`);
});

test('the module check rejects a kernel that uses the shadow stack', { skip: noClang }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'maec-kernels-'));
  try {
    // An array whose address escapes cannot live in wasm locals: clang puts it on the stack.
    writeFileSync(join(dir, 'bad.c'), [
      'void sink(float *p);',
      '__attribute__((export_name("maec_matmul"))) void maec_matmul(void) { float t[64]; sink(t); }',
      '__attribute__((export_name("maec_scratch_floats"))) int maec_scratch_floats(void) { return 0; }',
      'void sink(float *p) { for (int i = 0; i < 64; ++i) ((volatile float *)p)[i] = 0; }',
    ].join('\n'));
    const cc = spawnSync('clang', ['--target=wasm32', '-O1', '-c', join(dir, 'bad.c'), '-o', join(dir, 'bad.o')], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const ld = spawnSync('wasm-ld', ['--no-entry', '--import-memory', '--export-dynamic', join(dir, 'bad.o'), '-o', join(dir, 'bad.wasm')], { encoding: 'utf8' });
    assert.equal(ld.status, 0, ld.stderr);
    const check = spawnSync('node', [join(root, 'kernels/check_module.mjs'), join(dir, 'bad.wasm'), join(dir, 'bad.o')], { encoding: 'utf8' });
    assert.equal(check.status, 1, check.stdout);
    assert.match(check.stderr, /references global __stack_pointer/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
