/**
 * Command-line parsing shared by every command: declared flags only, so a typo is an error
 * rather than silently ignored.
 *
 * Example: with `{ json: { kind: 'boolean' }, out: { kind: 'string', value: 'DIR' } }`,
 * `['m.ts', '--json', '--out=dist']` parses to
 * `{ ok: true, positionals: ['m.ts'], flags: { json: true, out: 'dist' } }`, and `['--jsn']`
 * to `{ ok: false, error: 'unknown flag --jsn' }`.
 */
import { isNegativeNumber } from './numbers.ts';

export type FlagSpec = { readonly kind: 'boolean'; readonly help: string } | { readonly kind: 'string'; readonly value: string; readonly help: string };

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export type FlagValues<F extends FlagSpecs> = {
  readonly [K in keyof F]?: F[K] extends { kind: 'boolean' } ? boolean : string;
};

export type Parsed<F extends FlagSpecs> =
  | { readonly ok: true; readonly positionals: readonly string[]; readonly flags: FlagValues<F>; readonly help: boolean }
  | { readonly ok: false; readonly error: string };

export function parseArgs<F extends FlagSpecs>(argv: readonly string[], specs: F): Parsed<F> {
  const positionals: string[] = [];
  const flags: Record<string, boolean | string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = arg.startsWith('--') ? specs[name] : undefined;
    if (!spec) return { ok: false, error: `unknown flag ${eq === -1 ? arg : arg.slice(0, eq)}` };
    if (name in flags) return { ok: false, error: `flag --${name} given twice` };
    if (spec.kind === 'boolean') {
      if (eq !== -1) return { ok: false, error: `flag --${name} takes no value` };
      flags[name] = true;
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    // `--epochs -1` gives -1 to --epochs (which then says it is out of range); `--out --json` lacks a value.
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('-') && !isNegativeNumber(value)))
      return { ok: false, error: `flag --${name} needs a value ${spec.value}` };
    flags[name] = value;
  }
  return { ok: true, positionals, flags: flags as FlagValues<F>, help };
}

/** The flags' lines of a help text: `  --out DIR   write ...`. */
export function describeFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => [s.kind === 'string' ? `--${name} ${s.value}` : `--${name}`, s.help] as const);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n');
}
