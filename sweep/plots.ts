/**
 * The sweep's figures as vega-lite specs (pure): accuracy against mask ratio, one line per
 * evaluation (linear probe, fine-tune) and label protocol, when the sweep varies the mask ratio
 * (Figure 5), and a bar chart for each other axis that varies (Table 1); the no-pretraining
 * control appears in each as a reference. Each point is the mean over the seeds that finished,
 * with an error bar of ±1 sample standard deviation when more than one did. Only entries with a
 * finished run are plotted.
 */
import type { TopLevelSpec } from 'vega-lite';
import { finishedResults, metricSummary, type Row } from './table.ts';
import { AXIS_COLUMNS, type Axes, type SweepVariant } from './variant.ts';

export interface Plot {
  /** The file name without `.png`. */
  readonly name: string;
  readonly spec: TopLevelSpec;
}

interface Point {
  readonly variant: string;
  readonly x: string | number;
  /** The series: the evaluation (`linear probe`, `fine-tune`), with the label protocol when the sweep has several (`linear probe, 10% labels`). */
  readonly protocol: string;
  /** Mean top-1 over seeds, in %. */
  readonly accuracy: number;
  /** Mean ± 1 sd, in %; only with two or more seeds. */
  readonly lo?: number;
  readonly hi?: number;
  readonly n: number;
  /** The settings of every axis but the mask ratio: one line per series in the mask-ratio plot. */
  readonly series: string;
  readonly pretraining: 'MAE' | 'none';
}

type DoneVariant = Row & { readonly entry: SweepVariant };

const finished = (rows: readonly Row[]): Row[] => rows.filter((r) => finishedResults(r).length > 0);
const finishedVariants = (rows: readonly Row[]): DoneVariant[] => finished(rows).filter((r): r is DoneVariant => r.entry.kind === 'variant');
const finishedControls = (rows: readonly Row[]): Row[] => finished(rows).filter((r) => r.entry.kind === 'control');

function seriesOf(v: SweepVariant): string {
  return AXIS_COLUMNS.filter(([key]) => key !== 'maskRatio').map(([key]) => String(v.axes[key])).join(',');
}

/** The axes along which the finished variants take more than one value, in column order. */
export function varyingAxes(rows: readonly Row[]): (keyof Axes)[] {
  const done = finishedVariants(rows);
  return AXIS_COLUMNS.map(([key]) => key).filter((key) => new Set(done.map((r) => r.entry.axes[key])).size > 1);
}

/** A label protocol's name in a legend: `full labels`, `10% labels`. */
export function labelsName(p: number): string {
  return p === 100 ? 'full labels' : `${p}% labels`;
}

const EVALUATIONS = [
  ['linear probe', 'linear probe top-1'],
  ['fine-tune', 'fine-tune top-1'],
] as const;

function points<R extends Row>(rows: readonly R[], labels: readonly number[], x: (r: R) => string | number): Point[] {
  return rows.flatMap((r) => {
    const common = { variant: r.entry.name, x: x(r), series: r.entry.kind === 'variant' ? seriesOf(r.entry) : r.entry.name, pretraining: r.entry.kind === 'variant' ? ('MAE' as const) : ('none' as const) };
    return labels.flatMap((p) =>
      EVALUATIONS.flatMap(([evaluation, metric]) => {
        const s = metricSummary(r, p, metric);
        if (!s) return [];
        const protocol = labels.length === 1 && p === 100 ? evaluation : `${evaluation}, ${labelsName(p)}`;
        const bar = s.sd === undefined ? {} : { lo: 100 * (s.mean - s.sd), hi: 100 * (s.mean + s.sd) };
        return [{ ...common, protocol, accuracy: 100 * s.mean, ...bar, n: s.n }];
      }),
    );
  });
}

const withBars = (ps: readonly Point[]) => ps.filter((p) => p.lo !== undefined);
/** The title's note on error bars, when a point has one. */
const barsNote = (ps: readonly Point[]) => (withBars(ps).length > 0 ? ` (mean over seeds, error bars ±1 sd)` : '');

const color = { field: 'protocol', type: 'nominal', title: 'protocol', legend: { labelLimit: 260 } } as const;
const accuracy = { field: 'accuracy', type: 'quantitative', title: 'top-1 (%)' } as const;
/** The mask-ratio plot's accuracy axis, shared by its layers; padded to keep the top and bottom lines (often the control's) off the edges. */
const accuracyPadded = { ...accuracy, scale: { zero: false, padding: 12 } } as const;
const low = { field: 'lo', type: 'quantitative' } as const;
const high = { field: 'hi' } as const;

/**
 * Figure 5: one line per protocol (when other axes vary too, one line per other setting) with
 * ±1 sd error bars, and the control's accuracy as a dashed horizontal rule per protocol,
 * labelled with its name, in a pale band of ±1 sd.
 */
function maskRatioPlot(rows: readonly Row[], title: string, labels: readonly number[]): Plot {
  const variants = points(finishedVariants(rows), labels, (r) => r.entry.axes.maskRatio);
  const controls = points(finishedControls(rows), labels, () => 0);
  const x = { field: 'x', type: 'quantitative', title: 'mask ratio', scale: { domain: [0, 1] } } as const;
  return {
    name: 'accuracy-vs-mask-ratio',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `${title}: accuracy vs mask ratio${barsNote([...variants, ...controls])}`,
      width: 360,
      height: 240,
      background: 'white',
      layer: [
        {
          data: { values: variants },
          mark: { type: 'line', point: true },
          encoding: { x, y: accuracyPadded, color, detail: { field: 'series', type: 'nominal' } },
        },
        ...(withBars(variants).length > 0 ? [{ data: { values: withBars(variants) }, mark: { type: 'rule' }, encoding: { x, y: { ...low, scale: accuracyPadded.scale }, y2: high, color } }] : []),
        ...(controls.length > 0
          ? [
              ...(withBars(controls).length > 0 ? [{ data: { values: withBars(controls) }, mark: { type: 'rect', opacity: 0.12 }, encoding: { y: { ...low, scale: accuracyPadded.scale }, y2: high, color } }] : []),
              { data: { values: controls }, mark: { type: 'rule', strokeDash: [5, 4] }, encoding: { y: accuracyPadded, color } },
              {
                data: { values: controls },
                mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, x: 'width' },
                encoding: { y: accuracyPadded, text: { field: 'series' }, color },
              },
            ]
          : []),
      ],
    } as TopLevelSpec,
  };
}

/**
 * Bars for one axis, grouped by protocol, each with its ±1 sd error bar, then the control's
 * (pale) bars. The x label is the axis value when it names one variant; when several variants
 * share it (another axis varies too) it is the variant name.
 */
function barPlot(rows: readonly Row[], key: keyof Axes, header: string, title: string, labels: readonly number[]): Plot {
  const done = finishedVariants(rows);
  const unique = new Set(done.map((r) => String(r.entry.axes[key]))).size === done.length;
  const label = (r: Row) => (r.entry.kind === 'variant' && unique ? String(r.entry.axes[key]) : r.entry.name);
  const values = points([...done, ...finishedControls(rows)], labels, label);
  return {
    name: `accuracy-by-${header.replace(/ /g, '-')}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `${title}: accuracy by ${header}${barsNote(values)}`,
      width: { step: 28 },
      height: 240,
      background: 'white',
      data: { values },
      encoding: {
        x: { field: 'x', type: 'nominal', title: unique ? header : 'variant', sort: null, axis: { labelAngle: -30 } },
        xOffset: { field: 'protocol' },
      },
      layer: [
        {
          mark: 'bar',
          encoding: {
            y: accuracy,
            color,
            opacity: { field: 'pretraining', type: 'ordinal', title: 'pretraining', scale: { domain: ['MAE', 'none'], range: [1, 0.45] } },
          },
        },
        ...(withBars(values).length > 0 ? [{ transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'rule', color: 'black' }, encoding: { y: low, y2: high } }] : []),
      ],
    } as TopLevelSpec,
  };
}

/** Every plot the rows call for; none when fewer than two variants finished. */
export function plotsFor(rows: readonly Row[], title: string, labels: readonly number[] = [100]): Plot[] {
  const axes = varyingAxes(rows);
  const headers = new Map(AXIS_COLUMNS);
  return axes.map((key) => (key === 'maskRatio' ? maskRatioPlot(rows, title, labels) : barPlot(rows, key, headers.get(key)!, title, labels)));
}
