import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plotsFor, varyingAxes } from '../../sweep/index.ts';
import { renderPng } from '../../sweep/render.ts';
import { controlRow, result, row, withRuns } from './helpers.ts';

test('only axes along which finished variants differ count as varying; failed variants are ignored', () => {
  const rows = [row('a', { mask: 0.5 }, [0.5, 0.6]), row('b', { mask: 0.75 }, [0.55, 0.6]), row('c', { depth: 4 })];
  assert.deepEqual(varyingAxes(rows), ['maskRatio']);
});

test('a mask-ratio sweep gets a line plot with both protocols; a depth sweep gets bars labelled by depth', () => {
  const ratio = plotsFor([row('a', { mask: 0.5 }, [0.5, 0.625]), row('b', { mask: 0.75 }, [0.25, 0.625])], 't');
  assert.deepEqual(ratio.map((p) => p.name), ['accuracy-vs-mask-ratio']);
  const values = (ratio[0]!.spec as unknown as { layer: { data: { values: { x: number; protocol: string; accuracy: number }[] } }[] }).layer[0]!.data.values;
  assert.deepEqual(values.map((v) => [v.x, v.protocol, v.accuracy]), [
    [0.5, 'linear probe', 50],
    [0.5, 'fine-tune', 62.5],
    [0.75, 'linear probe', 25],
    [0.75, 'fine-tune', 62.5],
  ]);
  const depth = plotsFor([row('a', { depth: 1 }, [0.5, 0.6]), row('b', { depth: 4 }, [0.55, 0.6])], 't');
  assert.deepEqual(depth.map((p) => p.name), ['accuracy-by-decoder-depth']);
  const xs = (depth[0]!.spec as { data: { values: { x: string }[] } }).data.values.map((v) => v.x);
  assert.deepEqual(xs, ['1', '1', '4', '4']);
});

test('an augmentation sweep (Table 1e) gets bars labelled by augmentation, and no other plot', () => {
  const rows = (['none', 'crop-fixed', 'crop', 'crop+jitter'] as const).map((augment, i) => row(`augment=${augment}`, { augment }, [0.5 + i / 100, 0.6]));
  assert.deepEqual(varyingAxes(rows), ['augment']);
  const plots = plotsFor(rows, 't');
  assert.deepEqual(plots.map((p) => p.name), ['accuracy-by-augmentation']);
  const values = (plots[0]!.spec as { data: { values: { x: string; protocol: string }[] } }).data.values;
  assert.deepEqual(values.filter((v) => v.protocol === 'linear probe').map((v) => v.x), ['none', 'crop-fixed', 'crop', 'crop+jitter']);
});

test('one finished variant gives no plot', () => {
  assert.deepEqual(plotsFor([row('a', { mask: 0.5 }, [0.5, 0.6]), row('b', { mask: 0.75 })], 't'), []);
});

test('a plot renders to a PNG', async () => {
  const [plot] = plotsFor([row('a', { mask: 0.5 }, [0.5, 0.6]), row('b', { mask: 0.75 }, [0.55, 0.6])], 't');
  const png = await renderPng(plot!.spec);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 1000);
});

test('the control is not an axis value: it neither makes an axis vary nor counts as a finished variant', () => {
  assert.deepEqual(varyingAxes([row('a', { mask: 0.5 }, [0.5, 0.6]), controlRow([0.4, 0.5])]), []);
  assert.deepEqual(plotsFor([row('a', { mask: 0.5 }, [0.5, 0.6]), controlRow([0.4, 0.5])], 't'), []);
});

test("the mask-ratio plot draws the control's accuracy as a labelled dashed rule per protocol; bar plots add its bars", async () => {
  const rows = [row('a', { mask: 0.5 }, [0.5, 0.625]), row('b', { mask: 0.75 }, [0.25, 0.625]), controlRow([0.375, 0.5])];
  const [plot] = plotsFor(rows, 't');
  const layers = (plot!.spec as unknown as { layer: { mark: { type: string }; data: { values: { protocol: string; accuracy: number; pretraining: string }[] } }[] }).layer;
  assert.deepEqual(layers.map((l) => l.mark.type), ['line', 'rule', 'text']);
  assert.deepEqual(layers[1]!.data.values.map((v) => [v.protocol, v.accuracy, v.pretraining]), [
    ['linear probe', 37.5, 'none'],
    ['fine-tune', 50, 'none'],
  ]);
  assert.ok(layers[0]!.data.values.every((v) => v.pretraining === 'MAE'));
  const png = await renderPng(plot!.spec);
  assert.ok(png.length > 1000);

  const [bars] = plotsFor([row('a', { depth: 1 }, [0.5, 0.6]), row('b', { depth: 4 }, [0.55, 0.6]), controlRow([0.4, 0.5])], 't');
  const xs = (bars!.spec as { data: { values: { x: string }[] } }).data.values.map((v) => v.x);
  assert.deepEqual(xs, ['1', '1', '4', '4', 'no pretraining', 'no pretraining']);
});

test('over seeds every point is the mean with a ±1 sd error bar, one series per evaluation and label protocol; the control gets a band; the plots render', async () => {
  const rows = [
    withRuns(row('a', { mask: 0.5 }), [result('a', [0, 0], { protocols: [[100, 0.5, 0.6], [10, 0.3, 0.4]] }), result('a', [0, 0], { protocols: [[100, 0.7, 0.6], [10, 0.3, 0.5]] })]),
    withRuns(row('b', { mask: 0.75 }), [result('b', [0, 0], { protocols: [[100, 0.6, 0.7], [10, 0.4, 0.4]] }), result('b', [0, 0], { protocols: [[100, 0.6, 0.7], [10, 0.4, 0.4]] })]),
    withRuns(controlRow([0, 0]), [result('c', [0, 0], { protocols: [[100, 0.4, 0.5], [10, 0.2, 0.3]] }), result('c', [0, 0], { protocols: [[100, 0.5, 0.5], [10, 0.2, 0.3]] })]),
  ];
  const [plot] = plotsFor(rows, 't', [100, 10]);
  const spec = plot!.spec as unknown as { title: string; layer: { mark: { type: string }; data: { values: { x: number; protocol: string; accuracy: number; lo?: number; hi?: number }[] } }[] };
  assert.match(spec.title, /error bars ±1 sd/);
  assert.deepEqual(spec.layer.map((l) => l.mark.type), ['line', 'rule', 'rect', 'rule', 'text']);
  const a = spec.layer[0]!.data.values.filter((v) => v.x === 0.5);
  assert.deepEqual(a.map((v) => v.protocol), ['linear probe, full labels', 'fine-tune, full labels', 'linear probe, 10% labels', 'fine-tune, 10% labels']);
  // a's probe on all labels: 50 and 70, mean 60, sd 14.14.
  assert.ok(Math.abs(a[0]!.accuracy - 60) < 1e-9 && Math.abs(a[0]!.hi! - 60 - 10 * Math.SQRT2) < 1e-9);
  assert.ok(a.every((v) => v.lo !== undefined), 'two seeds: every point has a bar');
  assert.ok((await renderPng(plot!.spec)).length > 1000);

  const depth = [withRuns(row('d1', { depth: 1 }), rows[0]!.runs.map((r) => r.result!)), withRuns(row('d4', { depth: 4 }), rows[1]!.runs.map((r) => r.result!)), rows[2]!];
  const [bars] = plotsFor(depth, 't', [100, 10]);
  const barSpec = bars!.spec as unknown as { title: string; layer: { mark: string | { type: string } }[] };
  assert.match(barSpec.title, /error bars ±1 sd/);
  assert.deepEqual(barSpec.layer.map((l) => (typeof l.mark === 'string' ? l.mark : l.mark.type)), ['bar', 'rule']);
  assert.ok((await renderPng(bars!.spec)).length > 1000);
  // One seed: no bars, as before.
  const single = plotsFor([row('d1', { depth: 1 }, [0.5, 0.6]), row('d4', { depth: 4 }, [0.55, 0.6])], 't');
  assert.equal((single[0]!.spec as unknown as { layer: unknown[] }).layer.length, 1);
});
