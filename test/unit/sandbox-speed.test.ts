/**
 * The sandbox answers list pages from caches (sorted indexes per project, filtered rows, cached
 * JSON rows and pages; see src/sandbox/listing.ts). These tests pin that the caches are never
 * stale: every page equals what filtering and sorting the live store gives, right after actions,
 * transitions, removals, additions and direct changes to the store. No timings are asserted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import type { VolumeRecord } from '../../src/sandbox/types';
import { client, waitFor } from './helpers/sandbox-client';

let sb: Sandbox;
let api: ReturnType<typeof client>;

before(async () => {
  sb = await startSandbox({ transitionMs: 30, volumes: 1500, seed: 3 });
  api = client(sb);
});
after(() => sb.close());

const FIELDS = ['uuid', 'name', 'state', 'runtime_state', 'size', 'project_uuid', 'created'];
const fieldQuery = FIELDS.map((f) => `field=${f}`).join('&');

/** What a page must hold: the store filtered, newest first (ties in store order), sliced. */
function expected(keep: (v: VolumeRecord) => boolean, page: number, pageSize = 300) {
  const rows = sb.store.volumes.map((v, i) => ({ v, i })).filter(({ v }) => keep(v));
  rows.sort((a, b) => (a.v.created < b.v.created ? 1 : a.v.created > b.v.created ? -1 : a.i - b.i));
  return {
    count: rows.length,
    rows: rows.slice((page - 1) * pageSize, page * pageSize).map(({ v }) => Object.fromEntries(FIELDS.map((f) => [f, v[f as keyof VolumeRecord]]))),
  };
}

async function assertPage(query: string, keep: (v: VolumeRecord) => boolean, page = 1, what = query): Promise<void> {
  // Twice: the second answer comes from the caches the first one filled.
  for (const round of ['first', 'cached']) {
    // Transitions run on 30 ms timers: the page is the store as it was before or after the request.
    const before = expected(keep, page);
    const res = await api.get(`/api/openstack-volumes/?${query}&${fieldQuery}&page_size=300&page=${page}`);
    assert.equal(res.status, 200, `${what} (${round})`);
    const after = expected(keep, page);
    const want = JSON.stringify(res.body) === JSON.stringify(before.rows) && res.headers.get('X-Result-Count') === String(before.count) ? before : after;
    assert.equal(res.headers.get('X-Result-Count'), String(want.count), `${what}: count (${round})`);
    assert.deepEqual(res.body, want.rows, `${what}: rows (${round})`);
  }
}

const bigProject = () => {
  const counts = new Map<string, number>();
  for (const v of sb.store.volumes) counts.set(v.project_uuid, (counts.get(v.project_uuid) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
};

test('project pages, name and state filters match the store', async () => {
  const project = bigProject();
  await assertPage(`project_uuid=${project}`, (v) => v.project_uuid === project);
  await assertPage(`project_uuid=${project}`, (v) => v.project_uuid === project, 2);
  await assertPage(`project_uuid=${project}&name=DATA`, (v) => v.project_uuid === project && v.name.toLowerCase().includes('data'));
  await assertPage('state=OK&state=erred', (v) => v.state === 'OK' || v.state === 'Erred');
  await assertPage(`customer_uuid=${sb.store.volumes[0]!.customer_uuid}&runtime_state=available`, (v) => v.customer_uuid === sb.store.volumes[0]!.customer_uuid && v.runtime_state === 'available');
});

test('an action, its transition and a rename show on the very next page', async () => {
  const project = bigProject();
  const inProject = (v: VolumeRecord) => v.project_uuid === project;
  await assertPage(`project_uuid=${project}`, inProject);
  // The newest volume of the project, on page 1 (cached by now).
  const newest = expected(inProject, 1).rows[0]!.uuid as string;
  const erred = await api.post(`/api/openstack-volumes/${newest}/set_erred/`, { error_message: 'x' });
  assert.equal(erred.status, 200);
  await assertPage(`project_uuid=${project}`, inProject, 1, 'after set_erred');
  await assertPage(`project_uuid=${project}&state=erred`, (v) => inProject(v) && v.state === 'Erred', 1, 'erred filter after set_erred');
  assert.equal((await api.post(`/api/openstack-volumes/${newest}/set_ok/`)).status, 200);
  const renamed = await api.patch(`/api/openstack-volumes/${newest}/`, { name: 'zz-renamed-for-cache' });
  assert.equal(renamed.status, 200);
  await assertPage(`project_uuid=${project}&name=zz-renamed`, (v) => inProject(v) && v.name.includes('zz-renamed'), 1, 'name filter after rename');
  // The update cycle runs on timers: each step must show without any request in between.
  await waitFor(async () => sb.store.volumes.find((v) => v.uuid === newest)?.state === 'OK', 2000, 'update done');
  await assertPage(`project_uuid=${project}`, inProject, 1, 'after the transition');
});

test('removed, added and directly changed records show on the next page', async () => {
  const project = bigProject();
  const inProject = (v: VolumeRecord) => v.project_uuid === project;
  await assertPage(`project_uuid=${project}`, inProject);
  const [gone] = expected(inProject, 1).rows;
  assert.equal((await api.post(`/api/openstack-volumes/${gone!.uuid as string}/unlink/`)).status, 204);
  await assertPage(`project_uuid=${project}`, inProject, 1, 'after unlink');

  const snapshot = sb.store.snapshots.find((s) => s.state === 'OK' && s.project_uuid === project) ?? sb.store.snapshots.find((s) => s.state === 'OK')!;
  const restored = await api.post(`/api/openstack-snapshots/${snapshot.uuid}/restore/`, { name: 'restored-for-cache' });
  assert.equal(restored.status, 201);
  await assertPage(`project_uuid=${snapshot.project_uuid}`, (v) => v.project_uuid === snapshot.project_uuid, 1, 'after restore');

  // Tests change the store directly; the next request sees it.
  const older = expected(inProject, 2).rows[0]!.uuid as string;
  const record = sb.store.volumes.find((v) => v.uuid === older)!;
  record.created = '2999-01-01T00:00:00.000000Z';
  record.size = 99 * 1024;
  await assertPage(`project_uuid=${project}`, inProject, 1, 'after a direct change of created and size');
  sb.store.volumes = sb.store.volumes.filter((v) => v.uuid !== older);
  await assertPage(`project_uuid=${project}`, inProject, 1, 'after the store array was replaced');
});
