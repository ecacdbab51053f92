/**
 * The sweep's figures as vega-lite specs (pure): accuracy against mask ratio for both
 * protocols when the sweep varies the mask ratio (Figure 5), and a bar chart for each other
 * axis that varies (Table 1); the no-pretraining control appears in each as a reference.
 * Only finished entries are plotted.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Row } from './table.ts';
import { AXIS_COLUMNS, type Axes, type SweepVariant } from './variant.ts';

export interface Plot {
  /** The file name without `.png`. */
  readonly name: string;
  readonly spec: TopLevelSpec;
}

interface Point {
  readonly variant: string;
  readonly x: string | number;
  readonly protocol: 'linear probe' | 'fine-tune';
  readonly accuracy: number;
  /** The settings of every axis but the mask ratio: one line per series in the mask-ratio plot. */
  readonly series: string;
  readonly pretraining: 'MAE' | 'none';
}

type Done = Row & { readonly result: NonNullable<Row['result']> };
type DoneVariant = Done & { readonly entry: SweepVariant };

const finished = (rows: readonly Row[]): Done[] => rows.filter((r): r is Done => r.result !== undefined);
const finishedVariants = (rows: readonly Row[]): DoneVariant[] => finished(rows).filter((r): r is DoneVariant => r.entry.kind === 'variant');
const finishedControls = (rows: readonly Row[]): Done[] => finished(rows).filter((r) => r.entry.kind === 'control');

function seriesOf(v: SweepVariant): string {
  return AXIS_COLUMNS.filter(([key]) => key !== 'maskRatio').map(([key]) => String(v.axes[key])).join(',');
}

/** The axes along which the finished variants take more than one value, in column order. */
export function varyingAxes(rows: readonly Row[]): (keyof Axes)[] {
  const done = finishedVariants(rows);
  return AXIS_COLUMNS.map(([key]) => key).filter((key) => new Set(done.map((r) => r.entry.axes[key])).size > 1);
}

function points<R extends Done>(rows: readonly R[], x: (r: R) => string | number): Point[] {
  return rows.flatMap((r) => {
    const common = { variant: r.entry.name, x: x(r), series: r.entry.kind === 'variant' ? seriesOf(r.entry) : r.entry.name, pretraining: r.entry.kind === 'variant' ? ('MAE' as const) : ('none' as const) };
    return [
      { ...common, protocol: 'linear probe' as const, accuracy: 100 * r.result.probeTop1 },
      { ...common, protocol: 'fine-tune' as const, accuracy: 100 * r.result.finetuneTop1 },
    ];
  });
}

const color = { field: 'protocol', type: 'nominal', title: 'protocol' } as const;
const accuracy = { field: 'accuracy', type: 'quantitative', title: 'top-1 (%)' } as const;
/** The mask-ratio plot's accuracy axis, shared by its layers; padded to keep the top and bottom lines (often the control's) off the edges. */
const accuracyPadded = { ...accuracy, scale: { zero: false, padding: 12 } } as const;

/**
 * Figure 5: one line per protocol (when other axes vary too, one line per other setting), and
 * the control's accuracy as a dashed horizontal rule per protocol, labelled with its name.
 */
function maskRatioPlot(rows: readonly Row[], title: string): Plot {
  const controls = points(finishedControls(rows), () => 0);
  return {
    name: 'accuracy-vs-mask-ratio',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `${title}: accuracy vs mask ratio`,
      width: 360,
      height: 240,
      background: 'white',
      layer: [
        {
          data: { values: points(finishedVariants(rows), (r) => r.entry.axes.maskRatio) },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'mask ratio', scale: { domain: [0, 1] } },
            y: accuracyPadded,
            color,
            detail: { field: 'series', type: 'nominal' },
          },
        },
        ...(controls.length > 0
          ? [
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
 * Bars for one axis, grouped by protocol, then the control's bars. The x label is the axis
 * value when it names one variant; when several variants share it (another axis varies too)
 * it is the variant name.
 */
function barPlot(rows: readonly Row[], key: keyof Axes, header: string, title: string): Plot {
  const done = finishedVariants(rows);
  const unique = new Set(done.map((r) => String(r.entry.axes[key]))).size === done.length;
  const label = (r: Done) => (r.entry.kind === 'variant' && unique ? String(r.entry.axes[key]) : r.entry.name);
  return {
    name: `accuracy-by-${header.replace(/ /g, '-')}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `${title}: accuracy by ${header}`,
      width: { step: 28 },
      height: 240,
      background: 'white',
      data: { values: points([...done, ...finishedControls(rows)], label) },
      mark: 'bar',
      encoding: {
        x: { field: 'x', type: 'nominal', title: unique ? header : 'variant', sort: null, axis: { labelAngle: -30 } },
        xOffset: { field: 'protocol' },
        y: accuracy,
        color,
        opacity: { field: 'pretraining', type: 'ordinal', title: 'pretraining', scale: { domain: ['MAE', 'none'], range: [1, 0.45] } },
      },
    } as TopLevelSpec,
  };
}

/** Every plot the rows call for; none when fewer than two variants finished. */
export function plotsFor(rows: readonly Row[], title: string): Plot[] {
  const axes = varyingAxes(rows);
  const headers = new Map(AXIS_COLUMNS);
  return axes.map((key) => (key === 'maskRatio' ? maskRatioPlot(rows, title) : barPlot(rows, key, headers.get(key)!, title)));
}
