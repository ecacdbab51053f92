import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli, transcript } from './run-cli.ts';

/**
 * The CLI's output for every model file and every broken fixture, compared with
 * tests/compiler/golden/<name>.txt. `UPDATE_GOLDEN=1 node scripts/test.mjs compiler/cli/golden`
 * rewrites the files; review the diff before committing it.
 */
const update = process.env['UPDATE_GOLDEN'] === '1';
const goldenDir = join(ROOT, 'tests/compiler/golden');

const files = (dir: string, ext = '.ts') =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => `${dir}/${f}`);

/** The model files this suite pins; any other file in models/ must still compile (below). */
const PINNED_MODELS = ['ablation-grid', 'cifar-small', 'fashion-mnist', 'mae-vit-b16', 'mae-vit-h14', 'mae-vit-l16', 'mnist-tiny'];

const cases: { readonly golden: string; readonly argv: readonly string[] }[] = [
  { golden: 'compile-help', argv: ['compile', '--help'] },
  { golden: 'unknown-flag', argv: ['compile', 'models/mnist-tiny.ts', '--verbose'] },
  { golden: 'missing-file', argv: ['compile', 'models/nowhere.ts'] },
  ...PINNED_MODELS.map((name) => ({ golden: `models-${name}`, argv: ['compile', `models/${name}.ts`] })),
  ...[...files('tests/compiler/fixtures'), ...files('tests/compiler/fixtures/.tsc-skips')].map((f) => ({
    golden: `fixture-${f.split('/').pop()!.slice(0, -3)}`,
    argv: ['compile', f],
  })),
  // JSON specs: a run's spec.json, and broken ones with their problems located in the text.
  ...files('tests/compiler/fixtures', '.json').map((f) => ({ golden: `fixture-json-${f.split('/').pop()!.slice(0, -5)}`, argv: ['compile', f] })),
  { golden: 'json-mnist-tiny', argv: ['compile', 'models/mnist-tiny.ts', '--json'] },
];

for (const { golden, argv } of cases)
  test(`maec ${argv.join(' ')} prints what golden/${golden}.txt holds`, async () => {
    const actual = transcript(argv, await runCli(argv));
    const path = join(goldenDir, `${golden}.txt`);
    if (update || !existsSync(path)) {
      writeFileSync(path, actual);
      if (!update) assert.fail(`wrote missing golden ${golden}.txt; rerun to compare`);
      return;
    }
    assert.equal(actual, readFileSync(path, 'utf8'));
  });

for (const file of files('models').filter((f) => !PINNED_MODELS.some((name) => f === `models/${name}.ts`)))
  test(`maec compile ${file} compiles`, async () => {
    const run = await runCli(['compile', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^name +image +patch/);
  });
