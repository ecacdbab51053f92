// The compile-time test files of this folder, checked on their own: they type-check clean, and
// with their @ts-expect-error directives removed every marked line fails and no other line does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Project } from 'ts-morph';

const root = fileURLToPath(new URL('../../', import.meta.url));
const files = ['shape-checks.ts', 'variants.ts', 'digits.ts'];
const project = new Project({ tsConfigFilePath: `${root}tsconfig.json`, skipAddingFilesFromTsConfig: true });

function errorLines(path: string, text: string): number[] {
  const file = project.createSourceFile(path, text, { overwrite: true });
  const lines = file.getPreEmitDiagnostics().map((d) => d.getLineNumber() ?? 0);
  return [...new Set(lines)].sort((a, b) => a - b);
}

for (const name of files) {
  test(`${name}: clean as written, and each @ts-expect-error marks exactly the lines that fail`, () => {
    const path = `${root}tests/types/${name}`;
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(errorLines(path, text), []);
    const lines = text.split('\n');
    const marked = lines.flatMap((line, i) => (line.includes('// @ts-expect-error') ? [i + 2] : []));
    assert.ok(marked.length > 0);
    const stripped = lines.map((line) => line.replace('// @ts-expect-error', '// expected:')).join('\n');
    assert.deepEqual(errorLines(`${root}tests/types/__stripped_${name}`, stripped), marked);
  });
}
