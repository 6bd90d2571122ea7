import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizationHeader, createWaldurClient, normalizeBaseUrl, unwrap } from '../../src/backends/waldur/client';
import { createBackend } from '../../src/core/index';
import { parseErrorBody } from '../../src/core/errors';
import { WaldurBackend } from '../../src/backends/waldur/backend';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { refused as apiError } from './helpers/refused';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ transitionMs: 20, volumes: 700 });
});
after(() => sandbox.close());

/** A throwaway loopback server for what the sandbox never does (hang, send bad JSON, echo headers). */
async function rawServer(handler: (headers: IncomingHttpHeaders, res: import('node:http').ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => handler(req.headers, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}


test('sends the token, Accept and User-Agent on every request', async () => {
  let seen: IncomingHttpHeaders = {};
  const { url, server } = await rawServer((h, res) => {
    seen = h;
    res.setHeader('Content-Type', 'application/json');
    res.end('{"username":"u"}');
  });
  try {
    const client = createWaldurClient({ baseUrl: `${url}/api/`, token: 'abc', userAgent: 'volume-explorer/test' });
    const { data } = await unwrap(client.GET('/api/users/me/'));
    assert.equal(data.username, 'u');
    assert.equal(seen.authorization, 'Token abc');
    assert.equal(seen['user-agent'], 'volume-explorer/test');
    assert.equal(seen.accept, 'application/json');
  } finally {
    server.close();
  }
});

test('personal access tokens go as Bearer; base URLs with or without /api/', () => {
  assert.equal(authorizationHeader('w_1700000000_abcdef'), 'Bearer w_1700000000_abcdef');
  assert.equal(authorizationHeader('0123456789abcdef'), 'Token 0123456789abcdef');
  assert.equal(normalizeBaseUrl('https://w.example/api/'), 'https://w.example');
  assert.equal(normalizeBaseUrl('https://w.example/sub/api'), 'https://w.example/sub');
});

test('401 becomes an ApiError with the server reason', async () => {
  const backend = new WaldurBackend({ baseUrl: sandbox.url, token: 'wrong' });
  const err = await apiError(backend.whoAmI());
  assert.equal(err.kind, 'http');
  assert.equal(err.status, 401);
  assert.ok(err.isUnauthorized);
  assert.equal(err.message, 'Invalid token.');
  assert.ok(!err.message.includes('wrong'), 'the token never appears in errors');
});

test('404, 409 and 400 with field errors carry Waldur’s own words', async () => {
  const backend = new WaldurBackend({ baseUrl: sandbox.url, token: sandbox.token });
  const missing = await apiError(backend.getVolume('0123456789abcdef0123456789abcdef'));
  assert.ok(missing.isNotFound);

  const available = sandbox.store.volumes.find((v) => v.state === 'OK' && v.runtime_state === 'available' && !v.bootable)!;
  const conflict = await apiError(backend.detachVolume({ id: available.uuid } as never));
  assert.equal(conflict.status, 409);
  assert.ok(conflict.detail && conflict.message === conflict.detail, conflict.message);

  const bad = await apiError(backend.updateVolume({ id: available.uuid } as never, { name: 'x'.repeat(151) }));
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.fieldErrors), ['name']);
  assert.match(bad.message, /^name: Ensure this field has no more than 150 characters\./);
});

test('network failure, timeout, cancellation and bad JSON are typed', async () => {
  const closed = await rawServer(() => {});
  const closedUrl = closed.url;
  await new Promise((r) => closed.server.close(r));
  const network = await apiError(new WaldurBackend({ baseUrl: closedUrl, token: 't' }).whoAmI());
  assert.equal(network.kind, 'network');
  assert.match(network.message, /^Could not reach 127\.0\.0\.1:\d+/);

  const hang = await rawServer(() => { /* never answers */ });
  try {
    const timeout = await apiError(new WaldurBackend({ baseUrl: hang.url, token: 't', timeoutMs: 100 }).whoAmI());
    assert.equal(timeout.kind, 'timeout');
    const abort = new AbortController();
    const pending = new WaldurBackend({ baseUrl: hang.url, token: 't' }).whoAmI(abort.signal);
    abort.abort();
    assert.equal((await apiError(pending)).kind, 'cancelled');
  } finally {
    hang.server.closeAllConnections();
    hang.server.close();
  }

  const garbage = await rawServer((_h, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('<html>proxy error</html>');
  });
  try {
    const bad = await apiError(new WaldurBackend({ baseUrl: garbage.url, token: 't' }).whoAmI());
    assert.equal(bad.kind, 'bad-response');
  } finally {
    garbage.server.close();
  }
});

test('parseErrorBody reads every Waldur error shape', () => {
  assert.deepEqual(parseErrorBody({ detail: 'Nope.' }), { detail: 'Nope.', fieldErrors: {} });
  assert.deepEqual(parseErrorBody({ non_field_errors: ['A', 'B'] }), { detail: 'A B', fieldErrors: {} });
  assert.deepEqual(parseErrorBody(['Volume is busy.']), { detail: 'Volume is busy.', fieldErrors: {} });
  assert.deepEqual(parseErrorBody({ disk_size: ['Too big.'] }), { fieldErrors: { disk_size: ['Too big.'] } });
  assert.deepEqual(parseErrorBody(undefined), { fieldErrors: {} });
});

test('listing 745 volumes: page 1 at 300, the rest concurrently, in order, only the row fields', async () => {
  const before = sandbox.requestCount;
  const backend = await createBackend({ kind: 'waldur', url: sandbox.url }, sandbox.token);
  const volumes = await backend.listVolumes();
  assert.equal(volumes.length, sandbox.store.volumes.length);
  assert.equal(sandbox.requestCount - before, Math.ceil(sandbox.store.volumes.length / 300));
  assert.equal(new Set(volumes.map((v) => v.id)).size, volumes.length, 'no duplicates across pages');
  const names = volumes.map((v) => v.name);
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })));

  const client = createWaldurClient({ baseUrl: sandbox.url, token: sandbox.token });
  const { data, response } = await unwrap(client.GET('/api/openstack-volumes/', { params: { query: { page_size: 2, field: ['uuid', 'name'] } } }));
  assert.deepEqual(Object.keys(data[0]!).sort(), ['name', 'uuid']);
  assert.equal(response.headers.get('X-Result-Count'), String(sandbox.store.volumes.length));
});

test('display-string states from the server become the neutral status', async () => {
  const backend = await createBackend({ kind: 'waldur', url: sandbox.url }, sandbox.token);
  const erred = sandbox.store.volumes.find((v) => v.state === 'Erred');
  assert.ok(erred, 'the seed has an erred volume');
  const v = await backend.getVolume(erred.uuid);
  assert.deepEqual(v.status, { category: 'error', label: 'Erred' });
  assert.ok(v.errorMessage);
});
