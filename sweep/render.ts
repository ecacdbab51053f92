/** Draws a vega-lite spec to PNG bytes: vega-lite -> vega -> SVG (headless view) -> sharp. */
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderPng(spec: TopLevelSpec): Promise<Uint8Array> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
