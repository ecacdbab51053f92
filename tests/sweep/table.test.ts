import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, mdCell, toCsv, toMarkdown } from '../../sweep/index.ts';
import { controlRow, row } from './helpers.ts';

test('a CSV field with a comma, quote or newline is quoted with quotes doubled; others are bare', () => {
  assert.equal(csvField('mask=0.5,decoder.depth=1'), '"mask=0.5,decoder.depth=1"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('a\nb'), '"a\nb"');
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField(0.75), '0.75');
  assert.equal(csvField(false), 'false');
  assert.equal(csvField(undefined), '');
});

test('the CSV has a header and one line per variant, axes first, accuracies as fractions, empty cells for a failed variant', () => {
  const csv = toCsv([row('mask=0.5,decoder.depth=1', { mask: 0.5 }, [0.625, 0.8125]), row('broken', { augment: 'crop+jitter' })]);
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(
    lines[0],
    'variant,kind,mask ratio,strategy,decoder depth,decoder width,mask tokens in encoder,target,augmentation,status,linear probe top-1,fine-tune top-1,pretrain seconds,GFLOPs per image,speedup vs symmetric',
  );
  assert.equal(lines[1], '"mask=0.5,decoder.depth=1",variant,0.5,random,1,16,false,norm-pixels,crop,done,0.625,0.8125,12.3,0.001235,2.5');
  assert.equal(lines[2], 'broken,variant,0.75,random,1,16,false,norm-pixels,crop+jitter,failed,,,,0.001235,2.5');
  assert.ok(csv.endsWith('\n'));
});

test('the markdown table shows accuracies in percent, a dash when missing, and escapes pipes', () => {
  const md = toMarkdown([row('a|b', { depth: 2 }, [0.5, 0.75]), row('c', {})]).trimEnd().split('\n');
  assert.equal(md.length, 4);
  assert.match(md[1]!, /^\| --- (\| --- )+\|$/);
  assert.equal(md[2], '| `a\\|b` | variant | 0.75 | random | 2 | 16 | false | norm-pixels | crop | done | 50.0 | 75.0 | 12 | 0.00123 | 2.50x |');
  assert.match(md[3]!, /\| failed \| - \| - \| - \|/);
  assert.equal(mdCell('x\ny'), 'x y');
});

test('the control row has its accuracies but no axes, pretraining time or cost: it was not pretrained', () => {
  const csv = toCsv([row('mask=0.5', { mask: 0.5 }, [0.5, 0.6]), controlRow([0.25, 0.375])]).trimEnd().split('\n');
  assert.equal(csv[2], 'no pretraining,control,,,,,,,,done,0.25,0.375,,,');
  const md = toMarkdown([controlRow([0.25, 0.375])]).trimEnd().split('\n');
  assert.equal(md[2], '| **no pretraining** | control | - | - | - | - | - | - | - | done | 25.0 | 37.5 | - | - | - |');
});
