/**
 * Faults of networks, proxies and half-broken servers, reproduced by a real HTTP proxy on loopback
 * (test/unit/helpers/fault-proxy.ts) in front of the local Waldur-compatible server: what the
 * client makes of each, and how many requests went on the wire. Reads may be retried (at most 3
 * tries); writes go out exactly once. No fault may yield a wrong list, a false success, a hang
 * past the timeout, a token or body at another origin, or raw HTML in a message.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createBackend, describeForLog, gibToMiB, minimumExtendGiB, type Backend, type RetryInfo, type Volume } from '../../src/core/index';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { firstN, HTML_502, isGet, isPost, startFaultProxy, startRecorder, type Answer, type FaultProxy, type Rule } from './helpers/fault-proxy';
import { refused } from './helpers/refused';

const VOLUMES = '/api/openstack-volumes/';
let sandbox: Sandbox;
let proxy: FaultProxy;
let backend: Backend;
const retries: RetryInfo[] = [];
const TIMEOUT_MS = 400;

before(async () => {
  // 45 seeded + 555 = 600 volumes: exactly two pages of 300.
  sandbox = await startSandbox({ transitionMs: 20, volumes: 555 });
  proxy = await startFaultProxy(sandbox.url);
  backend = await createBackend({ kind: 'waldur', url: proxy.url }, sandbox.token, {
    timeoutMs: TIMEOUT_MS, retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1500 }, onRetry: (r) => retries.push(r),
  });
});
after(async () => {
  await proxy.close();
  await sandbox.close();
});
beforeEach(() => {
  proxy.rule = () => undefined;
  retries.length = 0;
});


/** Requests of the proxy from now on. */
function counter(): (method: string, path: string) => number {
  const start = proxy.seen.length;
  return (method, path) => proxy.seen.slice(start).filter((s) => s.method === method && s.url.split('?')[0]!.startsWith(path)).length;
}

const storeVolume = (id: string) => sandbox.store.volumes.find((v) => v.uuid === id)!;
const used = new Set<string>();
/** A fresh available, unattached volume (each test acts on its own). */
async function freshVolume(): Promise<Volume> {
  const r = sandbox.store.volumes.find((v) => v.state === 'OK' && v.runtime_state === 'available' && !v.bootable && !/fail/.test(v.name) && !used.has(v.uuid))!;
  used.add(r.uuid);
  return backend.getVolume(r.uuid);
}
const json = (a: Answer) => JSON.parse(a.body) as unknown;
const onPage = (n: number) => (s: { method: string; url: string }) => s.method === 'GET' && s.url.startsWith(VOLUMES) && new URL(s.url, 'http://x').searchParams.get('page') === String(n);

test('without faults: 600 volumes in two pages of 300, one request each', async () => {
  const seen = counter();
  assert.equal((await backend.listVolumes()).length, 600);
  assert.equal(seen('GET', VOLUMES), 2);
});

test('a redirect of a list to another host is an error naming it; nothing is asked of that host', async () => {
  const elsewhere = await startRecorder({ status: 200, body: '[{"uuid":"x","name":"not yours"}]' });
  try {
    proxy.rule = (s) => (isGet(VOLUMES)(s) ? { kind: 'answer', status: 302, headers: { Location: `${elsewhere.url}/api/openstack-volumes/` } } : undefined);
    const seen = counter();
    const err = await refused(backend.listVolumes());
    assert.equal(err.status, 302);
    assert.equal(err.message, `${new URL(proxy.url).host} answered 302 Found, a redirect to ${elsewhere.url}/api/openstack-volumes/. API calls do not follow redirects, so nothing was sent there; check the connection's URL.`);
    assert.equal(seen('GET', VOLUMES), 1, 'a redirect is not retried');
    assert.equal(elsewhere.seen.length, 0, 'nothing reached the other host');
  } finally {
    await elsewhere.close();
  }
});

test('a 307 on an action POST: neither the body nor the token reaches the other origin, nothing is applied, one POST', async () => {
  const elsewhere = await startRecorder({ status: 202, body: '{"status":"accepted"}' });
  try {
    const v = await freshVolume();
    proxy.rule = (s) => (isPost(VOLUMES)(s) ? { kind: 'answer', status: 307, headers: { Location: `${elsewhere.url}${s.url}` } } : undefined);
    const seen = counter();
    const err = await refused(backend.extendVolume(v, gibToMiB(minimumExtendGiB(v.sizeMiB))));
    assert.equal(err.status, 307);
    assert.match(err.message, /answered 307 Temporary Redirect, a redirect to http:\/\/127\.0\.0\.1:\d+\/api\/openstack-volumes\/[0-9a-f]+\/extend\/\. API calls do not follow redirects, so nothing was sent there; check the connection's URL\. The server may still have applied the request: refresh before trying again\.$/);
    assert.equal(seen('POST', VOLUMES), 1);
    assert.equal(elsewhere.seen.length, 0);
    assert.equal(storeVolume(v.id).size, v.sizeMiB, 'the size is unchanged');
  } finally {
    await elsewhere.close();
  }
});

test('a 302 on an action POST is not followed as a GET: the extend is an error, not "accepted"', async () => {
  const v = await freshVolume();
  proxy.rule = (s) => (isPost(VOLUMES)(s) ? { kind: 'answer', status: 302, headers: { Location: `${VOLUMES}${v.id}/` } } : undefined);
  const seen = counter();
  const err = await refused(backend.extendVolume(v, gibToMiB(minimumExtendGiB(v.sizeMiB))));
  assert.equal(err.status, 302);
  assert.equal(seen('POST', VOLUMES), 1);
  assert.equal(seen('GET', `${VOLUMES}${v.id}/`), 0, 'the redirect was not followed');
  assert.equal(storeVolume(v.id).size, v.sizeMiB);
});

test('an HTML 502 on a GET: three tries with back-off, then a sentence (no HTML); the page only in the log line', async () => {
  proxy.rule = (s) => (isGet(VOLUMES)(s) ? { kind: 'answer', status: 502, headers: { 'Content-Type': 'text/html' }, body: HTML_502 } : undefined);
  const seen = counter();
  const err = await refused(backend.listVolumes());
  assert.equal(seen('GET', VOLUMES), 3);
  assert.equal(err.message, `${new URL(proxy.url).host} answered 502 Bad Gateway (an HTML error page from a proxy) (3 tries)`);
  assert.doesNotMatch(err.message, /</);
  assert.match(describeForLog(err), /body: <html> <head><title>502 Bad Gateway<\/title>/);
  assert.deepEqual(retries.map((r) => [r.attempt, r.tries, r.reason]), [[2, 3, '502 Bad Gateway'], [3, 3, '502 Bad Gateway']]);
  assert.ok(retries.every((r) => r.delayMs >= 0 && r.delayMs <= 20), 'bounded back-off');
});

test('a 503 once, then fine: the list is complete after one retry', async () => {
  proxy.rule = firstN(1, onPage(2), { kind: 'answer', status: 503, body: 'upstream connect error or disconnect/reset before headers' });
  const seen = counter();
  assert.equal((await backend.listVolumes()).length, 600);
  assert.equal(seen('GET', VOLUMES), 3);
  assert.equal(retries.length, 1);
});

test('Retry-After is honoured up to a cap; a longer one is not waited for', async () => {
  proxy.rule = firstN(1, isGet('/api/users/me/'), { kind: 'answer', status: 503, headers: { 'Retry-After': '1' }, body: '' });
  let seen = counter();
  const started = Date.now();
  assert.equal((await backend.whoAmI()).username.length > 0, true);
  assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms for Retry-After: 1`);
  assert.equal(seen('GET', '/api/users/me/'), 2);
  assert.equal(retries[0]?.delayMs, 1000);

  proxy.rule = (s) => (isGet('/api/users/me/')(s) ? { kind: 'answer', status: 503, headers: { 'Retry-After': '120', 'Content-Type': 'text/plain' }, body: 'maintenance' } : undefined);
  seen = counter();
  const err = await refused(backend.whoAmI());
  assert.equal(err.message, `${new URL(proxy.url).host} answered 503 Service Unavailable: "maintenance"`);
  assert.equal(seen('GET', '/api/users/me/'), 1);
});

test('writes are never retried; a write that failed after it was sent says it may have been applied', async () => {
  const cases: Array<[string, Rule, RegExp]> = [
    ['502 HTML', (s) => (isPost(VOLUMES)(s) ? { kind: 'answer', status: 502, headers: { 'Content-Type': 'text/html' }, body: HTML_502 } : undefined),
      /answered 502 Bad Gateway \(an HTML error page from a proxy\); it may have been applied, so refresh before trying again$/],
    ['504 JSON', (s) => (isPost(VOLUMES)(s) ? { kind: 'answer', status: 504, headers: { 'Content-Type': 'application/json' }, body: '{"detail":"Upstream timed out."}' } : undefined),
      /^Upstream timed out\.; it may have been applied, so refresh before trying again$/],
    ['reset before the answer', (s) => (isPost(VOLUMES)(s) ? { kind: 'reset' } : undefined),
      /^Could not reach 127\.0\.0\.1:\d+: the connection was reset .*; it may have been applied, so refresh before trying again$/],
    ['answer cut off', (s) => (isPost(VOLUMES)(s) ? { kind: 'cut', bytes: 5 } : undefined),
      /began to answer, but the connection was closed before the answer was complete; it may have been applied, so refresh before trying again$/],
    ['answer stalls', (s) => (isPost(VOLUMES)(s) ? { kind: 'stall-body', bytes: 5 } : undefined),
      new RegExp(`began to answer but the rest did not arrive within ${TIMEOUT_MS} ms; it may have been applied, so refresh before trying again$`)],
    ['no answer', (s) => (isPost(VOLUMES)(s) ? { kind: 'stall' } : undefined),
      new RegExp(`did not answer within ${TIMEOUT_MS} ms; it may have been applied, so refresh before trying again$`)],
  ];
  for (const [name, rule, message] of cases) {
    const v = await freshVolume();
    proxy.rule = rule;
    const seen = counter();
    const started = Date.now();
    const err = await refused(backend.extendVolume(v, gibToMiB(minimumExtendGiB(v.sizeMiB))));
    assert.match(err.message, message, name);
    assert.equal(seen('POST', VOLUMES), 1, `${name}: exactly one POST`);
    assert.equal(retries.length, 0, name);
    assert.ok(Date.now() - started < TIMEOUT_MS + 1000, `${name}: ended within the timeout`);
  }
});

test('a POST to a closed port says nothing was applied', async () => {
  const closed = await startFaultProxy(sandbox.url);
  const url = closed.url;
  await closed.close();
  const b = await createBackend({ kind: 'waldur', url }, sandbox.token, { timeoutMs: TIMEOUT_MS, retry: { baseDelayMs: 1 } });
  const v = await freshVolume();
  const err = await refused(b.extendVolume(v, gibToMiB(minimumExtendGiB(v.sizeMiB))));
  assert.match(err.message, /^Could not reach 127\.0\.0\.1:\d+: .*ECONNREFUSED.*; nothing was applied$/);
});

test('reads: a reset, an answer cut off and an answer that stalls are typed, retried, and end within the tries', async () => {
  const cases: Array<[string, Rule, ApiError['kind'], RegExp]> = [
    ['reset', (s) => (isGet('/api/users/me/')(s) ? { kind: 'reset' } : undefined), 'network', /the connection was reset/],
    ['cut', (s) => (isGet('/api/users/me/')(s) ? { kind: 'cut', bytes: 3 } : undefined), 'network', /began to answer, but the connection was closed before the answer was complete/],
    ['stall-body', (s) => (isGet('/api/users/me/')(s) ? { kind: 'stall-body', bytes: 3 } : undefined), 'timeout', /began to answer but the rest did not arrive within 400 ms \(3 tries\)$/],
  ];
  for (const [name, rule, kind, message] of cases) {
    proxy.rule = rule;
    retries.length = 0;
    const seen = counter();
    const started = Date.now();
    const err = await refused(backend.whoAmI());
    assert.equal(err.kind, kind, name);
    assert.match(err.message, message, name);
    assert.doesNotMatch(err.message, /may have been applied/, name);
    assert.equal(seen('GET', '/api/users/me/'), 3, name);
    assert.equal(retries.length, 2, name);
    assert.ok(Date.now() - started < 3 * TIMEOUT_MS + 500, `${name}: bounded (${Date.now() - started} ms)`);
  }
  // A reset once: the second try answers.
  proxy.rule = firstN(1, isGet('/api/users/me/'), { kind: 'reset' });
  assert.ok((await backend.whoAmI()).username);
});

test('the pager: a short page or a page repeating the previous one is read once more, then a clear error — never a partial list', async () => {
  proxy.rule = (s) => (onPage(2)(s) ? { kind: 'alter', change: (a) => ({ ...a, body: JSON.stringify((json(a) as unknown[]).slice(0, 100)) }) } : undefined);
  let seen = counter();
  let err = await refused(backend.listVolumes());
  assert.equal(err.kind, 'bad-response');
  assert.equal(err.message, "The server's pages of volumes did not add up twice in a row (page 2 had 100 rows where 300 were due (600 in all)), so no list is shown rather than a partial one; try Refresh.");
  assert.equal(seen('GET', VOLUMES), 4, 'the listing was read twice');

  // Page 2 answers page 1 again (a cache in between).
  let page1 = '';
  proxy.rule = (s) => (onPage(1)(s) ? { kind: 'alter', change: (a) => { page1 = a.body; return a; } }
    : onPage(2)(s) ? { kind: 'alter', change: (a) => ({ ...a, body: page1 }) } : undefined);
  seen = counter();
  err = await refused(backend.listVolumes());
  assert.match(err.message, /page 2 repeated a row of an earlier page/);
  assert.equal(seen('GET', VOLUMES), 4);

  // Only the first reading is wrong: the second is complete and is what is shown.
  proxy.rule = firstN(1, onPage(2), { kind: 'alter', change: (a) => ({ ...a, body: JSON.stringify((json(a) as unknown[]).slice(0, 100)) }) });
  seen = counter();
  const all = await backend.listVolumes();
  assert.equal(all.length, 600);
  assert.equal(new Set(all.map((v) => v.id)).size, 600);
  assert.equal(seen('GET', VOLUMES), 4);

  // The count changes between pages (a volume created meanwhile): read again.
  proxy.rule = firstN(1, onPage(2), { kind: 'alter', change: (a) => ({ ...a, headers: { ...a.headers, 'x-result-count': '601' } }) });
  assert.equal((await backend.listVolumes()).length, 600);
});

test('the pager without a count: Link next, or full pages until the 404 after an exact multiple', async () => {
  const noCount = (keepLink: boolean): Rule => (s) => (isGet(VOLUMES)(s) ? {
    kind: 'alter', change: (a) => {
      const headers = { ...a.headers };
      delete headers['x-result-count'];
      if (!keepLink) delete headers.link;
      return { ...a, headers };
    },
  } : undefined);
  proxy.rule = noCount(true);
  let seen = counter();
  assert.equal((await backend.listVolumes()).length, 600);
  assert.equal(seen('GET', VOLUMES), 2, 'Link has no next on page 2');

  proxy.rule = noCount(false);
  seen = counter();
  assert.equal((await backend.listVolumes()).length, 600);
  assert.equal(seen('GET', VOLUMES), 3, 'page 3 answered 404 Invalid page: the end');
});

test('odd 200 answers are a typed bad-response, never a TypeError', async () => {
  const v = sandbox.store.volumes[0]!;
  const cases: Array<[string, string, string, RegExp]> = [
    ['empty body', VOLUMES, '', /answered \/api\/openstack-volumes\/ with an empty answer where a list of volumes was expected/],
    ['DRF envelope', VOLUMES, '{"count":600,"next":null,"previous":null,"results":[]}', /with an object with count, next, previous, results where a list of volumes was expected/],
    ['detail', VOLUMES, '{"detail":"Authentication credentials were not provided."}', /with the message "Authentication credentials were not provided\." where a list of volumes was expected/],
    ['list of strings', VOLUMES, '["a","b"]', /list of volumes holds something other than records/],
    ['not JSON', VOLUMES, 'ok', /^The server sent an answer that is not valid JSON\.$/],
    ['record without uuid', `${VOLUMES}${v.uuid}/`, '{"name":"x"}', /sent a volume without its uuid/],
    ['empty record', `${VOLUMES}${v.uuid}/`, '', /answered with an empty answer where a volume was expected/],
    ['user is a list', '/api/users/me/', '[]', /answered with a list where your user record was expected/],
  ];
  for (const [name, path, body, message] of cases) {
    proxy.rule = (s) => (s.method === 'GET' && s.url.split('?')[0] === path ? { kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body } : undefined);
    const call = path === VOLUMES ? backend.listVolumes() : path === '/api/users/me/' ? backend.whoAmI() : backend.getVolume(v.uuid);
    const err = await refused(call);
    assert.equal(err.kind, 'bad-response', name);
    assert.match(err.message, message, name);
  }
  // An HTML page with 200 (a sign-in page of a proxy) is not an answer either.
  proxy.rule = (s) => (isGet(VOLUMES)(s) ? { kind: 'answer', status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Sign in</body></html>' } : undefined);
  const err = await refused(backend.listVolumes());
  assert.equal(err.kind, 'bad-response');
  assert.match(err.message, /answered with an HTML page where the API's JSON was expected/);
});

test('an accepted write whose answer cannot be read says it was accepted', async () => {
  const v = await freshVolume();
  proxy.rule = (s) => (isPost(`${VOLUMES}${v.id}/snapshot/`)(s) ? { kind: 'alter', change: (a) => ({ ...a, body: '' }) } : undefined);
  const err = await refused(backend.snapshotVolume(v, { name: `${v.name}-snap` }));
  assert.equal(err.kind, 'bad-response');
  assert.match(err.message, /the server accepted the request, so refresh to see its result before trying again\.$/);
  assert.ok(sandbox.store.snapshots.some((s) => s.name === `${v.name}-snap`), 'it was applied indeed');
});
