/** Image output and input for maec: PNG files, reconstruction grids, loss charts, user images. */
export type { Raster } from './raster.ts';
export { encodePng, writePng, writeFileAtomic } from './png.ts';
export { composeGrid, type GridOptions, type GridRow } from './grid.ts';
export { denormalizeWithVisibleStats, maskPatches, pasteVisible, patchifyImage, unpatchifyImage } from './patches.ts';
export { lineChartSvg, writeLineChart, type Series, type ChartOptions } from './chart.ts';
export { niceTicks, formatTick } from './ticks.ts';
export { readImageFile, type ReadImageOptions } from './read.ts';
export { decodeImage } from './decode.ts';
export { resampleBox, flipHorizontal, type Box } from './resample.ts';
