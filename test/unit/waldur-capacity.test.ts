/**
 * Waldur capacity: tenant quotas read through the backend against the sandbox (numbers equal to
 * what its store holds), and the mapping of untrusted quota lists (bad lines skipped, never NaN).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WaldurBackend } from '../../src/backends/waldur/backend';
import { toCapacity } from '../../src/backends/waldur/records';
import { ApiError } from '../../src/core/errors';
import type { Scope } from '../../src/core/model';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { client, waitFor } from './helpers/sandbox-client';

const GiB = 1024;
let sb: Sandbox;
let backend: WaldurBackend;
let requests: Array<{ method: string; url: string }>;

before(async () => {
  sb = await startSandbox({ transitionMs: 20 });
  requests = [];
  backend = new WaldurBackend({ baseUrl: sb.url, token: sb.token, onRequestDone: ({ method, url }) => requests.push({ method, url }) });
});
after(() => sb.close());

const projectScope = (name: string): Scope => {
  const p = sb.store.projects.find((x) => x.name === name);
  assert.ok(p, `seed project ${name}`);
  return { id: p.uuid, kind: 'project', name: p.name, parentId: p.customer_uuid };
};

/** What the store holds for a tenant, in the lines' order and units. */
function expected(tenantName: string) {
  const { store } = sb;
  const tenant = store.tenants.find((t) => t.name === tenantName)!;
  const volumes = store.volumes.filter((v) => v.tenant_uuid === tenant.uuid);
  const snapshots = store.snapshots.filter((s) => s._tenant_uuid === tenant.uuid);
  const types = [...new Set(store.volumeTypes.filter((t) => t._tenant_uuid === tenant.uuid).map((t) => t.name))].sort();
  const ofType = (type: string) => volumes.filter((v) => v.type_name === type).reduce((n, v) => n + (v.size ?? 0), 0)
    + snapshots.filter((s) => s._source_type_name === type).reduce((n, s) => n + s.size, 0);
  return {
    tenant,
    lines: [
      { key: 'storage', used: volumes.reduce((n, v) => n + (v.size ?? 0), 0) + snapshots.reduce((n, s) => n + s.size, 0), limit: tenant.storage_quota },
      ...types.map((t) => ({ key: `storage:${t}`, used: Math.ceil(ofType(t) / GiB) * GiB, limit: tenant.type_quotas[t] === undefined ? undefined : tenant.type_quotas[t]! * GiB })),
      { key: 'volumes', used: volumes.length, limit: tenant.volume_quota },
      { key: 'snapshots', used: snapshots.length, limit: tenant.snapshot_quota },
    ],
  };
}

const summary = (lines: Array<{ key: string; used: number; limit?: number }>) => lines.map(({ key, used, limit }) => ({ key, used, limit }));

describe('capacity against the sandbox', () => {
  test('a project: one capacity per tenant, every line equal to what the store holds', async () => {
    const caps = await backend.capacity({ scope: projectScope('Protein Folding') });
    const want = expected('bbc-folding');
    assert.equal(caps.length, 1);
    assert.equal(caps[0]!.id, want.tenant.uuid);
    assert.equal(caps[0]!.owner, 'tenant bbc-folding');
    assert.equal(caps[0]!.snapshotsUseStorage, true);
    assert.deepEqual(summary(caps[0]!.lines), summary(want.lines));
    const nvme = caps[0]!.lines.find((l) => l.key === 'storage:nvme');
    assert.ok(nvme?.limit, 'the seed gives the folding nvme pool a limit of its own');
    assert.deepEqual({ label: nvme.label, unit: nvme.unit, typeName: nvme.typeName }, { label: 'Storage of type nvme', unit: 'MiB', typeName: 'nvme' });
    assert.deepEqual(caps[0]!.lines.map((l) => l.label), ['Storage', 'Storage of type hdd', 'Storage of type nvme', 'Storage of type ssd', 'Volumes', 'Snapshots']);
    for (const l of caps[0]!.lines) assert.ok(Number.isFinite(l.used) && (l.limit === undefined || Number.isFinite(l.limit)), `${l.key} is a number`);
  });

  test('an organization: every tenant of its projects', async () => {
    const org = sb.store.customers.find((c) => c.abbreviation === 'BBC')!;
    const caps = await backend.capacity({ scope: { id: org.uuid, kind: 'organization', name: org.name } });
    assert.deepEqual(caps.map((c) => c.owner), ['tenant bbc-datalake', 'tenant bbc-folding', 'tenant bbc-teaching']);
    const teaching = caps.find((c) => c.owner === 'tenant bbc-teaching')!;
    assert.deepEqual(summary(teaching.lines), summary(expected('bbc-teaching').lines));
  });

  test('a volume: its tenant only, in one request; numbers follow a new snapshot', async () => {
    const record = sb.store.volumes.find((v) => v.name === 'colabfold-cache')!;
    const volume = await backend.getVolume(record.uuid);
    requests.length = 0;
    const [before] = await backend.capacity({ volume });
    assert.equal(requests.length, 1);
    assert.match(requests[0]!.url, new RegExp(`/api/openstack-tenants/${record.tenant_uuid}/\\?`));
    assert.deepEqual(summary(before!.lines), summary(expected('bbc-folding').lines));

    const snap = await client(sb).post(`/api/openstack-volumes/${record.uuid}/snapshot/`, { name: 'capacity-check' });
    assert.equal(snap.status, 201);
    await waitFor(async () => sb.store.snapshots.find((s) => s.uuid === snap.body.uuid)?.state === 'OK', 2000, 'snapshot OK');
    const [after] = await backend.capacity({ volume });
    const line = (c: typeof after, key: string) => c!.lines.find((l) => l.key === key)!.used;
    assert.equal(line(after, 'snapshots'), line(before, 'snapshots') + 1);
    assert.equal(line(after, 'storage'), line(before, 'storage') + (record.size ?? 0));
    assert.deepEqual(summary(after!.lines), summary(expected('bbc-folding').lines));
  });

  test("a snapshot: its source volume's tenant; a snapshot whose volume is gone: found in its project", async () => {
    const all = await backend.listSnapshots();
    const kept = all.find((s) => s.name === 'msa-databases-2024-12')!;
    const [c1] = await backend.capacity({ snapshot: kept });
    assert.equal(c1!.owner, 'tenant bbc-folding');
    const orphan = all.find((s) => s.name === 'structures-2024-export')!;
    assert.equal(orphan.sourceVolumeId, undefined, 'its volume is gone');
    const caps = await backend.capacity({ snapshot: orphan });
    assert.deepEqual(caps.map((c) => c.owner), ['tenant bbc-folding']);
  });

  test('the seeded quotas refuse over them: a snapshot past the snapshot count (400, nothing made)', async () => {
    const tenant = sb.store.tenants.find((t) => t.name === 'bbc-teaching')!;
    const system = sb.store.volumes.find((v) => v.tenant_uuid === tenant.uuid)!;
    const before = sb.store.snapshots.length;
    const saved = tenant.snapshot_quota;
    tenant.snapshot_quota = 0;
    try {
      const res = await client(sb).post(`/api/openstack-volumes/${system.uuid}/snapshot/`, { name: 'over' });
      assert.equal(res.status, 400);
      assert.match(res.body.non_field_errors[0], /Snapshots quota of tenant bbc-teaching exceeded/);
      assert.equal(sb.store.snapshots.length, before);
    } finally {
      tenant.snapshot_quota = saved;
    }
  });
});

describe('quota lists from the server are untrusted', () => {
  test('bad lines are skipped, strings of digits read, -1 is no limit, other quotas left out', () => {
    const c = toCapacity({
      uuid: 't1', name: 'x',
      quotas: [
        { name: 'ram', usage: 10, limit: 20 },
        { name: 'snapshots', usage: 'lots', limit: 5 },
        { name: 'volumes', usage: null, limit: 10 },
        { name: 'gigabytes_ssd', usage: 2, limit: -1 },
        { name: 'gigabytes_', usage: 2, limit: 4 },
        { name: 'gigabytes_hdd', usage: 3, limit: 'NaN' },
        { name: 'storage', usage: ' 12 ', limit: '100' },
        { name: 'storage', usage: 99, limit: 99 },
        { name: 'vcpu', usage: -1, limit: 5 },
        null, 'storage', { usage: 1, limit: 1 }, { name: 7, usage: 1, limit: 1 },
      ] as never,
    });
    assert.deepEqual(c.lines, [
      { key: 'storage', label: 'Storage', unit: 'MiB', used: 12, limit: 100 },
      { key: 'storage:ssd', label: 'Storage of type ssd', unit: 'MiB', used: 2 * GiB, typeName: 'ssd' },
    ]);
    assert.equal(JSON.stringify(c).includes('NaN'), false);
    assert.equal(toCapacity({ uuid: 't2', quotas: 'none' as never }).lines.length, 0, 'quotas that are not a list: no lines');
    assert.equal(toCapacity({ uuid: 't3' }).owner, 'tenant t3', 'no name: the uuid names it');
    assert.throws(() => toCapacity({ name: 'no uuid' }), (e: unknown) => e instanceof ApiError && e.kind === 'bad-response');
  });

  test('a limit of 0 stays a limit; per-type limits in GiB become MiB', () => {
    const c = toCapacity({ uuid: 't', name: 'n', quotas: [{ name: 'volumes', usage: 0, limit: 0 }, { name: 'gigabytes_nvme', usage: 1, limit: 10 }] });
    assert.deepEqual(c.lines.map((l) => [l.key, l.used, l.limit]), [['storage:nvme', GiB, 10 * GiB], ['volumes', 0, 0]]);
  });
});
