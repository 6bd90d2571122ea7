/**
 * Legacy mode against a REAL OpenStack (scripts/openstack/up.sh): the cloud `demo-legacy` is
 * user demo in RegionTwo, whose catalog has identity and compute only, so its volumes go through
 * Nova's deprecated os-volumes / os-snapshots proxy at compute 2.1. Without the stack, every test
 * here is reported as skipped, by name, with the reason. Everything made is named `ve-legacy-…`
 * and deleted, whatever fails.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApiError, allowedSnapshotActions, allowedVolumeActions, createBackend, type Scope, type Snapshot, type Volume } from '../../src/core/index';
import { OpenStackBackend } from '../../src/backends/openstack/backend';
import { loadCloud } from '../../src/backends/openstack/clouds';
import { COMPUTE_TYPES, Keystone } from '../../src/backends/openstack/keystone';
import { NovaVolumesBackend } from '../../src/backends/openstack/legacy';
import { gone, until } from './helpers/poll';

const cloudsYaml = process.env.VE_OPENSTACK_CLOUDS ?? path.resolve(__dirname, '../../.vscode-test/openstack/clouds.yaml');
let skip: string | false = existsSync(cloudsYaml) ? false : `no OpenStack here (${cloudsYaml} not found; run scripts/openstack/up.sh)`;
let backend: NovaVolumesBackend;
let demo: Scope;
const created: Array<{ kind: 'volume' | 'snapshot'; id: string }> = [];
const viewer = { isStaff: false };

/** Counts Keystone sign-ins (`POST /v3/auth/tokens`) of a backend made with it. */
function countingSignIns(): { fetch: (r: Request) => Promise<Response>; readonly count: number } {
  let count = 0;
  return {
    fetch: (request) => {
      if (request.method === 'POST' && request.url.endsWith('/auth/tokens')) count++;
      return globalThis.fetch(request);
    },
    get count() { return count; },
  };
}

before(async () => {
  if (skip) return;
  try {
    const made = await createBackend({ kind: 'openstack', cloud: 'demo-legacy', cloudsYaml });
    if (!(made instanceof NovaVolumesBackend)) throw new Error(`demo-legacy gave a ${made.constructor.name}`);
    backend = made;
    demo = (await backend.listScopes()).find((s) => s.name === 'demo')!;
  } catch (err) {
    skip = `OpenStack at ${cloudsYaml} did not answer for demo-legacy: ${err instanceof Error ? err.message : String(err)}`;
  }
});

after(async () => {
  // Leave nothing behind, whatever failed: detach, then snapshots, then volumes.
  for (const r of [...created].reverse().sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'snapshot' ? -1 : 1))) {
    try {
      if (r.kind === 'snapshot') {
        await backend.deleteSnapshot(await backend.getSnapshot(r.id));
        await until(() => gone(() => backend.getSnapshot(r.id)), Boolean, 'a snapshot to go', 30_000);
        continue;
      }
      let v = await backend.getVolume(r.id);
      if (v.instanceId) {
        await backend.detachVolume(v);
        v = await until(() => backend.getVolume(r.id), (x) => x.status.category !== 'busy' && !x.instanceId, 'a detach', 60_000);
      }
      await backend.deleteVolume(v);
    } catch {
      // Already gone, or the stack went away: nothing more to do.
    }
  }
});

const name = (what: string): string => `ve-legacy-${what}-${Date.now().toString(36)}`;
const settled = (read: () => Promise<Volume>, what: string): Promise<Volume> => until(read, (x) => x.status.category !== 'busy', what, 90_000);

test('a cloud without block storage in its region gets the legacy backend, with its notice, from one sign-in', async (t) => {
  if (skip) return t.skip(skip);
  const signIns = countingSignIns();
  const legacy = await createBackend({ kind: 'openstack', cloud: 'demo-legacy', cloudsYaml }, undefined, { fetch: signIns.fetch });
  assert.ok(legacy instanceof NovaVolumesBackend);
  assert.equal(signIns.count, 1, 'Keystone is asked once');
  assert.equal(legacy.kind, 'openstack');
  assert.match(legacy.notice ?? '', /^Legacy mode: this cloud's catalog has no block-storage endpoint in RegionTwo, so volumes go through Nova's deprecated os-volumes proxy/);
  assert.deepEqual(legacy.capabilities.volumeActions, ['attach', 'detach', 'snapshot', 'delete']);
  assert.deepEqual(legacy.capabilities.snapshotActions, ['restore', 'delete']);
  assert.equal(legacy.capabilities.createVolume, true);
  assert.equal((await legacy.whoAmI()).username, 'demo');

  const full = countingSignIns();
  const cinder = await createBackend({ kind: 'openstack', cloud: 'demo', cloudsYaml }, undefined, { fetch: full.fetch });
  assert.ok(cinder instanceof OpenStackBackend, 'RegionOne has Cinder: the usual backend');
  assert.equal(full.count, 1, 'still one sign-in');
  assert.equal((cinder as { notice?: string }).notice, undefined);
});

test('a wrong password is still refused with Keystone\'s 401, before the catalog is looked at', async (t) => {
  if (skip) return t.skip(skip);
  await assert.rejects(createBackend({ kind: 'openstack', cloud: 'demo-legacy', cloudsYaml }, 've-legacy-not-the-password'),
    (err: unknown) => err instanceof ApiError && err.isUnauthorized && !err.message.includes('ve-legacy-not-the-password'));
});

test("legacy: projects as with Cinder (each its own token); vm1's boot volume is listed in use, with its server and device", async (t) => {
  if (skip) return t.skip(skip);
  const scopes = await backend.listScopes();
  assert.deepEqual(scopes.map((s) => [s.kind, s.name]), [['project', 'demo'], ['project', 'research']]);
  assert.deepEqual(await backend.listVolumes(scopes.find((s) => s.name === 'research')), [], 'research has no volumes');
  const boot = (await backend.listVolumes(demo)).find((v) => v.name === 'vm1-boot');
  assert.ok(boot, 'the boot volume of vm1 is listed through the proxy');
  assert.deepEqual([boot.runtimeState, boot.instanceName, boot.device, boot.sizeMiB], ['in-use', 'vm1', '/dev/sda', 1024]);
});

test('legacy: a volume through its life — created, listed, attached to vm1, snapshotted in use, detached, restored, deleted', async (t) => {
  if (skip) return t.skip(skip);
  const volumeName = name('vol');
  const fresh = await backend.createVolume!(demo, { name: volumeName, sizeGiB: 1, description: 'made by the legacy unit test' });
  created.push({ kind: 'volume', id: fresh.id });
  assert.equal(fresh.name, volumeName);
  let v = await settled(() => backend.getVolume(fresh.id), 'the volume to be created');
  assert.deepEqual(v.status, { category: 'stable', label: 'available' });
  assert.equal(v.sizeMiB, 1024);
  assert.equal(v.description, 'made by the legacy unit test');
  assert.equal(v.projectId, demo.id);
  const listed = (await backend.listVolumes(demo)).find((x) => x.id === v.id);
  assert.deepEqual([listed?.name, listed?.sizeMiB], [volumeName, 1024], 'listed with its name and size');
  assert.deepEqual(allowedVolumeActions(backend, v, viewer), ['attach', 'snapshot', 'delete']);

  const vm1 = (await backend.listAttachableInstances(v)).find((i) => i.name === 'vm1');
  assert.ok(vm1, 'vm1 is offered');
  await backend.attachVolume(v, vm1);
  v = await settled(() => backend.getVolume(v.id), 'the attach');
  assert.deepEqual([v.runtimeState, v.instanceId, v.instanceName], ['in-use', vm1.id, 'vm1']);
  assert.match(v.device ?? '', /^\/dev\//);
  assert.deepEqual(allowedVolumeActions(backend, v, viewer), ['detach', 'snapshot']);

  // In use: the proxy takes `force`.
  const snap = await backend.snapshotVolume(v, { name: name('snap'), description: 'of an attached volume' });
  created.push({ kind: 'snapshot', id: snap.id });
  assert.equal(snap.sourceVolumeId, v.id);
  const ready: Snapshot = await until(() => backend.getSnapshot(snap.id), (x) => x.status.category !== 'busy', 'the snapshot');
  assert.deepEqual([ready.runtimeState, ready.sizeMiB, ready.description], ['available', 1024, 'of an attached volume']);
  assert.ok((await backend.listSnapshots(v.id)).some((s) => s.id === snap.id), 'listed under its volume');
  assert.ok((await backend.listSnapshots()).some((s) => s.id === snap.id), 'listed among all');
  assert.deepEqual(allowedSnapshotActions(backend, ready, viewer), ['restore', 'delete']);

  const panel = await backend.details('volume', v.id);
  assert.deepEqual(panel.sections.map((s) => s.id), ['overview', 'attachment', 'origin', 'snapshots', 'timestamps']);
  const rows = panel.sections.find((s) => s.id === 'snapshots');
  assert.ok(rows?.type === 'table' && rows.rows.length === 1 && rows.rows[0]!.open?.id === snap.id);
  const attachment = panel.sections.find((s) => s.id === 'attachment');
  assert.ok(attachment?.type === 'fields' && attachment.fields[0]?.value.text === 'vm1');
  const snapPanel = await backend.details('snapshot', snap.id);
  const overview = snapPanel.sections.find((s) => s.id === 'overview');
  assert.ok(overview?.type === 'fields' && overview.fields.some((f) => f.label === 'Source volume' && f.value.text === volumeName && f.value.open?.id === v.id));

  await backend.detachVolume(v);
  v = await until(() => backend.getVolume(v.id), (x) => x.status.category !== 'busy' && !x.instanceId, 'the detach', 90_000);
  assert.equal(v.runtimeState, 'available');

  const restored = await backend.restoreSnapshot(ready, { name: name('restored'), description: 'from the snapshot' });
  created.push({ kind: 'volume', id: restored.id });
  const r = await settled(() => backend.getVolume(restored.id), 'the restore');
  assert.deepEqual([r.runtimeState, r.sizeMiB, r.name], ['available', 1024, restored.name]);
  const origin = (await backend.details('volume', r.id)).sections.find((s) => s.id === 'origin');
  assert.ok(origin?.type === 'fields' && origin.fields[0]?.value.open?.id === snap.id, 'the restored volume links its snapshot');

  // Each delete is followed to Nova's 404, as a job follows it.
  for (const [what, remove, read] of [
    ['the restored volume', () => backend.deleteVolume(r), () => backend.getVolume(r.id)],
    ['the snapshot', () => backend.deleteSnapshot(ready), () => backend.getSnapshot(ready.id)],
    ['the volume', () => backend.deleteVolume(v), () => backend.getVolume(v.id)],
  ] as const) {
    await remove();
    await until(() => gone(read), Boolean, `${what} to go`);
    const err = await read().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ApiError && err.isNotFound && /could not be found/.test(err.message), `${what}: an ordinary not-found, ${String(err)}`);
  }
  assert.ok(!(await backend.listVolumes(demo)).some((x) => x.id === v.id || x.id === r.id), 'neither is listed any more');
});

test('legacy: an id that is gone is an ordinary not-found (jobs see the deletion)', async (t) => {
  if (skip) return t.skip(skip);
  const err = await backend.getVolume('00000000-0000-0000-0000-000000000000').then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ApiError && err.isNotFound, String(err));
  assert.match(err.message, /^Volume 0{8}-0{4}-0{4}-0{4}-0{12} could not be found\.$/);
});

test('the real Nova: the proxy answers at 2.1 and 404 at 2.36; the backend says the proxy is gone, not "Not found"', async (t) => {
  if (skip) return t.skip(skip);
  const cloud = await loadCloud('demo-legacy', { clouds: cloudsYaml });
  const keystone = new Keystone(cloud, undefined);
  const token = await keystone.token();
  const nova = keystone.endpoint(token, COMPUTE_TYPES).replace(/\/v2(\.1)?(\/[^/]+)?$/, '');
  const raw = (version: string) => fetch(`${nova}/v2.1/os-volumes`, { headers: { 'X-Auth-Token': token.id, Accept: 'application/json', 'OpenStack-API-Version': `compute ${version}` } });
  assert.equal((await raw('2.1')).status, 200);
  assert.equal((await raw('2.35')).status, 200);
  const cut = await raw('2.36');
  assert.equal(cut.status, 404);
  assert.deepEqual(await cut.json(), { itemNotFound: { code: 404, message: 'The resource could not be found.' } });
  assert.equal(cut.headers.get('OpenStack-API-Version'), 'compute 2.36');

  // The same backend, its requests sent at 2.36 as a cloud without the proxy would answer them.
  const at236 = (request: Request): Promise<Response> => {
    if (request.headers.has('OpenStack-API-Version')) {
      request.headers.set('OpenStack-API-Version', 'compute 2.36');
      request.headers.set('X-OpenStack-Nova-API-Version', '2.36');
    }
    return globalThis.fetch(request);
  };
  const gone236 = await createBackend({ kind: 'openstack', cloud: 'demo-legacy', cloudsYaml }, undefined, { fetch: at236 });
  const clear = (err: unknown): boolean => err instanceof ApiError && !err.isNotFound && err.status === 404
    && /^Nova answered 404 for \/v2\.1\/os-(volumes|snapshots)[^ ]* at compute microversion 2\.36: its os-volumes proxy is gone from compute microversion 2\.36 on/.test(err.message);
  const scope = (await gone236.listScopes()).find((s) => s.name === 'demo')!;
  await assert.rejects(gone236.listVolumes(scope), clear, 'listing');
  await assert.rejects(gone236.listSnapshots(), clear, 'snapshots');
  await assert.rejects(gone236.createVolume!(scope, { name: name('never'), sizeGiB: 1 }), clear, 'create');
  const boot = (await backend.listVolumes(demo)).find((v) => v.name === 'vm1-boot')!;
  // A single id: Nova's 404 names no volume, and a one-row listing confirms the route is gone.
  await assert.rejects(gone236.getVolume(boot.id), clear, 'a volume that exists');
});
