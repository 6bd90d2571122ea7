import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalApiUrl, isLoopbackHost, normalizeToken, validateApiUrl, validateToken } from '../../src/util/url';

test('https anywhere, plain http only for loopback', () => {
  assert.equal(validateApiUrl('https://waldur.example.com/api/'), undefined);
  assert.equal(validateApiUrl('http://127.0.0.1:8000/api/'), undefined);
  assert.equal(validateApiUrl('http://localhost:8000'), undefined);
  assert.equal(validateApiUrl('http://[::1]:8000/'), undefined);
  assert.match(validateApiUrl('http://waldur.example.com/api/')!, /https/);
  assert.match(validateApiUrl('http://10.0.0.5/api/')!, /https/);
  assert.match(validateApiUrl('')!, /Enter the Waldur API URL/);
  assert.match(validateApiUrl('waldur.example.com')!, /Not a URL/);
  assert.match(validateApiUrl('ftp://x.example/')!, /https/);
  assert.match(validateApiUrl('https://u:p@x.example/')!, /credentials/);
});

test('isLoopbackHost', () => {
  assert.ok(isLoopbackHost('127.0.0.1'));
  assert.ok(isLoopbackHost('127.1.2.3'));
  assert.ok(isLoopbackHost('[::1]'));
  assert.ok(!isLoopbackHost('127.example.com'));
  assert.ok(!isLoopbackHost('192.168.1.1'));
  // Resolved through DNS here, so not loopback for plain http.
  assert.ok(!isLoopbackHost('waldur.localhost'));
  assert.ok(!isLoopbackHost('evil.example.localhost'));
  assert.match(validateApiUrl('http://waldur.localhost:8000/api/')!, /https/);
});

test('canonicalApiUrl drops /api/ and trailing slashes', () => {
  assert.equal(canonicalApiUrl('https://w.example/api/'), 'https://w.example');
  assert.equal(canonicalApiUrl(' https://w.example/waldur/api '), 'https://w.example/waldur');
  assert.equal(canonicalApiUrl('https://w.example'), 'https://w.example');
});

test('tokens: bare or pasted with their scheme', () => {
  assert.equal(normalizeToken('Token abc123'), 'abc123');
  assert.equal(normalizeToken('  Bearer w_1_x '), 'w_1_x');
  assert.equal(validateToken('abc123'), undefined);
  assert.match(validateToken('')!, /Paste/);
  assert.match(validateToken('abc 123')!, /no spaces/);
});
