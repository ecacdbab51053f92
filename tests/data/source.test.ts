import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, formatSource, openDataset, parseSource, SOURCE_FORMS } from '../../runtime/data/index.ts';

function parseError(text: string): DataError {
  const r = parseSource(text);
  assert.ok(!r.ok, `'${text}' should not parse`);
  return r.error;
}

test('each accepted form parses to its kind', () => {
  const kinds = ['mnist', 'fashion-mnist', 'fashion-mnist:/data/fm', 'folder:./imgs', 'synthetic', 'synthetic:size=8,channels=3', 'grey:folder:x'].map((s) => {
    const r = parseSource(s);
    assert.ok(r.ok, s);
    return `${r.source.kind}${r.source.grey ? '+grey' : ''}`;
  });
  assert.deepEqual(kinds, ['mnist', 'fashion-mnist', 'fashion-mnist', 'folder', 'synthetic', 'synthetic', 'folder+grey']);
});

test('fashion-mnist without a folder uses the Debian location', () => {
  const r = parseSource('fashion-mnist');
  assert.ok(r.ok && r.source.kind === 'fashion-mnist');
  assert.equal(r.source.dir, '/usr/share/datasets/fashion-mnist');
});

test('an unknown kind is DATA001 and lists every accepted form', () => {
  const e = parseError('imagenet:/x');
  assert.equal(e.code, 'DATA001');
  assert.match(e.message, /data source 'imagenet:\/x': unknown kind 'imagenet'/);
  for (const form of SOURCE_FORMS) assert.ok(e.message.includes(form), `message should list ${form}`);
});

test('malformed arguments say what was expected', () => {
  assert.match(parseError('folder:').message, /expected folder:DIR, found no folder/);
  assert.match(parseError('mnist:extra').message, /mnist takes no argument, found ':extra'/);
  assert.match(parseError('').message, /empty/);
  assert.match(parseError('synthetic:size=2').message, /synthetic size must be an integer in 4\.\.1024, found '2'/);
  assert.match(parseError('synthetic:channels=2').message, /channels must be an integer in \{1, 3\}/);
  for (const text of ['0x10', '1e1', ' 8', '8.0', '+8'])
    assert.match(parseError(`synthetic:size=${text}`).message, new RegExp(`synthetic size must be an integer in 4\\.\\.1024, found '${text.replace(/[.+]/g, '\\$&')}'`), text);
  assert.match(parseError('synthetic:colour=red').message, /'colour=red' is not key=value with key one of train, test/);
  assert.match(parseError('grey:nope').message, /data source 'grey:nope': unknown kind 'nope'/);
});

test('grey: given twice says it can be given once, naming the source', () => {
  const e = parseError('grey:grey:mnist');
  assert.equal(e.code, 'DATA001');
  assert.match(e.message, /data source 'grey:grey:mnist': grey: can be given once/);
  assert.doesNotMatch(e.message, /unknown kind/);
});

test('formatSource gives a string that parses back to the same source', () => {
  for (const s of ['mnist', 'fashion-mnist:/a/b', 'grey:folder:/x/y', 'synthetic:train=10,size=8,seed=3']) {
    const r = parseSource(s);
    assert.ok(r.ok);
    const again = parseSource(formatSource(r.source));
    assert.ok(again.ok);
    assert.deepEqual(again.source, r.source);
  }
});

test('a missing path is DATA002 naming the path', async () => {
  for (const s of ['folder:/no/such/dir', 'fashion-mnist:/no/such/dir']) {
    await assert.rejects(openDataset(s), (e: unknown) => e instanceof DataError && e.code === 'DATA002' && e.message.includes('/no/such/dir'));
  }
});

test('openDataset throws the parse error for a bad string', async () => {
  await assert.rejects(openDataset('cifar'), (e: unknown) => e instanceof DataError && e.code === 'DATA001');
});
