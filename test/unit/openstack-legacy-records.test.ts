/**
 * Legacy mode without a stack: the proxy's camelCase records → the neutral model, its rules, the
 * sorting of its 404s (against a fake Nova that answers as the real one does, shapes from
 * ../shared/openstack/REAL-STACK.md), and the notice on the connection's tooltip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, allowedSnapshotActions, allowedVolumeActions, snapshotActionBlocker, volumeActionBlocker } from '../../src/core/index';
import type { CloudConfig } from '../../src/backends/openstack/clouds';
import { NovaVolumesBackend, fromProxySnapshot, fromProxyVolume, type ProxyVolume } from '../../src/backends/openstack/legacy';
import { connectionNode, present } from '../../src/tree/nodes';
import { member } from './builders/models';

/** `GET /os-volumes/{id}` of the attached boot volume, as the real Nova answered at 2.1. */
const attached: ProxyVolume = {
  id: 'b2041092', status: 'in-use', size: 1, availabilityZone: 'nova', createdAt: '2026-12-02T09:46:57.261976',
  attachments: [{ id: 'b2041092', volumeId: 'b2041092', serverId: '6c9a6fca', device: '/dev/sdb' }],
  displayName: 'data1', displayDescription: null, volumeType: 'standard', snapshotId: null, metadata: {},
};
/** An unattached one: `attachments: [{}]`. */
const unattached: ProxyVolume = {
  id: 'f2d7842c', status: 'available', size: 3, availabilityZone: 'nova', createdAt: '2026-12-02T09:47:01.214840', attachments: [{}],
  displayName: 'fromsnap', displayDescription: 'via nova', volumeType: 'standard', snapshotId: '7b402bf5', metadata: {},
};
const legacy = { capabilities: new NovaVolumesBackend(cloud(), 'x').capabilities, rules: new NovaVolumesBackend(cloud(), 'x').rules };
const viewer = { isStaff: false };

function cloud(regionName = 'RegionTwo'): CloudConfig {
  return {
    name: 've-legacy-fake', authType: 'password', interface: 'public', verify: true, warnings: [], ...(regionName ? { regionName } : {}),
    auth: { auth_url: 'http://keystone.test/v3', username: 'demo', user_domain_name: 'Default', project_name: 'demo', project_domain_name: 'Default' },
  };
}

test('proxy volumes: camelCase → model, GiB → MiB, attachments[].serverId → instance, [{}] → not attached', () => {
  const v = fromProxyVolume(attached, 'p1', 'demo', new Map([['6c9a6fca', 'vm1']]));
  assert.deepEqual(
    [v.id, v.name, v.description, v.sizeMiB, v.runtimeState, v.status.category, v.typeName, v.availabilityZone, v.instanceId, v.instanceName, v.device, v.projectId, v.projectName, v.created],
    ['b2041092', 'data1', '', 1024, 'in-use', 'stable', 'standard', 'nova', '6c9a6fca', 'vm1', '/dev/sdb', 'p1', 'demo', '2026-12-02T09:46:57.261976'],
  );
  assert.equal(v.bootable, false, 'the proxy does not say');
  const free = fromProxyVolume(unattached, 'p1', 'demo', new Map());
  assert.deepEqual([free.name, free.description, free.sizeMiB, free.instanceId, free.instanceName, free.device], ['fromsnap', 'via nova', 3072, undefined, undefined, undefined]);
  assert.deepEqual(free.native, { projectId: 'p1', serverId: undefined, snapshotId: '7b402bf5', sourceVolumeId: undefined, encrypted: undefined, multiattach: undefined });
  // Untrusted shapes: no attachments at all, a name missing, a busy status.
  const odd = fromProxyVolume({ id: 'x', status: 'creating', attachments: undefined }, 'p1', undefined, new Map());
  assert.deepEqual([odd.name, odd.sizeMiB, odd.status], ['', undefined, { category: 'busy', label: 'creating' }]);
  assert.equal(fromProxyVolume({ id: 'x', attachments: 'nonsense' as never }, 'p1', undefined, new Map()).instanceId, undefined);
});

test('proxy snapshots: displayName, volumeId, GiB → MiB, createdAt', () => {
  const s = fromProxySnapshot({ id: 'd6832033', volumeId: '4daf22e8', status: 'creating', size: 1, createdAt: '2026-12-02T09:47:02.483874', displayName: 'proxysnap', displayDescription: null }, 'p1', 'demo', new Map([['4daf22e8', 'proxyvol']]));
  assert.deepEqual(
    [s.name, s.description, s.sizeMiB, s.status, s.sourceVolumeId, s.sourceVolumeName, s.created, s.projectId],
    ['proxysnap', '', 1024, { category: 'busy', label: 'creating' }, '4daf22e8', 'proxyvol', '2026-12-02T09:47:02.483874', 'p1'],
  );
});

test('legacy rules: attach, detach, snapshot, delete, restore by Cinder\'s statuses; no extend, retype, edit or revert', () => {
  const available = fromProxyVolume(unattached, 'p1', 'demo', new Map());
  const inUse = fromProxyVolume(attached, 'p1', 'demo', new Map());
  assert.deepEqual(allowedVolumeActions(legacy, available, viewer), ['attach', 'snapshot', 'delete']);
  assert.deepEqual(allowedVolumeActions(legacy, inUse, viewer), ['detach', 'snapshot']);
  assert.deepEqual(allowedVolumeActions(legacy, fromProxyVolume({ ...unattached, status: 'error' }, 'p1', 'demo', new Map()), viewer), ['delete']);
  assert.deepEqual(allowedVolumeActions(legacy, fromProxyVolume({ ...unattached, status: 'creating' }, 'p1', 'demo', new Map()), viewer), []);
  for (const action of ['extend', 'retype', 'edit'] as const) {
    assert.equal(volumeActionBlocker(legacy, action, available, viewer), `OpenStack (legacy mode) has no "${action}" for volumes.`);
    assert.match(legacy.rules.volumeBlocker(action, available, viewer) ?? '', /os-volumes proxy has no/);
  }
  const ready = fromProxySnapshot({ id: 's', status: 'available', size: 1, volumeId: 'v' }, 'p1', 'demo', new Map());
  assert.deepEqual(allowedSnapshotActions(legacy, ready, viewer), ['restore', 'delete']);
  assert.deepEqual(allowedSnapshotActions(legacy, fromProxySnapshot({ id: 's', status: 'deleting' }, 'p1', 'demo', new Map()), viewer), []);
  assert.match(snapshotActionBlocker(legacy, 'revert', ready, viewer) ?? '', /has no "revert"/);
  assert.deepEqual(legacy.capabilities.editable, { volume: [], snapshot: [] });
});

test('the notice names the region (or the interface) and what legacy mode offers', () => {
  assert.equal(new NovaVolumesBackend(cloud(), 'x').notice,
    "Legacy mode: this cloud's catalog has no block-storage endpoint in RegionTwo, so volumes go through Nova's deprecated os-volumes proxy — list, create, attach, detach, snapshot, restore and delete only.");
  assert.match(new NovaVolumesBackend(cloud(''), 'x').notice, /no block-storage endpoint for the public interface,/);
});

test("the connection's tooltip carries the notice as a paragraph of its own; the row's description does not", () => {
  const notice = new NovaVolumesBackend(cloud(), 'x').notice;
  const row = present(connectionNode('c1', { label: 'demo-legacy', kind: 'openstack', state: 'ready', who: 'demo @ demo-legacy', readOnly: false, notice }), { backend: legacy, viewer: member });
  assert.equal(row.description, 'demo @ demo-legacy');
  // Markdown-escaped, after who is connected.
  assert.match(row.tooltip ?? '', /demo @ demo\\-legacy\n\nLegacy mode: this cloud's catalog has no block\\-storage endpoint in RegionTwo, so volumes go through Nova's deprecated os\\-volumes proxy/);
  const plain = present(connectionNode('c1', { label: 'demo', kind: 'openstack', state: 'ready', who: 'demo @ demo', readOnly: false }), { backend: legacy, viewer: member });
  assert.doesNotMatch(plain.tooltip ?? '', /Legacy/);
});

/**
 * Keystone and Nova as the real ones answer: one project, a catalog with compute only; Nova's
 * proxy answers `routes` by path (its 404 bodies as seen at 2.1 and at 2.36).
 */
function fakeCloud(routes: Record<string, () => Response>): { fetch: (r: Request) => Promise<Response>; paths: string[] } {
  const paths: string[] = [];
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  return {
    paths,
    fetch: async (request) => {
      const url = new URL(request.url);
      paths.push(`${request.method} ${url.pathname}${url.search}`);
      if (url.pathname === '/v3/auth/tokens') {
        return json(201, {
          token: {
            expires_at: new Date(Date.now() + 3600_000).toISOString(), project: { id: 'p1', name: 'demo' }, user: { id: 'u1', name: 'demo' }, roles: [{ name: 'member' }],
            catalog: [{ type: 'compute', endpoints: [{ url: 'http://nova.test/v2.1', interface: 'public', region: 'RegionTwo' }] }],
          },
        }, { 'X-Subject-Token': 've-legacy-fake-token' });
      }
      if (url.pathname === '/v3/auth/projects') return json(200, { projects: [{ id: 'p1', name: 'demo', enabled: true }] });
      const answer = routes[`${request.method} ${url.pathname}`];
      const response = answer ? answer() : json(404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } }, { 'OpenStack-API-Version': 'compute 2.36' });
      // As fetch's own responses: they know their URL.
      return Object.defineProperty(response, 'url', { value: request.url });
    },
  };
}
const itemGone = (what: string, id: string) => () => new Response(JSON.stringify({ itemNotFound: { code: 404, message: `${what} ${id} could not be found.` } }), { status: 404, headers: { 'OpenStack-API-Version': 'compute 2.1' } });
const ok = (body: unknown) => () => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json', 'OpenStack-API-Version': 'compute 2.1' } });

test('404s: a listing answered 404 means the proxy is gone — a clear error that is not a not-found, with no secret in it', async () => {
  const nova = fakeCloud({});
  const backend = new NovaVolumesBackend(cloud(), 've-legacy-secret', { fetch: nova.fetch });
  await backend.connect();
  const err = await backend.listVolumes({ id: 'p1', kind: 'project', name: 'demo' }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.isNotFound, false, 'jobs must not read it as a deletion');
  assert.equal(err.status, 404);
  assert.equal(err.message, "Nova answered 404 for /v2.1/os-volumes/detail at compute microversion 2.36: its os-volumes proxy is gone from compute microversion 2.36 on, so this cloud's volumes cannot be reached without a block-storage endpoint in its catalog.");
  assert.ok(!JSON.stringify({ m: err.message, d: err.detail }).includes('ve-legacy-'), 'neither the password nor the token');
  assert.ok(nova.paths.includes('GET /v2.1/os-volumes/detail?limit=1000&offset=0'), nova.paths.join('\n'));
});

test('404s: "Volume <id> could not be found." stays an ordinary not-found, with no extra request', async () => {
  const nova = fakeCloud({ 'GET /v2.1/os-volumes/gone': itemGone('Volume', 'gone'), 'GET /v2.1/os-snapshots/gone': itemGone('Snapshot', 'gone') });
  const backend = new NovaVolumesBackend(cloud(), 'x', { fetch: nova.fetch });
  for (const read of [() => backend.getVolume('gone'), () => backend.getSnapshot('gone')]) {
    const err = await read().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ApiError && err.isNotFound, String(err));
    assert.match(err.message, /^(Volume|Snapshot) gone could not be found\.$/);
  }
  assert.ok(!nova.paths.some((p) => /limit=1$/.test(p)), `no probe: ${nova.paths.join(', ')}`);
});

test("404s: Nova's bare \"The resource could not be found.\" for one id is checked with a one-row listing", async () => {
  const bare = () => new Response(JSON.stringify({ itemNotFound: { code: 404, message: 'The resource could not be found.' } }), { status: 404 });
  // The listing answers: the volume is what is missing.
  const present = fakeCloud({ 'GET /v2.1/os-volumes/v1': bare, 'GET /v2.1/os-volumes': ok({ volumes: [] }) });
  const missing = await new NovaVolumesBackend(cloud(), 'x', { fetch: present.fetch }).getVolume('v1').then(() => undefined, (e: unknown) => e);
  assert.ok(missing instanceof ApiError && missing.isNotFound, String(missing));
  assert.ok(present.paths.includes('GET /v2.1/os-volumes?limit=1'), present.paths.join(', '));
  // The listing is 404 too: the proxy is gone.
  const absent = fakeCloud({ 'GET /v2.1/os-volumes/v1': bare });
  const gone = await new NovaVolumesBackend(cloud(), 'x', { fetch: absent.fetch }).getVolume('v1').then(() => undefined, (e: unknown) => e);
  assert.ok(gone instanceof ApiError && !gone.isNotFound, String(gone));
  assert.match(gone.message, /^Nova answered 404 for \/v2\.1\/os-volumes\/v1: its os-volumes proxy is gone from compute microversion 2\.36 on/);
});

test('listing pages by limit and offset until a short page; servers name the attachments', async () => {
  const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ ...unattached, id: `v${from + i}`, displayName: `vol-${from + i}` }));
  let calls = 0;
  const nova = fakeCloud({
    'GET /v2.1/os-volumes/detail': () => ok({ volumes: [page(0, 2), page(2, 2), [{ ...attached, id: 'v4', displayName: 'vol-4' }]][calls++] ?? [] })(),
    'GET /v2.1/servers/detail': ok({ servers: [{ id: '6c9a6fca', name: 'vm1', status: 'ACTIVE' }] }),
  });
  const backend = new NovaVolumesBackend(cloud(), 'x', { fetch: nova.fetch, paging: { pageSize: 2 } });
  const volumes = await backend.listVolumes({ id: 'p1', kind: 'project', name: 'demo' });
  assert.deepEqual(volumes.map((v) => v.name), ['vol-0', 'vol-1', 'vol-2', 'vol-3', 'vol-4']);
  assert.deepEqual([volumes[4]!.instanceName, volumes[4]!.device], ['vm1', '/dev/sdb']);
  assert.deepEqual(nova.paths.filter((p) => p.includes('os-volumes')), [
    'GET /v2.1/os-volumes/detail?limit=2&offset=0', 'GET /v2.1/os-volumes/detail?limit=2&offset=2', 'GET /v2.1/os-volumes/detail?limit=2&offset=4',
  ]);
});
