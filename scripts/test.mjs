// Runs every tests/**/*.test.ts file with Node's test runner (tsx compiles the TypeScript).
// Node 20's --test does not expand globs itself, so the file list is built here.
//
// A test that cannot run here (a tool or data set missing) is skipped with its reason; after
// the run every skipped test is listed with that reason. With MAEC_TEST_NO_SKIP=1 (CI sets it)
// a skipped test fails the run: CI installs everything the tests need.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** `ok N - name # SKIP reason` lines of a TAP stream, at any nesting depth. */
function skippedTests(tap) {
  const out = [];
  for (const line of tap.split('\n')) {
    const m = /^\s*ok \d+ - (.*?) # SKIP\s*(.*)$/.exec(line);
    if (m) out.push({ name: m[1], reason: m[2] || '(no reason given)' });
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect('tests').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'maec-test-'));
const tapFile = join(work, 'report.tap');
const reporters = ['--test-reporter=tap', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporters, ...files], { stdio: 'inherit' });
let status = result.status ?? 1;
let skipped = [];
try {
  skipped = skippedTests(readFileSync(tapFile, 'utf8'));
} catch (e) {
  console.error(`scripts/test.mjs: could not read the test report ${tapFile}: ${e.message}`);
  status = status || 1;
}
rmSync(work, { recursive: true, force: true });
if (skipped.length > 0) {
  const strict = process.env.MAEC_TEST_NO_SKIP === '1';
  console.log(`\n${skipped.length} test${skipped.length === 1 ? '' : 's'} skipped${strict ? ' (not allowed: MAEC_TEST_NO_SKIP=1)' : ''}:`);
  for (const s of skipped) console.log(`  - ${s.name}: ${s.reason}`);
  if (strict) status = status || 1;
}
process.exit(status);
