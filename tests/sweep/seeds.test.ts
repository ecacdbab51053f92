// `maec sweep --seeds N --labels LIST` end to end on tiny synthetic data: folders, runs.csv, the
// mean/sd arithmetic against each seed's result.json, refusal of other --seeds, old folders continued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sweepCommand, parseLabels } from '../../cli/commands/sweep.ts';
import { bufferIo } from '../../cli/io.ts';
import { csvCells, ROOT, runCli, tempDir, TINY_DATA } from './helpers.ts';

const FIXTURE = join(ROOT, 'tests/sweep/fixtures/one-variant.ts');
/** 64 training images: 50% of them is 32, and fine-tuning on them runs at batch 16. */
const TINY = ['--data', TINY_DATA, '--epochs', '1', '--probe-epochs', '1', '--finetune-epochs', '1', '--limit', '64', '--test-limit', '32', '--workers', '2'];

/** A CSV file as header-keyed records. */
function records(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const keys = csvCells(header!);
  return lines.map((l) => Object.fromEntries(csvCells(l).map((c, i) => [keys[i]!, c])));
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

async function inProcess(argv: readonly string[]) {
  const io = bufferIo(ROOT);
  const code = await sweepCommand.run(argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

test('--labels takes distinct percentages in (0, 100] and says which item is wrong', () => {
  assert.deepEqual(parseLabels('100,10,1'), [100, 10, 1]);
  assert.deepEqual(parseLabels('0.5, 50'), [0.5, 50]);
  assert.match(parseLabels('100,0') as string, /item 2 \(0\) is outside \(0, 100\]/);
  assert.match(parseLabels('101') as string, /outside \(0, 100\]/);
  assert.match(parseLabels('10,10') as string, /10 is given twice/);
  assert.match(parseLabels('10%') as string, /item 1 \("10%"\) is not a number/);
  assert.match(parseLabels('') as string, /not a number/);
});

test('usage errors for --seeds and --labels exit 2 before anything is written', async () => {
  const out = join(tempDir(), 'sweep');
  for (const [flags, message] of [[['--seeds', '0'], /--seeds is out of range/], [['--labels', '100,abc'], /--labels: item 2/]] as const) {
    const r = await inProcess([FIXTURE, ...TINY, ...flags, '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.err, message);
  }
  assert.ok(!existsSync(out));
});

test('--seeds 2 --labels 100,50: every entry runs per seed in its seed folder and per protocol; results.csv is the mean, sd and n of the runs; other --seeds is refused; an old folder continues', async (t) => {
  const out = join(tempDir(), 'sweep');
  const argv = ['sweep', FIXTURE, ...TINY, '--seeds', '2', '--labels', '100,50', '--out', out];
  const first = await runCli(argv);
  t.diagnostic(`sweep of 2 entries x 2 seeds x 2 protocols: ${first.seconds.toFixed(1)}s`);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /sweep of 1 variants and a no-pretraining control, seeds 0-1, label protocols 100% 50%/);
  assert.match(first.stdout, /4\/4 runs finished \(0 skipped as already done\), 0 failed/);
  assert.deepEqual(json(join(out, 'sweep.json')).seeds, 2);
  assert.deepEqual(json(join(out, 'sweep.json')).labels, [100, 50]);

  // The layout: the base seed in the entry's folder, seed 1 beside it; each protocol's stages.
  for (const entry of ['only']) {
    for (const [folder, seed] of [[entry, 0], [`${entry},seed=1`, 1]] as const) {
      for (const stage of ['probe', 'finetune', 'probe-labels50', 'finetune-labels50']) assert.ok(existsSync(join(out, folder, 'run', stage, 'result.json')), `${folder}/run/${stage}`);
      const probe = readFileSync(join(out, folder, 'probe-labels50.log'), 'utf8');
      assert.match(probe, new RegExp(`^\\$ maec probe \\S+/${folder.replace(/[.=]/g, '\\$&')}/run --data \\S+ --seed ${seed} .*--out \\S+/run/probe-labels50 .*--labels 50%`));
      assert.match(readFileSync(join(out, folder, 'pretrain.log'), 'utf8'), new RegExp(`^\\$ maec pretrain .* --seed ${seed} `));
      // 1 epoch on all labels: 2 on half of them, at half the subset's 32 images a batch.
      assert.match(readFileSync(join(out, folder, 'finetune-labels50.log'), 'utf8'), /--epochs 2 --warmup 0\.2 --batch 16 .*--labels 50%/);
      assert.equal(json(join(out, folder, 'run', 'probe-labels50', 'result.json')).labels.percent, 50);
    }
  }
  assert.ok(existsSync(join(out, 'no-pretraining,seed=1', 'finetune-labels50', 'result.json')));
  assert.match(readFileSync(join(out, 'no-pretraining,seed=1', 'probe.log'), 'utf8'), /^\$ maec probe --scratch \S+no-pretraining,seed=1\/spec\.json .*--seed 1 /);

  // runs.csv: one row per entry and seed, the raw values of each result.json.
  const runs = records(join(out, 'runs.csv'));
  assert.deepEqual(runs.map((r) => [r['variant'], r['seed'], r['folder'], r['status']]), [
    ['only', '0', 'only', 'done'], ['only', '1', 'only,seed=1', 'done'], ['no pretraining', '0', 'no-pretraining', 'done'], ['no pretraining', '1', 'no-pretraining,seed=1', 'done'],
  ]);
  const results = records(join(out, 'results.csv'));
  assert.deepEqual(results.map((r) => [r['variant'], r['labels (%)']]), [['only', '100'], ['only', '50'], ['no pretraining', '100'], ['no pretraining', '50']]);
  let worst = 0;
  for (const [entry, kind] of [['only', 'variant'], ['no-pretraining', 'control']] as const) {
    const perSeed = [json(join(out, entry, 'result.json')), json(join(out, `${entry},seed=1`, 'result.json'))];
    assert.deepEqual(perSeed.map((r) => r.seed), [0, 1]);
    if (kind === 'variant') for (const r of perSeed) assert.ok(r.heldout.loss > 0 && r.heldout.trivial > 0, 'held-out loss recorded');
    for (const labels of [100, 50]) {
      const line = results.find((r) => r['variant'] === perSeed[0].name && r['labels (%)'] === String(labels))!;
      for (const [metric, key] of [['linear probe top-1', 'probeTop1'], ['fine-tune top-1', 'finetuneTop1']] as const) {
        const xs = perSeed.map((r) => r.protocols.find((p: { labels: number }) => p.labels === labels)[key] as number);
        assert.equal(line[`${metric} n`], '2');
        worst = Math.max(worst, Math.abs(Number(line[`${metric} mean`]) - mean(xs)), Math.abs(Number(line[`${metric} sd`]) - sd(xs)));
        const raw = runs.filter((r) => r['variant'] === perSeed[0].name).map((r) => Number(r[`${metric} (${labels}% labels)`]));
        assert.deepEqual(raw, xs);
      }
      if (kind === 'variant') worst = Math.max(worst, Math.abs(Number(line['held-out loss mean']) - mean(perSeed.map((r) => r.heldout.loss))));
    }
  }
  t.diagnostic(`worst |results.csv - mean/sd of the result.json values|: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-4, `results.csv is rounded to 6 and 4 significant digits: ${worst}`);
  const md = readFileSync(join(out, 'results.md'), 'utf8');
  assert.match(md, /\| `only` \| variant \| 0\.75 \|.*\| 50% \| done \| [\d.]+ ± [\d.]+ \(2\) \| [\d.]+ ± [\d.]+ \(2\) \| [\d.]+ ± [\d.]+ \/ [\d.]+ \(2\) \|/);

  // Other --seeds (or --labels) into this folder is refused.
  for (const [flag, value, message] of [['--seeds', '3', /other settings \(--seeds 2\)/], ['--labels', '100', /other settings \(--labels 100,50\)/]] as const) {
    const other = await inProcess(argv.slice(1).map((a, i, all) => (all[i - 1] === flag ? value : a)));
    assert.equal(other.code, 2);
    assert.match(other.err, message);
  }

  // The same command skips every run.
  const again = await inProcess(argv.slice(1));
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /4\/4 runs finished \(4 skipped as already done\)/);
  for (const folder of ['only', 'only,seed=1']) assert.equal(readFileSync(join(out, folder, 'probe-labels50.log'), 'utf8').split('\n').filter((l) => l.startsWith('$ maec')).length, 1);
});

test('an old sweep folder (sweep.json without seeds or labels, result.json without protocols) continues with the default --seeds 1 --labels 100: nothing runs again', async () => {
  const out = join(tempDir(), 'sweep');
  const argv = ['sweep', FIXTURE, ...TINY, '--out', out];
  const first = await runCli(argv);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  // Make the folder as a sweep before --seeds wrote it.
  const settings = json(join(out, 'sweep.json'));
  assert.deepEqual([settings.seeds, settings.labels], [1, [100]]);
  writeFileSync(join(out, 'sweep.json'), JSON.stringify({ data: settings.data, budget: settings.budget, seed: settings.seed }));
  for (const entry of ['only', 'no-pretraining']) {
    const r = json(join(out, entry, 'result.json'));
    writeFileSync(join(out, entry, 'result.json'), JSON.stringify({ name: r.name, probeTop1: r.probeTop1, finetuneTop1: r.finetuneTop1, pretrainSeconds: r.pretrainSeconds, probeSeconds: r.probeSeconds, finetuneSeconds: r.finetuneSeconds }));
  }
  rmSync(join(out, 'results.csv'));
  const again = await inProcess(argv.slice(1));
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /2\/2 finished \(2 skipped as already done\)/);
  assert.ok(!existsSync(join(out, 'only,seed=1')));
  const results = records(join(out, 'results.csv'));
  assert.deepEqual(results.map((r) => [r['variant'], r['labels (%)'], r['linear probe top-1 n']]), [['only', '100', '1'], ['no pretraining', '100', '1']]);
  assert.equal(Number(results[0]!['linear probe top-1 mean']), json(join(out, 'only', 'result.json')).probeTop1);
});
