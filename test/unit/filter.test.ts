import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, describeFilter, filterText, isEmptyFilter, matchesFilter, parseFilter, type Scope, type VolumeFilter } from '../../src/core/index';
import { cinderFilters } from '../../src/backends/openstack/backend';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { aVolume } from './builders/models';

test('typed filters: words are the name; status, type, on, size; round trip; errors say what is allowed', () => {
  assert.deepEqual(parseFilter('data  status:in-use,error type:ssd on:web-01 size:10-100').filter,
    { name: 'data', status: ['in-use', 'error'], type: 'ssd', instance: 'web-01', minGiB: 10, maxGiB: 100 });
  assert.deepEqual(parseFilter('"my data" is:busy size:500-').filter, { name: 'my data', status: ['busy'], minGiB: 500 });
  assert.deepEqual(parseFilter('size:-20').filter, { maxGiB: 20 });
  assert.deepEqual(parseFilter('size:40').filter, { minGiB: 40, maxGiB: 40 });
  assert.deepEqual(parseFilter('   ').filter, {});
  assert.ok(isEmptyFilter(parseFilter('').filter));
  const f = parseFilter('"my data" status:available type:"fast ssd" size:1-2').filter!;
  assert.deepEqual(parseFilter(filterText(f)).filter, f, 'filterText reads back the same');
  assert.match(parseFilter('status:sleeping').error!, /Unknown status "sleeping": use available, in-use, busy, error\./);
  assert.match(parseFilter('size:big').error!, /Size is a range in GiB/);
  assert.match(parseFilter('size:100-10').error!, /is empty/);
  assert.match(parseFilter('owner:bob').error!, /Unknown filter "owner:"/);
  assert.match(parseFilter('type:').error!, /"type:" needs a value/);
  assert.equal(describeFilter(f), 'name contains "my data" · available · type fast ssd · 1–2 GiB');
});

test('matching: name any case, status as the rows show it, instance name or id, type, size in GiB', () => {
  const v = aVolume({ name: 'Data-01', runtimeState: 'in-use', instanceId: 'i-123', instanceName: 'web-01', typeName: 'SSD', sizeMiB: 40 * 1024 });
  const yes = (f: VolumeFilter): void => assert.ok(matchesFilter(v, f), JSON.stringify(f));
  const no = (f: VolumeFilter): void => assert.ok(!matchesFilter(v, f), JSON.stringify(f));
  yes({}); yes({ name: 'data' }); yes({ status: ['in-use'] }); yes({ status: ['available', 'in-use'] }); yes({ instance: 'WEB' }); yes({ instance: 'i-12' });
  yes({ type: 'ssd' }); yes({ minGiB: 40, maxGiB: 40 }); yes({ minGiB: 10 });
  no({ name: 'logs' }); no({ status: ['available'] }); no({ instance: 'db' }); no({ type: 'ss' }); no({ maxGiB: 39 }); no({ minGiB: 41 });
  assert.ok(matchesFilter(aVolume({ state: 'ERRED', runtimeState: 'error' }), { status: ['error'] }));
  assert.ok(matchesFilter(aVolume({ runtimeState: 'extending' }), { status: ['busy'] }));
  assert.ok(!matchesFilter(aVolume({ runtimeState: 'extending' }), { status: ['available'] }), 'busy is not available');
});

test('Cinder: the name as `name~` from 3.34, one status exactly; the rest checked on the rows', () => {
  assert.deepEqual(cinderFilters({ volumeVersion: [3, 70] }, { name: 'data', status: ['in-use'], type: 'ssd' }), { 'name~': 'data', status: 'in-use' });
  assert.deepEqual(cinderFilters({ volumeVersion: [3, 33] }, { name: 'data' }), {}, 'no like-filter before 3.34');
  assert.deepEqual(cinderFilters({ volumeVersion: [3, 70] }, { status: ['in-use', 'available'] }), {}, 'two statuses: no server filter');
  assert.deepEqual(cinderFilters({ volumeVersion: [3, 70] }, { status: ['error'] }), {}, 'error_* statuses are many');
  assert.deepEqual(cinderFilters({ volumeVersion: [3, 70] }, undefined), {});
});

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ transitionMs: 10 });
});
after(async () => {
  await sandbox.close();
});

test('Waldur: the server filters name and runtime state; the result is exactly the matching rows', async () => {
  const urls: string[] = [];
  const backend = await createBackend({ kind: 'waldur', url: sandbox.url }, sandbox.token, {
    fetch: (req) => {
      urls.push(req.url);
      return fetch(req);
    },
  });
  const project = sandbox.store.projects.find((p) => sandbox.store.volumes.filter((v) => v.project_uuid === p.uuid).length >= 5)!;
  const scope: Scope = { id: project.uuid, kind: 'project', name: project.name };
  const all = await backend.listVolumes(scope);
  const word = all[0]!.name.slice(0, 3).toUpperCase();
  const filter: VolumeFilter = { name: word, status: ['in-use'] };
  const expected = all.filter((v) => matchesFilter(v, filter)).map((v) => v.id);
  urls.length = 0;
  const got = await backend.listVolumes(scope, undefined, filter);
  assert.deepEqual(got.map((v) => v.id), expected);
  const query = new URL(urls[0]!).searchParams;
  assert.equal(query.get('name'), word);
  assert.equal(query.get('runtime_state'), 'in-use');
  // Type and size are not Waldur filters: sent as nothing, checked on the rows.
  urls.length = 0;
  const typed = await backend.listVolumes(scope, undefined, { type: all[0]!.typeName, minGiB: 1 });
  assert.deepEqual(typed.map((v) => v.id), all.filter((v) => v.typeName === all[0]!.typeName && (v.sizeMiB ?? 0) >= 1024).map((v) => v.id));
  assert.equal(new URL(urls[0]!).searchParams.get('name'), null);
});
