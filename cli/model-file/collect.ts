/**
 * A spec-shaped value found among a module's exports, and where it sits: `access` is the
 * route from the export's value to it (`[2]` for the third element of an array,
 * `['small']` for a record entry, `[0, 'spec']` for a `grid` item).
 */
export interface Found {
  /** Shown in the table and used for --out file names: `base`, `variants[1]`, `sizes.small`, a grid item's name. */
  readonly name: string;
  readonly exportName: string;
  readonly access: readonly (string | number)[];
  /** Not yet decoded: anything with `kind: 'mae'`. */
  readonly value: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Recognised by shape, as the DSL marks every resolved spec: `kind: 'mae'`. */
export const looksLikeSpec = (v: unknown): boolean => isRecord(v) && v['kind'] === 'mae';

const isNamedSpec = (v: unknown): v is { name: string; spec: unknown } =>
  isRecord(v) && typeof v['name'] === 'string' && looksLikeSpec(v['spec']);

/**
 * The specs of one export: the value itself if it is a spec; the spec elements of an array
 * (or `{ name, spec }` items, as `grid` returns); the spec entries of a record. Other
 * values (helpers, encoders, numbers) hold no spec and give nothing.
 *
 * Example: `collectSpecs('variants', [a, b])` gives `variants[0]` and `variants[1]`.
 */
export function collectSpecs(exportName: string, value: unknown): readonly Found[] {
  const display = exportName === 'default' ? 'default' : exportName;
  if (looksLikeSpec(value)) return [{ name: display, exportName, access: [], value }];
  if (Array.isArray(value))
    return value.flatMap((item, i): Found[] => {
      if (isNamedSpec(item)) return [{ name: item.name, exportName, access: [i, 'spec'], value: item.spec }];
      if (looksLikeSpec(item)) return [{ name: `${display}[${i}]`, exportName, access: [i], value: item }];
      return [];
    });
  if (isRecord(value))
    return Object.entries(value).flatMap(([key, item]): Found[] =>
      looksLikeSpec(item) ? [{ name: `${display}.${key}`, exportName, access: [key], value: item }] : [],
    );
  return [];
}
