import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionKey, connectionOfKey, isResourceRef, messageKey, parseRefKey, ref, refKey, sameRef } from '../../src/core/index';

test('a ref turns into one key and back', () => {
  const r = ref('c-1a2b', 'volume', '0b5f2c7e-1111-4a4a-9e9e-123456789abc');
  const key = refKey(r);
  assert.equal(key, 'c-1a2b/volume/0b5f2c7e-1111-4a4a-9e9e-123456789abc');
  assert.deepEqual(parseRefKey(key), r);
  assert.ok(sameRef(parseRefKey(key), r));
  assert.equal(connectionOfKey(key), 'c-1a2b');
});

test('the same resource id in two connections gives two keys', () => {
  assert.notEqual(refKey(ref('a', 'volume', 'x1')), refKey(ref('b', 'volume', 'x1')));
  assert.notEqual(refKey(ref('a', 'volume', 'x1')), refKey(ref('a', 'snapshot', 'x1')));
});

test('connection and message keys are not resource keys, and belong to their connection', () => {
  assert.equal(parseRefKey(connectionKey('demo')), undefined);
  const m = messageKey(refKey(ref('demo', 'project', 'p1')), 'error');
  assert.equal(parseRefKey(m), undefined);
  assert.equal(connectionOfKey(m), 'demo');
  assert.equal(connectionOfKey(connectionKey('demo')), 'demo');
});

test('garbage is refused: unknown kinds, ids with slashes or spaces, missing connection', () => {
  for (const key of ['', 'demo', 'demo/volume', 'demo/disk/x', 'demo/volume/a b', 'demo/volume/../etc', 'de mo/volume/x', 'a/volume/x/y']) {
    assert.equal(parseRefKey(key), undefined, key);
  }
  assert.equal(isResourceRef({ kind: 'volume', id: 'x' }), false, 'no connection id');
  assert.equal(isResourceRef({ connectionId: 'c', kind: 'volume', id: 'x'.repeat(200) }), false);
  assert.equal(isResourceRef({ connectionId: 'c', kind: 'volume', id: 'abc-123' }), true);
});
