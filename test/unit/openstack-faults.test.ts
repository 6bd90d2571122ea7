/**
 * Faults between the client and a REAL OpenStack (scripts/openstack/up.sh): a fault proxy in front
 * of Keystone rewrites the catalog so Cinder and Nova are reached through proxies of their own,
 * and each fault is injected on the real answers. Without the stack, skipped by name.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBackend, type Backend, type Scope, type Volume } from '../../src/core/index';
import { HTML_502, isGet, isPost, startFaultProxy, startRecorder, firstN, type FaultProxy, type Seen } from './helpers/fault-proxy';
import { gone, until } from './helpers/poll';
import { refused } from './helpers/refused';

const cloudsYaml = process.env.VE_OPENSTACK_CLOUDS ?? path.resolve(__dirname, '../../.vscode-test/openstack/clouds.yaml');
let skip: string | false = existsSync(cloudsYaml) ? false : `no OpenStack here (${cloudsYaml} not found; run scripts/openstack/up.sh)`;
const proxies = new Map<string, FaultProxy>();
let keystone: FaultProxy;
let cinder: FaultProxy;
let backend: Backend;
let direct: Backend;
let scope: Scope;
let dir = '';
const made: string[] = [];

before(async () => {
  if (skip) return;
  try {
    direct = await createBackend({ kind: 'openstack', cloud: 'demo', cloudsYaml });
    [scope] = await direct.listScopes() as [Scope];
    const config = JSON.parse(readFileSync(cloudsYaml, 'utf8')) as { clouds: Record<string, { auth: { auth_url: string } }> };
    const demo = config.clouds.demo!;
    const authOrigin = new URL(demo.auth.auth_url).origin;
    // Every service origin of the catalog, each behind a proxy of its own.
    const token = await fetch(`${authOrigin}/v3/auth/tokens`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'demo', password: (demo.auth as unknown as { password: string }).password, domain: { name: 'Default' } } } }, scope: { project: { name: 'demo', domain: { name: 'Default' } } } } }),
    }).then((r) => r.json()) as { token: { catalog: Array<{ type: string; endpoints: Array<{ url: string }> }> } };
    const origins = new Set(token.token.catalog.flatMap((s) => s.endpoints.map((e) => new URL(e.url).origin)));
    origins.delete(authOrigin);
    for (const origin of origins) proxies.set(origin, await startFaultProxy(origin));
    keystone = await startFaultProxy(authOrigin);
    const rewrite = (body: string): string => {
      let out = body.split(authOrigin).join(keystone.url);
      for (const [origin, p] of proxies) out = out.split(origin).join(p.url);
      return out;
    };
    keystone.rule = (s) => (s.url.startsWith('/v3/auth/tokens') ? { kind: 'alter', change: (a) => ({ ...a, body: rewrite(a.body) }) } : undefined);
    const cinderOrigin = token.token.catalog.find((s) => ['block-storage', 'volumev3'].includes(s.type))!.endpoints.map((e) => new URL(e.url).origin)[0]!;
    cinder = proxies.get(cinderOrigin)!;
    dir = mkdtempSync(path.join(tmpdir(), 've-os-faults-'));
    const file = path.join(dir, 'clouds.yaml');
    config.clouds.demo!.auth.auth_url = `${keystone.url}/v3`;
    writeFileSync(file, JSON.stringify({ clouds: { demo: config.clouds.demo } }));
    backend = await createBackend({ kind: 'openstack', cloud: 'demo', cloudsYaml: file }, undefined, {
      timeoutMs: 3000, retry: { baseDelayMs: 5, maxDelayMs: 20 }, paging: { pageSize: 2, concurrency: 2 },
    });
    for (let i = 0; i < 3; i++) made.push(((await direct.createVolume!(scope, { name: `ve-fault-${i}-${Date.now().toString(36)}`, sizeGiB: 1 })) as Volume).id);
    for (const id of made) await until(() => direct.getVolume(id), (v) => v.status.category !== 'busy', 'the volume to be made');
  } catch (err) {
    skip = `OpenStack at ${cloudsYaml} did not answer: ${err instanceof Error ? err.message : String(err)}`;
  }
});

after(async () => {
  for (const id of made) await direct?.getVolume(id).then((v) => direct.deleteVolume(v, { cascade: false })).catch(() => undefined);
  for (const id of made) await until(() => gone(() => direct.getVolume(id)), Boolean, 'the volume to go').catch(() => undefined);
  await Promise.all([...proxies.values(), keystone].filter(Boolean).map((p) => p.close()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  if (cinder) cinder.rule = () => undefined;
});


const VOLUMES = (s: Seen) => s.method === 'GET' && /\/v3\/[^/]+\/volumes\/detail/.test(s.url);
const atOffset = (s: Seen) => VOLUMES(s) && new URL(s.url, 'http://x').searchParams.has('offset');
const since = (p: FaultProxy) => {
  const start = p.seen.length;
  return (match: (s: Seen) => boolean) => p.seen.slice(start).filter(match).length;
};

test('Cinder through the proxy: the real listing, paged by 2 (count + offset), adds up', async (t) => {
  if (skip) return t.skip(skip);
  const seen = since(cinder);
  const [mine, theirs] = [await backend.listVolumes(scope), await direct.listVolumes(scope)];
  assert.deepEqual(mine.map((v) => v.id), theirs.map((v) => v.id));
  assert.ok(seen(VOLUMES) >= 2);
});

test('Cinder: a short page and a repeated page fail after one more reading; a fault once is healed by it', async (t) => {
  if (skip) return t.skip(skip);
  cinder.rule = (s) => (atOffset(s) ? { kind: 'alter', change: (a) => {
    const body = JSON.parse(a.body) as { volumes: unknown[] };
    return { ...a, body: JSON.stringify({ ...body, volumes: body.volumes.slice(0, 1) }) };
  } } : undefined);
  const err = await refused(backend.listVolumes(scope));
  assert.equal(err.kind, 'bad-response');
  assert.match(err.message, /^The server's pages of volumes did not add up twice in a row \(the page at offset \d+ had 1 volumes where 2 were due \(\d+ counted\)\)/);

  let first = '';
  cinder.rule = (s) => (VOLUMES(s) && !atOffset(s) ? { kind: 'alter', change: (a) => { first = a.body; return a; } }
    : atOffset(s) ? { kind: 'alter', change: (a) => ({ ...a, body: JSON.stringify({ volumes: (JSON.parse(first) as { volumes: unknown[] }).volumes }) }) } : undefined);
  assert.match((await refused(backend.listVolumes(scope))).message, /repeated one of the volumes of an earlier page/);

  cinder.rule = firstN(1, atOffset, { kind: 'alter', change: (a) => ({ ...a, body: '{"volumes": []}' }) });
  const seen = since(cinder);
  assert.deepEqual((await backend.listVolumes(scope)).map((v) => v.id), (await direct.listVolumes(scope)).map((v) => v.id));
  assert.ok(seen((s) => VOLUMES(s) && !atOffset(s)) === 2, 'read twice');
});

test('Cinder: an HTML 502 on a read is retried three times, then said in words', async (t) => {
  if (skip) return t.skip(skip);
  cinder.rule = (s) => (VOLUMES(s) ? { kind: 'answer', status: 502, headers: { 'Content-Type': 'text/html' }, body: HTML_502 } : undefined);
  const seen = since(cinder);
  const err = await refused(backend.listVolumes(scope));
  assert.equal(err.message, `${new URL(cinder.url).host} answered 502 Bad Gateway (an HTML error page from a proxy) (3 tries)`);
  assert.equal(seen(VOLUMES), 3);
});

test('Cinder: odd 200 answers are bad-response ({"volumes": {}}, an empty body)', async (t) => {
  if (skip) return t.skip(skip);
  for (const body of ['{"volumes": {}}', '', '{"volumes": ["x"]}']) {
    cinder.rule = (s) => (VOLUMES(s) ? { kind: 'answer', status: 200, headers: { 'Content-Type': 'application/json' }, body } : undefined);
    const err = await refused(backend.listVolumes(scope));
    assert.equal(err.kind, 'bad-response', body);
  }
});

test('Cinder: a 307 on an action goes nowhere (no token, no body at the other origin); a reset POST is sent once and may have been applied', async (t) => {
  if (skip) return t.skip(skip);
  const volume = await backend.getVolume(made[0]!);
  const elsewhere = await startRecorder();
  try {
    cinder.rule = (s) => (isPost('/v3/')(s) && s.url.includes('/action') ? { kind: 'answer', status: 307, headers: { Location: `${elsewhere.url}${s.url}` } } : undefined);
    let seen = since(cinder);
    const err = await refused(backend.extendVolume(volume, (volume.sizeMiB ?? 1024) + 1024));
    assert.equal(err.status, 307);
    assert.equal(elsewhere.seen.length, 0);
    assert.equal(seen((s) => s.method === 'POST'), 1);

    cinder.rule = (s) => (isPost('/v3/')(s) && s.url.includes('/action') ? { kind: 'reset' } : undefined);
    seen = since(cinder);
    const reset = await refused(backend.extendVolume(volume, (volume.sizeMiB ?? 1024) + 1024));
    assert.match(reset.message, /the connection was reset .*; it may have been applied, so refresh before trying again$/);
    assert.equal(seen((s) => s.method === 'POST'), 1);
    assert.equal((await direct.getVolume(volume.id)).sizeMiB, volume.sizeMiB, 'nothing reached Cinder');
  } finally {
    await elsewhere.close();
  }
});

test('Keystone: an HTML 502 on sign-in is a sentence, and the password is sent once', async (t) => {
  if (skip) return t.skip(skip);
  const before = keystone.rule;
  keystone.rule = (s) => (isPost('/v3/auth/tokens')(s) ? { kind: 'answer', status: 502, headers: { 'Content-Type': 'text/html' }, body: HTML_502 } : before(s, 0));
  try {
    const seen = since(keystone);
    const file = path.join(dir, 'clouds.yaml');
    const err = await refused(createBackend({ kind: 'openstack', cloud: 'demo', cloudsYaml: file }, undefined, { retry: { baseDelayMs: 1 } }));
    assert.match(err.message, /answered 502 Bad Gateway \(an HTML error page from a proxy\)/);
    assert.equal(seen(isPost('/v3/auth/tokens')), 1, 'a sign-in is a POST: not retried');
    assert.equal(seen(isGet('/v3/auth/tokens')), 0);
  } finally {
    keystone.rule = before;
  }
});
