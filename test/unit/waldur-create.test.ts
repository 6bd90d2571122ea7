/**
 * Waldur Create Volume: a marketplace order of the tenant's volume offering, against the sandbox —
 * placements, types and zones of a scope, the order posted exactly once, followed until done with
 * its volume; refusals before sending, and the server's own refusal (quota) reaching the caller.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WaldurBackend } from '../../src/backends/waldur/backend';
import { offeringsOf, orderProgress } from '../../src/backends/waldur/orders';
import type { OrderProgress } from '../../src/core/backend';
import { ApiError, Refusal } from '../../src/core/errors';
import type { Scope } from '../../src/core/model';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { waitFor } from './helpers/sandbox-client';

let sb: Sandbox;
let backend: WaldurBackend;
let requests: Array<{ method: string; url: string; status: number }>;

before(async () => {
  sb = await startSandbox({ transitionMs: 25 });
  requests = [];
  backend = new WaldurBackend({ baseUrl: sb.url, token: sb.token, onRequestDone: ({ method, url, status }) => requests.push({ method, url, status }) });
});
after(() => sb.close());

const projectScope = (name: string): Scope => {
  const p = sb.store.projects.find((x) => x.name === name);
  assert.ok(p, `seed project ${name}`);
  return { id: p.uuid, kind: 'project', name: p.name, parentId: p.customer_uuid };
};
const posts = () => requests.filter((r) => r.method === 'POST');

describe('create volume through a marketplace order', () => {
  test('placements, types and zones of a project (and of one placement)', async () => {
    const scope = projectScope('Climate Modelling');
    const tenant = sb.store.tenants.find((t) => t.name === 'nwri-climate')!;
    const placements = await backend.listPlacements(scope);
    assert.deepEqual(placements.map((p) => ({ name: p.name, capacityId: p.capacityId })), [{ name: 'Volume in nwri-climate', capacityId: tenant.uuid }]);
    assert.deepEqual((await backend.listVolumeTypes(scope)).map((t) => t.name), ['hdd', 'nvme', 'ssd']);
    assert.deepEqual((await backend.listVolumeTypes(scope, undefined, placements[0]!.id)).map((t) => t.name), ['hdd', 'nvme', 'ssd']);
    assert.deepEqual(await backend.listAvailabilityZones(scope, undefined, placements[0]!.id), ['nova', 'nova-b']);
    await assert.rejects(backend.listVolumeTypes(scope, undefined, '0'.repeat(32)), Refusal, 'a placement of another project');
    assert.equal(backend.capabilities.createVolume, true);
    assert.equal(backend.capabilities.capacity, true);
    assert.ok(!backend.capabilities.createFromSnapshot);
  });

  test('one POST; the order goes executing → done with its volume, which getVolume reads', async () => {
    const scope = projectScope('Climate Modelling');
    const [placement] = await backend.listPlacements(scope);
    requests.length = 0;
    const order = await backend.createVolume(scope, { name: 'order-made', sizeGiB: 3, description: 'made by an order', typeName: 'nvme', availabilityZone: 'nova-b', placementId: placement!.id });
    assert.equal(order.kind, 'order');
    assert.equal(order.state, 'executing');
    assert.deepEqual(posts().map((r) => [new URL(r.url, sb.url).pathname, r.status]), [['/api/marketplace-orders/', 201]]);
    const stored = sb.store.orders.find((o) => o.uuid === order.orderId)!;
    assert.deepEqual(stored.attributes, {
      name: 'order-made', size: 3 * 1024, description: 'made by an order',
      type: sb.store.volumeTypes.find((t) => t._tenant_uuid === sb.store.tenants.find((x) => x.name === 'nwri-climate')!.uuid && t.name === 'nvme')!.url,
      availability_zone: (stored.attributes as { availability_zone: string }).availability_zone,
    });
    assert.match((stored.attributes as { availability_zone: string }).availability_zone, /\/api\/openstack-volume-availability-zones\/[0-9a-f]{32}\/$/);

    const seen: OrderProgress['state'][] = [];
    const done = await waitFor(async () => {
      const p = await backend.readOrder(order.orderId);
      if (seen[seen.length - 1] !== p.state) seen.push(p.state);
      return p.state === 'done' ? p : undefined;
    }, 3000, 'order done');
    assert.deepEqual(seen, ['executing', 'done']);
    assert.ok(done.volumeId);
    const volume = await backend.getVolume(done.volumeId);
    assert.deepEqual([volume.name, volume.sizeMiB, volume.typeName, volume.availabilityZone, volume.status.category, volume.runtimeState], ['order-made', 3 * 1024, 'nvme', 'nova-b', 'stable', 'available']);
    assert.equal(volume.projectId, scope.id);
    assert.equal(posts().length, 1, 'exactly one POST in all');
  });

  test('over a quota: the server refuses (400), its message reaches the error, nothing is made, one POST', async () => {
    const scope = projectScope('Teaching Sandbox');
    const tenant = sb.store.tenants.find((t) => t.name === 'bbc-teaching')!;
    const volumes = sb.store.volumes.length;
    const orders = sb.store.orders.length;
    const saved = tenant.volume_quota;
    tenant.volume_quota = sb.store.volumes.filter((v) => v.tenant_uuid === tenant.uuid).length;
    requests.length = 0;
    try {
      await assert.rejects(backend.createVolume(scope, { name: 'one-too-many', sizeGiB: 1 }), (e: unknown) => {
        assert.ok(e instanceof ApiError, String(e));
        assert.equal(e.status, 400);
        assert.match(e.message, /Volumes quota of tenant bbc-teaching exceeded/);
        return true;
      });
    } finally {
      tenant.volume_quota = saved;
    }
    assert.equal(posts().length, 1);
    assert.equal(sb.store.volumes.length, volumes);
    assert.equal(sb.store.orders.length, orders);

    // Storage: a size over what is left.
    const left = tenant.storage_quota - sb.store.volumes.filter((v) => v.tenant_uuid === tenant.uuid).reduce((n, v) => n + (v.size ?? 0), 0);
    await assert.rejects(backend.createVolume(scope, { name: 'too-big', sizeGiB: Math.floor(left / 1024) + 1 }), /Storage quota of tenant bbc-teaching exceeded/);
    assert.equal(sb.store.orders.length, orders);
  });

  test('refused before sending: size, name, a snapshot source, an unknown type or zone, placement needed among several', async () => {
    const scope = projectScope('Data Lake');
    requests.length = 0;
    for (const sizeGiB of [0, 1.5, -2, Number.NaN]) await assert.rejects(backend.createVolume(scope, { name: 'x', sizeGiB }), Refusal);
    await assert.rejects(backend.createVolume(scope, { name: '  ', sizeGiB: 1 }), Refusal);
    await assert.rejects(backend.createVolume(scope, { name: 'x', sizeGiB: 1, snapshotId: 'abc' }), Refusal);
    await assert.rejects(backend.createVolume(scope, { name: 'x', sizeGiB: 1, typeName: 'tape' }), /no volume type "tape"/);
    await assert.rejects(backend.createVolume(scope, { name: 'x', sizeGiB: 1, availabilityZone: 'moon' }), /no availability zone "moon"/);
    assert.equal(posts().length, 0);

    // A second tenant in the project: the placement must be named.
    const first = sb.store.tenants.find((t) => t.name === 'bbc-datalake')!;
    const second = { ...first, uuid: `${first.uuid.slice(0, 28)}beef`, name: 'bbc-datalake-2', url: first.url.replace(first.uuid, `${first.uuid.slice(0, 28)}beef`), type_quotas: {} };
    sb.store.tenants.push(second);
    try {
      const placements = await backend.listPlacements(scope);
      assert.deepEqual(placements.map((p) => p.capacityId), [first.uuid, second.uuid]);
      await assert.rejects(backend.createVolume(scope, { name: 'x', sizeGiB: 1 }), /has 2 tenants; pick the one/);
      await assert.rejects(backend.createVolume(scope, { name: 'x', sizeGiB: 1, placementId: 'f'.repeat(32) }), Refusal);
      assert.equal(posts().length, 0);
      const caps = await backend.capacity({ scope });
      assert.deepEqual(caps.map((c) => c.owner), ['tenant bbc-datalake', 'tenant bbc-datalake-2']);
    } finally {
      sb.store.tenants = sb.store.tenants.filter((t) => t !== second);
    }
  });

  test('a failing order: failed, with the server\'s message', async () => {
    const scope = projectScope('Data Lake');
    const order = await backend.createVolume(scope, { name: 'fail-on-purpose', sizeGiB: 1 });
    const p = await waitFor(async () => {
      const r = await backend.readOrder(order.orderId);
      return r.state === 'failed' ? r : undefined;
    }, 3000, 'order failed');
    assert.equal(p.label, 'erred');
    assert.match(p.error ?? '', /Failed to create volume fail-on-purpose/);
  });
});

describe('order states and offerings (pure)', () => {
  test('states: pending-*, executing, done, erred / rejected / canceled', () => {
    const s = (o: Parameters<typeof orderProgress>[0]) => orderProgress(o);
    assert.deepEqual(s({ state: 'pending-provider' }).public, { state: 'pending', label: 'pending-provider' });
    assert.deepEqual(s({ state: 'Pending consumer' }).public, { state: 'pending', label: 'Pending consumer' });
    assert.deepEqual(s({ state: 'executing' }).public, { state: 'executing', label: 'executing' });
    assert.deepEqual(s({ state: 'done', marketplace_resource_uuid: 'r1' }), { public: { state: 'done', label: 'done' }, resourceId: 'r1' });
    assert.deepEqual(s({ state: 'erred', error_message: 'boom' }).public, { state: 'failed', label: 'erred', error: 'boom' });
    assert.deepEqual(s({ state: 'rejected', provider_rejection_comment: 'no budget' }).public, { state: 'failed', label: 'rejected', error: 'no budget' });
    assert.deepEqual(s({ state: 'canceled' }).public, { state: 'failed', label: 'canceled', error: 'The order was canceled.' });
    assert.equal(s({}).public.state, 'pending');
    assert.equal(s({ state: 42 }).public.state, 'pending');
  });

  test('an offering scoped to the tenant\'s service settings (older Waldur) is matched through them', async () => {
    const tenants = [{ uuid: 'aa', name: 'one' }, { uuid: 'bb', name: 'two', project: 'http://w/api/projects/p/' }];
    const offerings = [
      { uuid: 'o2', url: 'http://w/api/marketplace-public-offerings/o2/', name: 'Volume in two', scope_uuid: 'settings-b', state: 'Active' as const },
      { uuid: 'o1', url: 'http://w/api/marketplace-public-offerings/o1/', name: 'Volume in one', scope_uuid: 'AA' },
      { uuid: 'o3', url: 'http://w/api/marketplace-public-offerings/o3/', name: 'Archived', scope_uuid: 'aa', state: 'Archived' as const },
      { uuid: 'o4', url: 'http://w/api/marketplace-public-offerings/o4/', name: 'Elsewhere', scope_uuid: 'zz' },
    ];
    const asked: string[] = [];
    const found = await offeringsOf(tenants, offerings, async (t) => {
      asked.push(t);
      return t === 'bb' ? 'settings-b' : undefined;
    });
    assert.deepEqual(found.map((o) => [o.uuid, o.tenantId, o.projectUrl]), [['o1', 'aa', undefined], ['o2', 'bb', 'http://w/api/projects/p/']]);
    assert.deepEqual(asked, ['bb'], 'only tenants no offering named directly are looked up');
  });
});
