/**
 * The sweep's figures as vega-lite specs (pure): accuracy against mask ratio for both
 * protocols when the sweep varies the mask ratio (Figure 5), and a bar chart for each other
 * axis that varies (Table 1). Only finished variants are plotted.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Row } from './table.ts';
import { AXIS_COLUMNS, type Axes } from './variant.ts';

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
}

function seriesOf(r: Row): string {
  return AXIS_COLUMNS.filter(([key]) => key !== 'maskRatio').map(([key]) => String(r.variant.axes[key])).join(',');
}

/** The axes along which the finished rows take more than one value, in column order. */
export function varyingAxes(rows: readonly Row[]): (keyof Axes)[] {
  const done = rows.filter((r) => r.result);
  return AXIS_COLUMNS.map(([key]) => key).filter((key) => new Set(done.map((r) => r.variant.axes[key])).size > 1);
}

function points(rows: readonly Row[], x: (r: Row) => string | number): Point[] {
  return rows.flatMap((r) =>
    r.result
      ? [
          { variant: r.variant.name, x: x(r), protocol: 'linear probe' as const, accuracy: 100 * r.result.probeTop1, series: seriesOf(r) },
          { variant: r.variant.name, x: x(r), protocol: 'fine-tune' as const, accuracy: 100 * r.result.finetuneTop1, series: seriesOf(r) },
        ]
      : [],
  );
}

const color = { field: 'protocol', type: 'nominal', title: 'protocol' } as const;
const accuracy = { field: 'accuracy', type: 'quantitative', title: 'top-1 (%)' } as const;

/** Figure 5: one line per protocol (when other axes vary too, one line per other setting). */
function maskRatioPlot(rows: readonly Row[], title: string): Plot {
  return {
    name: 'accuracy-vs-mask-ratio',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `${title}: accuracy vs mask ratio`,
      width: 360,
      height: 240,
      background: 'white',
      data: { values: points(rows, (r) => r.variant.axes.maskRatio) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'mask ratio', scale: { domain: [0, 1] } },
        y: { ...accuracy, scale: { zero: false } },
        color,
        detail: { field: 'series', type: 'nominal' },
      },
    } as TopLevelSpec,
  };
}

/**
 * Bars for one axis, grouped by protocol. The x label is the axis value when it names one
 * variant; when several variants share it (another axis varies too) it is the variant name.
 */
function barPlot(rows: readonly Row[], key: keyof Axes, header: string, title: string): Plot {
  const done = rows.filter((r) => r.result);
  const unique = new Set(done.map((r) => String(r.variant.axes[key]))).size === done.length;
  return {
    name: `accuracy-by-${header.replace(/ /g, '-')}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `${title}: accuracy by ${header}`,
      width: { step: 28 },
      height: 240,
      background: 'white',
      data: { values: points(done, (r) => (unique ? String(r.variant.axes[key]) : r.variant.name)) },
      mark: 'bar',
      encoding: {
        x: { field: 'x', type: 'nominal', title: unique ? header : 'variant', sort: null, axis: { labelAngle: -30 } },
        xOffset: { field: 'protocol' },
        y: accuracy,
        color,
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
