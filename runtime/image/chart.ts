/**
 * A line chart (e.g. training loss per step) as an SVG string, rendered to PNG by sharp (librsvg;
 * text uses the system's sans-serif font through fontconfig). Axes with nice ticks and labels,
 * one polyline per series, a legend when there is more than one series.
 */
import sharp from 'sharp';
import { writeFileAtomic } from './png.ts';
import { formatTick, niceTicks } from './ticks.ts';

/** One curve; points with a non-finite y are left out (e.g. a NaN loss). */
export interface Series {
  readonly label: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export interface ChartOptions {
  /** Pixels (default 800 x 480). */
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const MARGIN = { left: 72, right: 24, top: 40, bottom: 56 };

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function finitePoints(s: Series): [number, number][] {
  if (s.x.length !== s.y.length) throw new Error(`series '${s.label}': expected as many x as y values, found ${s.x.length} and ${s.y.length}`);
  const out: [number, number][] = [];
  for (let i = 0; i < s.x.length; i++) if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) out.push([s.x[i]!, s.y[i]!]);
  return out;
}

/** The chart as an SVG document. Throws when no series has a finite point. */
export function lineChartSvg(series: readonly Series[], o: ChartOptions = {}): string {
  const W = o.width ?? 800;
  const H = o.height ?? 480;
  const points = series.map(finitePoints);
  const all = points.flat();
  if (all.length === 0) throw new Error(`line chart: expected at least one finite point, found none in ${series.length} series`);
  const xs = niceTicks(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const ys = niceTicks(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const [x0, x1] = [xs.ticks[0]!, xs.ticks[xs.ticks.length - 1]!];
  const [y0, y1] = [ys.ticks[0]!, ys.ticks[ys.ticks.length - 1]!];
  const plotW = W - MARGIN.left - MARGIN.right;
  const plotH = H - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    // Axes, ticks and grid are axis-aligned: crisp edges keep them one sharp pixel wide.
    '<g shape-rendering="crispEdges">',
  ];
  for (const t of xs.ticks) {
    parts.push(`<line x1="${f(px(t))}" y1="${MARGIN.top}" x2="${f(px(t))}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${f(px(t))}" y1="${MARGIN.top + plotH}" x2="${f(px(t))}" y2="${MARGIN.top + plotH + 5}" stroke="black"/>`);
    parts.push(`<text x="${f(px(t))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${formatTick(t, xs.step)}</text>`);
  }
  for (const t of ys.ticks) {
    parts.push(`<line x1="${MARGIN.left}" y1="${f(py(t))}" x2="${MARGIN.left + plotW}" y2="${f(py(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${MARGIN.left - 5}" y1="${f(py(t))}" x2="${MARGIN.left}" y2="${f(py(t))}" stroke="black"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${f(py(t) + 4)}" text-anchor="end">${formatTick(t, ys.step)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="black"/>`, '</g>');
  points.forEach((pts, i) => {
    if (pts.length === 0) return;
    const colour = COLOURS[i % COLOURS.length]!;
    const d = pts.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
    parts.push(pts.length === 1
      ? `<circle cx="${f(px(pts[0]![0]))}" cy="${f(py(pts[0]![1]))}" r="3" fill="${colour}"/>`
      : `<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="1.5" stroke-linejoin="round"/>`);
  });
  if (series.length > 1) {
    // About 7 px per character at 12 px: the legend sits right-aligned inside the plot, on white.
    const width = 26 + 7 * Math.max(...series.map((s) => s.label.length)) + 8;
    const x = MARGIN.left + plotW - width;
    parts.push(`<rect x="${x - 6}" y="${MARGIN.top + 2}" width="${width}" height="${series.length * 16 + 6}" fill="white" fill-opacity="0.85"/>`);
    series.forEach((s, i) => {
      const y = MARGIN.top + 14 + i * 16;
      parts.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 20}" y2="${y - 4}" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/>`);
      parts.push(`<text x="${x + 26}" y="${y}">${escapeXml(s.label)}</text>`);
    });
  }
  if (o.title) parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(o.title)}</text>`);
  if (o.xLabel) parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${H - 12}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  if (o.yLabel) {
    const cy = MARGIN.top + plotH / 2;
    parts.push(`<text x="18" y="${cy}" text-anchor="middle" transform="rotate(-90 18 ${cy})">${escapeXml(o.yLabel)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Renders the chart to a PNG file, atomically. */
export async function writeLineChart(path: string, series: readonly Series[], o: ChartOptions = {}): Promise<void> {
  const png = await sharp(Buffer.from(lineChartSvg(series, o))).flatten({ background: '#ffffff' }).png().toBuffer();
  await writeFileAtomic(path, png);
}
