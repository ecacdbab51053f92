import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, mdCell, toCsv, toMarkdown, type Row } from '../../sweep/index.ts';
import { difference, summarize } from '../../sweep/stats.ts';
import { toRunsCsv, unfinishedRuns } from '../../sweep/table.ts';
import { controlRow, result, row, withRuns } from './helpers.ts';

test('a CSV field with a comma, quote or newline is quoted with quotes doubled; others are bare', () => {
  assert.equal(csvField('mask=0.5,decoder.depth=1'), '"mask=0.5,decoder.depth=1"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('a\nb'), '"a\nb"');
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField(0.75), '0.75');
  assert.equal(csvField(false), 'false');
  assert.equal(csvField(undefined), '');
});

const HEADER =
  'variant,kind,mask ratio,strategy,decoder depth,decoder width,mask tokens in encoder,target,augmentation,status,labels (%),seeds,' +
  'linear probe top-1 mean,linear probe top-1 sd,linear probe top-1 n,fine-tune top-1 mean,fine-tune top-1 sd,fine-tune top-1 n,' +
  'held-out loss mean,held-out loss sd,held-out loss n,trivial loss mean,trivial loss sd,trivial loss n,' +
  'pretrain seconds mean,pretrain seconds sd,pretrain seconds n,GFLOPs per image,speedup vs symmetric,failed seeds';

test('the CSV has a header and one line per variant, axes first, accuracies as fractions, empty cells for a failed variant', () => {
  const csv = toCsv([row('mask=0.5,decoder.depth=1', { mask: 0.5 }, [0.625, 0.8125]), row('broken', { augment: 'crop+jitter' })]);
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[0], HEADER);
  // One seed: means, no sd, n 1; no held-out record in this result, so its n is 0.
  assert.equal(lines[1], '"mask=0.5,decoder.depth=1",variant,0.5,random,1,16,false,norm-pixels,crop,done,100,1,0.625,,1,0.8125,,1,,,0,,,0,12.34,,1,0.001235,2.5,');
  assert.equal(lines[2], 'broken,variant,0.75,random,1,16,false,norm-pixels,crop+jitter,failed,100,1,,,0,,,0,,,0,,,0,,,0,0.001235,2.5,0');
  assert.ok(csv.endsWith('\n'));
});

test('over seeds each metric has its mean, sample sd (n - 1) and n; a failed seed lowers n and is named', () => {
  const heldout = (loss: number) => ({ loss, trivial: 1 });
  const base = row('m', { mask: 0.5 }, [0, 0]);
  const three = withRuns(base, [
    result('m', [0.5, 0.7], { heldout: heldout(0.25), pretrainSeconds: 10 }),
    result('m', [0.6, 0.8], { heldout: heldout(0.5), pretrainSeconds: 20 }),
    result('m', [0.7, 0.9], { heldout: heldout(0.75), pretrainSeconds: 30 }),
  ]);
  const failedOne: Row = { ...three, runs: [...three.runs.slice(0, 2), { seed: 2, folder: 'm,seed=2', status: 'failed', result: undefined }] };
  const [header, all, partial] = toCsv([three, failedOne]).trimEnd().split('\n').map((l) => l.split(','));
  const at = (cells: string[], h: string) => cells[header!.indexOf(h)];
  // probe 0.5, 0.6, 0.7: mean 0.6, sd 0.1; fine-tune mean 0.8, sd 0.1; loss 0.25..0.75: sd 0.25.
  assert.equal(Number(at(all!, 'linear probe top-1 mean')), 0.6);
  assert.equal(Number(at(all!, 'linear probe top-1 sd')), 0.1);
  assert.equal(at(all!, 'linear probe top-1 n'), '3');
  assert.equal(Number(at(all!, 'fine-tune top-1 mean')), 0.8);
  assert.equal(Number(at(all!, 'held-out loss sd')), 0.25);
  assert.equal(Number(at(all!, 'pretrain seconds mean')), 20);
  assert.equal(Number(at(all!, 'pretrain seconds sd')), 10);
  assert.equal(at(all!, 'status'), 'done');
  // Two of three: mean 0.55, sd sqrt(0.005) = 0.07071.
  assert.equal(at(partial!, 'status'), 'partial');
  assert.equal(Number(at(partial!, 'linear probe top-1 mean')), 0.55);
  assert.equal(Number(at(partial!, 'linear probe top-1 sd')), 0.07071);
  assert.equal(at(partial!, 'linear probe top-1 n'), '2');
  assert.equal(at(partial!, 'failed seeds'), '2');
  const md = toMarkdown([three, failedOne]).trimEnd().split('\n');
  assert.match(md[2]!, /\| 100% \| done \| 60\.0 ± 10\.0 \(3\) \| 80\.0 ± 10\.0 \(3\) \| 0\.500 ± 0\.250 \/ 1\.000 \(3\) \| 20 ± 10 \(3\) \|/);
  assert.match(md[3]!, /\| partial \(2\/3\) \| 55\.0 ± 7\.1 \(2\) \|/);
  assert.equal(unfinishedRuns([three, failedOne]), '- FAILED: `m` seed 2 (see m,seed=2/error.log)\n');
});

test('with label protocols results.csv has a line per entry and protocol, and runs.csv a line per entry and seed with every protocol', () => {
  const r = withRuns(row('m', { mask: 0.5 }, [0, 0]), [
    result('m', [0, 0], { protocols: [[100, 0.5, 0.75], [10, 0.25, 0.5]] }),
    result('m', [0, 0], { seed: 1, protocols: [[100, 0.75, 0.75], [10, 0.5, 0.5]] }),
  ]);
  const lines = toCsv([r], [100, 10]).trimEnd().split('\n').map((l) => l.split(','));
  const at = (cells: string[], h: string) => cells[lines[0]!.indexOf(h)];
  assert.deepEqual(lines.slice(1).map((c) => [at(c, 'labels (%)'), at(c, 'linear probe top-1 mean'), at(c, 'fine-tune top-1 sd')]), [
    ['100', '0.625', '0'],
    ['10', '0.375', '0'],
  ]);
  const runs = toRunsCsv([r], [100, 10]).trimEnd().split('\n');
  assert.equal(runs[0], 'variant,kind,seed,folder,status,linear probe top-1 (100% labels),fine-tune top-1 (100% labels),probe seconds (100% labels),fine-tune seconds (100% labels),linear probe top-1 (10% labels),fine-tune top-1 (10% labels),probe seconds (10% labels),fine-tune seconds (10% labels),held-out loss,trivial loss,pretrain seconds');
  assert.equal(runs[2], 'm,variant,1,"m,seed=1",done,0.75,0.75,1,2,0.5,0.5,1,2,,,12.34');
  assert.match(toMarkdown([r], [100, 10]).split('\n')[3]!, /\| 10% \| done \| 37\.5 ± 17\.7 \(2\) \| 50\.0 ± 0\.0 \(2\) \|/);
});

test('the markdown table shows accuracies in percent with their n, a dash when missing, and escapes pipes', () => {
  const md = toMarkdown([row('a|b', { depth: 2 }, [0.5, 0.75]), row('c', {})]).trimEnd().split('\n');
  assert.equal(md.length, 4);
  assert.match(md[1]!, /^\| --- (\| --- )+\|$/);
  assert.equal(md[2], '| `a\\|b` | variant | 0.75 | random | 2 | 16 | false | norm-pixels | crop | 100% | done | 50.0 (1) | 75.0 (1) | - | 12 (1) | 0.00123 | 2.50x |');
  assert.match(md[3]!, /\| failed \| - \| - \| - \| - \|/);
  assert.equal(mdCell('x\ny'), 'x y');
});

test('the control row has its accuracies but no axes, held-out loss, pretraining time or cost: it was not pretrained', () => {
  const csv = toCsv([row('mask=0.5', { mask: 0.5 }, [0.5, 0.6]), controlRow([0.25, 0.375])]).trimEnd().split('\n');
  assert.equal(csv[2], 'no pretraining,control,,,,,,,,done,100,1,0.25,,1,0.375,,1,,,,,,,,,,,,');
  const md = toMarkdown([controlRow([0.25, 0.375])]).trimEnd().split('\n');
  assert.equal(md[2], '| **no pretraining** | control | - | - | - | - | - | - | - | 100% | done | 25.0 (1) | 37.5 (1) | - | - | - | - |');
});

test('summaries and differences: sample sd, no sd for one value, and a difference beyond two standard errors', () => {
  assert.deepEqual(summarize([1, 2, 3]), { mean: 2, sd: 1, n: 3 });
  assert.deepEqual(summarize([4]), { mean: 4, sd: undefined, n: 1 });
  assert.equal(summarize([]), undefined);
  // SE = sqrt(1/3 + 1/3) = 0.816: a difference of 2 is beyond 2 SE (1.63), of 1 within.
  const a = summarize([1, 2, 3])!;
  assert.equal(difference(summarize([3, 4, 5])!, a).significant, true);
  assert.equal(difference(summarize([2, 3, 4])!, a).significant, false);
  assert.ok(Math.abs(difference(summarize([2, 3, 4])!, a).se! - Math.sqrt(2 / 3)) < 1e-12);
  assert.equal(difference(summarize([4])!, a).significant, undefined);
});
