import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * tfjs-core's Node entry point registers no gradients: the full `@tensorflow/tfjs` package
 * does that with an ES-module file tree that Node cannot load directly (extensionless and
 * directory imports). maec bundles that file tree once with esbuild into a single CommonJS file
 * in node_modules/.cache/maec (about a second, then cached) and loads it. The bundle registers
 * into tfjs's global gradient registry, which every copy of tfjs-core shares.
 */
const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORE_VERSION: string = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
const BUNDLE = join(ROOT, 'node_modules', '.cache', 'maec', `tfjs-gradients-${CORE_VERSION}.cjs`);

function buildBundle(): void {
  const esbuild = require('esbuild') as typeof import('esbuild');
  mkdirSync(dirname(BUNDLE), { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  esbuild.buildSync({
    entryPoints: [require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: tmp,
    logLevel: 'error',
    // seedrandom and long are used by ops the gradients never call at load time.
    external: ['seedrandom', 'long'],
  });
  renameSync(tmp, BUNDLE);
}

let registered = false;

/** Registers tfjs's gradient functions (idempotent). */
export function registerGradients(): void {
  if (registered || tf.getGradient('RealDiv') !== undefined) {
    registered = true;
    return;
  }
  if (!existsSync(BUNDLE)) buildBundle();
  require(BUNDLE);
  registered = true;
}
