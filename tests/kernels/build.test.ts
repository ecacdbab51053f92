import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const hasClang = spawnSync('sh', ['-c', 'command -v clang && command -v wasm-ld']).status === 0;
const noClang = hasClang ? false : 'clang/wasm-ld not installed: the committed kernels/maec_kernels.wasm cannot be rebuilt here';

test('the committed kernel binary equals a fresh build of its sources', { skip: noClang }, () => {
  const run = spawnSync('bash', ['kernels/build.sh', '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /fresh build matches/);
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
