/**
 * Whether a run may continue from a checkpoint: the settings it is given now must be those the
 * checkpoint records (mode, source, data, spec, every recipe value), or the resumed run would
 * silently be another run.
 */

/**
 * One line per setting that differs, saying what the checkpoint recorded and what was given;
 * empty when the run may resume. Values compare as JSON.
 *
 * @example settingDifferences({ epochs: 2 }, { epochs: 3 }) // ['epochs: the run has 2, this command 3']
 */
export function settingDifferences(recorded: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>): string[] {
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(given)])];
  return keys.filter((k) => JSON.stringify(recorded[k]) !== JSON.stringify(given[k])).map((k) => `${k}: the run has ${shown(recorded[k])}, this command ${shown(given[k])}`);
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length <= 48 ? text : `${text.slice(0, 45)}...`;
}
