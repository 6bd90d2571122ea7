import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REGULAR_USER, STAFF_USER, startSandbox, type Sandbox } from '../../src/sandbox';
import { client, parseLink, waitFor } from './helpers/sandbox-client';

let sb: Sandbox;
let api: ReturnType<typeof client>;

before(async () => {
  sb = await startSandbox({ transitionMs: 30, seed: 7 });
  api = client(sb);
});
after(() => sb.close());

const volumeByName = (name: string) => {
  const v = sb.store.volumes.find((x) => x.name === name);
  assert.ok(v, `seed volume ${name}`);
  return v;
};
const snapshotByName = (name: string) => {
  const s = sb.store.snapshots.find((x) => x.name === name);
  assert.ok(s, `seed snapshot ${name}`);
  return s;
};
const instanceByName = (name: string) => {
  const i = sb.store.instances.find((x) => x.name === name);
  assert.ok(i, `seed instance ${name}`);
  return i;
};
const volumePath = (uuid: string, action?: string) => `/api/openstack-volumes/${uuid}/${action ? `${action}/` : ''}`;
const waitForVolume = (uuid: string, state: string, timeoutMs = 2000) =>
  waitFor(async () => {
    const r = await api.get(volumePath(uuid));
    return r.body?.state === state ? r.body : undefined;
  }, timeoutMs, `volume ${uuid} in state ${state}`);

describe('seed', () => {
  test('has organizations, projects, varied volumes, snapshots, instances and types', () => {
    const { store } = sb;
    assert.ok(store.customers.length >= 2);
    assert.ok(store.projects.length >= 4);
    assert.ok(store.volumes.length >= 40);
    assert.ok(store.snapshots.length >= 20);
    const states = new Set(store.volumes.map((v) => v.state));
    for (const s of ['OK', 'Erred', 'Creating', 'Updating']) assert.ok(states.has(s as never), `a volume in state ${s}`);
    assert.ok(store.volumes.some((v) => v.bootable && v.device === '/dev/vda' && v.runtime_state === 'in-use'));
    assert.ok(store.volumes.some((v) => !v.bootable && v.device === '/dev/vdb'));
    assert.ok(store.volumes.filter((v) => v.state === 'Erred').every((v) => v.error_message.length > 0));
    assert.ok(store.volumes.every((v) => (v.size ?? 0) % 1024 === 0 && /^[0-9a-f]{32}$/.test(v.uuid) && v.url.startsWith(sb.url)));
    assert.ok(store.snapshots.some((s) => s.kept_until && Date.parse(s.kept_until) > Date.now()));
    assert.ok(store.snapshots.some((s) => s.kept_until === null));
    assert.ok(store.restorations.length >= 2);
    assert.ok(new Set(store.volumeTypes.map((t) => t.name)).size >= 3);
    assert.ok(store.instances.some((i) => i.runtime_state === 'ACTIVE') && store.instances.some((i) => i.runtime_state === 'SHUTOFF'));
  });

  test('is deterministic for a given seed', async () => {
    const other = await startSandbox({ seed: 7 });
    try {
      assert.deepEqual(
        other.store.volumes.map((v) => [v.uuid, v.name, v.size]),
        sb.store.volumes.map((v) => [v.uuid, v.name, v.size]),
      );
    } finally {
      await other.close();
    }
  });

  test('`volumes` adds generated volumes spread over projects', async () => {
    const big = await startSandbox({ volumes: 120 });
    try {
      assert.equal(big.store.volumes.length, sb.store.volumes.length + 120);
      const projects = new Set(big.store.volumes.slice(-120).map((v) => v.project_uuid));
      assert.ok(projects.size >= 4);
    } finally {
      await big.close();
    }
  });
});

describe('authentication', () => {
  test('401 without credentials', async () => {
    const res = await fetch(`${sb.url}/api/openstack-volumes/`);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { detail: 'Authentication credentials were not provided.' });
  });

  test('401 with a bad token', async () => {
    const res = await client(sb, 'not-a-token').get('/api/users/me/');
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { detail: 'Invalid token.' });
  });

  test('users/me for the staff and the regular token', async () => {
    const me = await api.get('/api/users/me/');
    assert.equal(me.status, 200);
    assert.equal(me.body.username, STAFF_USER.username);
    assert.equal(me.body.full_name, STAFF_USER.full_name);
    assert.equal(me.body.is_staff, true);
    assert.ok(Date.parse(me.body.token_expires_at) > Date.now());
    const regular = await client(sb, sb.userToken).get('/api/users/me/');
    assert.equal(regular.body.username, REGULAR_USER.username);
    assert.equal(regular.body.is_staff, false);
  });

  test('counts every request', async () => {
    const before = sb.requestCount;
    await fetch(`${sb.url}/api/customers/`);
    await api.get('/api/customers/');
    assert.equal(sb.requestCount, before + 2);
  });
});

describe('errors', () => {
  test('404 for unknown uuids and paths', async () => {
    assert.deepEqual((await api.get(volumePath('0123456789abcdef0123456789abcdef'))).body, { detail: 'Not found.' });
    assert.equal((await api.get('/api/no-such-thing/')).status, 404);
    assert.equal((await api.get('/api/openstack-volumes')).status, 404);
    const v = volumeByName('cmip6-archive');
    assert.equal((await api.post(volumePath(v.uuid, 'frobnicate'))).status, 404);
  });

  test('405 for POST and DELETE on a volume', async () => {
    const v = volumeByName('cmip6-archive');
    for (const method of ['POST', 'DELETE']) {
      const res = await api.call(method, volumePath(v.uuid), method === 'POST' ? {} : undefined);
      assert.equal(res.status, 405, method);
      assert.deepEqual(res.body, { detail: `Method "${method}" not allowed.` });
      assert.match(res.headers.get('allow') ?? '', /PATCH/);
    }
    assert.equal((await api.get(volumePath(v.uuid, 'extend'))).status, 405);
    assert.equal((await api.post('/api/openstack-volumes/', { name: 'x' })).status, 405);
  });

  test('400 for malformed JSON', async () => {
    const v = volumeByName('cmip6-archive');
    const res = await fetch(`${sb.url}${volumePath(v.uuid, 'extend')}`, { method: 'POST', headers: { Authorization: `Token ${sb.token}`, 'Content-Type': 'application/json' }, body: '{nope' });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { detail: string }).detail, /JSON parse error/);
  });
});

describe('paging', () => {
  test('default page size, X-Result-Count and Link', async () => {
    const res = await api.get('/api/openstack-volumes/');
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body));
    assert.equal(res.body.length, 10);
    assert.equal(res.headers.get('x-result-count'), String(sb.store.volumes.length));
    const links = parseLink(res.headers.get('link'));
    assert.deepEqual(Object.keys(links).sort(), ['first', 'last', 'next']);
    assert.equal(links.first, `${sb.url}/api/openstack-volumes/`);
    assert.equal(links.next, `${sb.url}/api/openstack-volumes/?page=2`);
    assert.equal(links.last, `${sb.url}/api/openstack-volumes/?page=${Math.ceil(sb.store.volumes.length / 10)}`);
  });

  test('a middle page keeps the other query parameters in every link', async () => {
    const res = await api.get('/api/openstack-volumes/?page_size=5&page=3&o=name&field=name&field=uuid');
    assert.equal(res.body.length, 5);
    const links = parseLink(res.headers.get('link'));
    assert.deepEqual(Object.keys(links), ['first', 'prev', 'next', 'last']);
    for (const url of Object.values(links)) {
      const u = new URL(url);
      assert.equal(u.searchParams.get('page_size'), '5');
      assert.equal(u.searchParams.get('o'), 'name');
      assert.deepEqual(u.searchParams.getAll('field'), ['name', 'uuid']);
    }
    assert.equal(new URL(links.prev ?? '').searchParams.get('page'), '2');
    assert.equal(new URL(links.next ?? '').searchParams.get('page'), '4');
    const all = [...sb.store.volumes].map((v) => v.name).sort((a, b) => a.localeCompare(b));
    assert.deepEqual(res.body.map((v: { name: string }) => v.name), all.slice(10, 15));
  });

  test('following next links visits every record once', async () => {
    let url: string | undefined = `${sb.url}/api/openstack-snapshots/?page_size=7`;
    const seen: string[] = [];
    while (url) {
      const res = await api.get(url);
      seen.push(...res.body.map((s: { uuid: string }) => s.uuid));
      url = parseLink(res.headers.get('link')).next;
    }
    assert.equal(seen.length, sb.store.snapshots.length);
    assert.equal(new Set(seen).size, seen.length);
  });

  test('page_size is capped at 300; invalid sizes fall back to 10; bad pages are 404', async () => {
    const big = await startSandbox({ volumes: 400 });
    try {
      const c = client(big);
      const res = await c.get('/api/openstack-volumes/?page_size=1000');
      assert.equal(res.body.length, 300);
      assert.equal(res.headers.get('x-result-count'), String(big.store.volumes.length));
      assert.equal((await c.get('/api/openstack-volumes/?page_size=abc')).body.length, 10);
      assert.equal((await c.get('/api/openstack-volumes/?page_size=0')).body.length, 10);
      assert.equal((await c.get('/api/openstack-volumes/?page=999')).status, 404);
      assert.deepEqual((await c.get('/api/openstack-volumes/?page=zero')).body, { detail: 'Invalid page.' });
    } finally {
      await big.close();
    }
  });

  test('HEAD returns only the count', async () => {
    const res = await fetch(`${sb.url}/api/openstack-volumes/?state=ERRED`, { method: 'HEAD', headers: { Authorization: `Token ${sb.token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-result-count'), String(sb.store.volumes.filter((v) => v.state === 'Erred').length));
    assert.equal(await res.text(), '');
  });
});

describe('sparse fields', () => {
  test('returns only the requested fields, ignoring unknown ones', async () => {
    const res = await api.get('/api/openstack-volumes/?field=uuid&field=name&field=bogus');
    for (const v of res.body) assert.deepEqual(Object.keys(v).sort(), ['name', 'uuid']);
  });

  test('all fields when none is valid', async () => {
    const res = await api.get('/api/openstack-volumes/?field=bogus&page_size=1');
    assert.ok(Object.keys(res.body[0]).length > 40);
    assert.ok(!Object.keys(res.body[0]).some((k) => k.startsWith('_')));
  });

  test('works on detail views too', async () => {
    const v = volumeByName('cmip6-archive');
    assert.deepEqual((await api.get(`${volumePath(v.uuid)}?field=size&field=state`)).body, { size: v.size, state: 'OK' });
  });
});

describe('filters', () => {
  const names = (body: Array<{ name: string }>) => body.map((x) => x.name).sort();

  test('project, customer and tenant', async () => {
    const project = sb.store.projects.find((p) => p.name === 'Genomics Pipeline');
    assert.ok(project);
    const res = await api.get(`/api/openstack-volumes/?project_uuid=${project.uuid}&page_size=300`);
    assert.deepEqual(names(res.body), names(sb.store.volumes.filter((v) => v.project_uuid === project.uuid)));
    const customer = sb.store.customers[1];
    assert.ok(customer);
    const byCustomer = await api.get(`/api/openstack-volumes/?customer_uuid=${customer.uuid}&page_size=300`);
    assert.ok(byCustomer.body.length > 0 && byCustomer.body.every((v: { customer_uuid: string }) => v.customer_uuid === customer.uuid));
    const projects = await api.get(`/api/projects/?customer_uuid=${customer.uuid}`);
    assert.ok(projects.body.length >= 2 && projects.body.every((p: { customer_uuid: string }) => p.customer_uuid === customer.uuid));
    const tenant = sb.store.tenants[0];
    assert.ok(tenant);
    const types = await api.get(`/api/openstack-volume-types/?tenant_uuid=${tenant.uuid}`);
    assert.deepEqual(names(types.body), ['hdd', 'nvme', 'ssd']);
  });

  test('state accepts enum names and display strings, repeated', async () => {
    const erred = await api.get('/api/openstack-volumes/?state=ERRED');
    assert.ok(erred.body.length >= 2 && erred.body.every((v: { state: string }) => v.state === 'Erred'));
    const both = await api.get('/api/openstack-volumes/?state=ERRED&state=CREATING&page_size=300');
    assert.deepEqual(new Set(both.body.map((v: { state: string }) => v.state)), new Set(['Erred', 'Creating']));
    assert.equal((await api.get('/api/openstack-volumes/?state=Erred')).body.length, erred.body.length);
    const bad = await api.get('/api/openstack-volumes/?state=SLEEPING');
    assert.equal(bad.status, 400);
    assert.ok(bad.body.state);
  });

  test('name (icontains), name_exact, runtime_state, uuid and bad uuids', async () => {
    assert.deepEqual(names((await api.get('/api/openstack-volumes/?name=SEQUENCING')).body), ['sequencing-run-0412', 'sequencing-run-0419']);
    assert.deepEqual(names((await api.get('/api/openstack-volumes/?name_exact=bam-archive')).body), ['bam-archive']);
    const extending = await api.get('/api/openstack-volumes/?runtime_state=extending');
    assert.deepEqual(names(extending.body), ['variant-db']);
    const v = volumeByName('pdb-mirror');
    assert.deepEqual(names((await api.get(`/api/openstack-volumes/?uuid=${v.uuid}`)).body), ['pdb-mirror']);
    const bad = await api.get('/api/openstack-volumes/?project_uuid=nope');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { project_uuid: ['Enter a valid UUID.'] });
  });

  test('instance_uuid lists the volumes attached to an instance', async () => {
    const instance = instanceByName('wrf-compute-01');
    const res = await api.get(`/api/openstack-volumes/?instance_uuid=${instance.uuid}`);
    assert.deepEqual(names(res.body), ['wrf-compute-01-system', 'wrf-input-data', 'wrf-output']);
  });

  test('ordering with o=', async () => {
    const res = await api.get('/api/openstack-volumes/?o=-size&page_size=300');
    const sizes = res.body.map((v: { size: number }) => v.size);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a));
  });

  test('snapshots by source volume', async () => {
    const v = volumeByName('reference-genomes');
    const res = await api.get(`/api/openstack-snapshots/?source_volume_uuid=${v.uuid}`);
    assert.deepEqual(names(res.body), ['reference-genomes-grch38', 'reference-genomes-t2t']);
  });

  test('attach_volume_uuid lists instances of the same tenant, project and zone that are ACTIVE or SHUTOFF', async () => {
    const free = volumeByName('wrf-run-2023-archive'); // climate project, zone nova-b
    const res = await api.get(`/api/openstack-instances/?attach_volume_uuid=${free.uuid}`);
    assert.deepEqual(names(res.body), ['climate-jupyter', 'era5-postproc']);
    const reverse = await api.get(`/api/openstack-volumes/?attach_instance_uuid=${instanceByName('era5-postproc').uuid}&state=OK`);
    assert.ok(reverse.body.some((v: { name: string }) => v.name === 'wrf-run-2023-archive'));
    assert.ok(!reverse.body.some((v: { name: string }) => v.name === 'cmip6-archive')); // zone nova
  });

  test('instances carry their attached volumes', async () => {
    const res = await api.get(`/api/openstack-instances/${instanceByName('alphafold-gpu-01').uuid}/`);
    assert.deepEqual(
      res.body.volumes.map((v: { name: string; device: string }) => `${v.device} ${v.name}`),
      ['/dev/vda alphafold-gpu-01-system', '/dev/vdb alphafold-params', '/dev/vdc msa-databases'],
    );
  });
});

describe('editing', () => {
  test('400 field errors', async () => {
    const v = volumeByName('trino-spill');
    const long = await api.patch(volumePath(v.uuid), { name: 'x'.repeat(151) });
    assert.equal(long.status, 400);
    assert.deepEqual(long.body, { name: ['Ensure this field has no more than 150 characters.'] });
    const put = await api.put(volumePath(v.uuid), { description: 'no name' });
    assert.deepEqual(put.body, { name: ['This field is required.'] });
    const bool = await api.patch(volumePath(v.uuid), { bootable: 'perhaps' });
    assert.deepEqual(bool.body, { bootable: ['Must be a valid boolean.'] });
  });

  test('PATCH updates and cycles through Update Scheduled back to OK', async () => {
    const v = volumeByName('trino-spill');
    const res = await api.patch(volumePath(v.uuid), { name: 'trino-spill-2', description: 'Spill space for Trino workers' });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'trino-spill-2');
    assert.equal(res.body.state, 'Update Scheduled');
    const done = await waitForVolume(v.uuid, 'OK');
    assert.equal(done.description, 'Spill space for Trino workers');
    assert.equal(done.runtime_state, 'available');
  });

  test('409 when the volume is not OK', async () => {
    const v = volumeByName('model-outputs-q3'); // stuck in Creating
    const res = await api.patch(volumePath(v.uuid), { name: 'renamed' });
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /Creating/);
  });
});

describe('volume actions', () => {
  test('extend: body errors, state rules, quota, then Update Scheduled → Updating/extending → OK', async () => {
    const v = volumeByName('parquet-landing');
    assert.deepEqual((await api.post(volumePath(v.uuid, 'extend'), {})).body, { disk_size: ['This field is required.'] });
    assert.deepEqual((await api.post(volumePath(v.uuid, 'extend'), { disk_size: 'big' })).body, { disk_size: ['A valid integer is required.'] });
    const small = await api.post(volumePath(v.uuid, 'extend'), { disk_size: v.size });
    assert.equal(small.status, 400);
    assert.match(small.body.disk_size[0], new RegExp(`greater than ${v.size} MiB`));
    const quota = await api.post(volumePath(v.uuid, 'extend'), { disk_size: 100 * 1024 * 1024 });
    assert.equal(quota.status, 400);
    assert.match(quota.body.disk_size[0], /quota/i);

    const target = (v.size ?? 0) + 10 * 1024;
    const res = await api.post(volumePath(v.uuid, 'extend'), { disk_size: target });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { status: 'extend was scheduled' });
    assert.equal((await api.get(volumePath(v.uuid))).body.state, 'Update Scheduled');
    const updating = await waitForVolume(v.uuid, 'Updating');
    assert.equal(updating.runtime_state, 'extending');
    const done = await waitForVolume(v.uuid, 'OK');
    assert.equal(done.size, target);
    assert.equal(done.runtime_state, 'available');
    assert.equal(done.error_message, '');
  });

  test('extend of a volume attached to a running instance or of a system volume is 409', async () => {
    const attached = volumeByName('wrf-scratch'); // on ACTIVE wrf-compute-02
    const res = await api.post(volumePath(attached.uuid, 'extend'), { disk_size: (attached.size ?? 0) + 1024 });
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /SHUTOFF/);
    const system = volumeByName('era5-postproc-system');
    assert.equal((await api.post(volumePath(system.uuid, 'extend'), { disk_size: (system.size ?? 0) + 1024 })).status, 409);
  });

  test('attach then detach', async () => {
    const v = volumeByName('wrf-run-2023-archive');
    const instance = instanceByName('era5-postproc');
    assert.deepEqual((await api.post(volumePath(v.uuid, 'attach'), {})).body, { instance: ['This field is required.'] });
    const missing = await api.post(volumePath(v.uuid, 'attach'), { instance: `${sb.url}/api/openstack-instances/0123456789abcdef0123456789abcdef/` });
    assert.deepEqual(missing.body, { instance: ['Invalid hyperlink - Object does not exist.'] });
    const wrongZone = await api.post(volumePath(v.uuid, 'attach'), { instance: instanceByName('wrf-compute-01').url });
    assert.equal(wrongZone.status, 400);

    const res = await api.post(volumePath(v.uuid, 'attach'), { instance: instance.url });
    assert.equal(res.status, 202);
    const updating = await waitForVolume(v.uuid, 'Updating');
    assert.equal(updating.runtime_state, 'attaching');
    const attached = await waitForVolume(v.uuid, 'OK');
    assert.equal(attached.runtime_state, 'in-use');
    assert.equal(attached.instance, instance.url);
    assert.equal(attached.instance_name, 'era5-postproc');
    assert.equal(attached.device, '/dev/vdc'); // vda system, vdb era5-cache
    assert.equal(attached.instance_marketplace_uuid, instance.marketplace_resource_uuid);

    assert.equal((await api.post(volumePath(v.uuid, 'attach'), { instance: instance.url })).status, 409);

    assert.equal((await api.post(volumePath(v.uuid, 'detach'))).status, 202);
    const detaching = await waitForVolume(v.uuid, 'Updating');
    assert.equal(detaching.runtime_state, 'detaching');
    const detached = await waitForVolume(v.uuid, 'OK');
    assert.equal(detached.runtime_state, 'available');
    assert.equal(detached.instance, null);
    assert.equal(detached.device, '');
    assert.ok(!('instance_marketplace_uuid' in detached));
  });

  test('detach of a system volume is 409', async () => {
    const res = await api.post(volumePath(volumeByName('nextflow-head-system').uuid, 'detach'));
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /system/i);
  });

  test('retype', async () => {
    const v = volumeByName('colabfold-cache');
    const types = sb.store.volumeTypes.filter((t) => t._tenant_uuid === v.tenant_uuid);
    const same = types.find((t) => t.url === v.type);
    const other = types.find((t) => t.name === 'nvme');
    assert.ok(same && other);
    assert.equal((await api.post(volumePath(v.uuid, 'retype'), { type: same.url })).status, 400);
    const foreign = sb.store.volumeTypes.find((t) => t._tenant_uuid !== v.tenant_uuid);
    assert.ok(foreign);
    assert.equal((await api.post(volumePath(v.uuid, 'retype'), { type: foreign.url })).status, 400);
    assert.deepEqual((await api.post(volumePath(v.uuid, 'retype'), { type: 'http://elsewhere/x/' })).body, { type: ['Invalid hyperlink - No URL match.'] });
    assert.equal((await api.post(volumePath(v.uuid, 'retype'), { type: other.url })).status, 202);
    assert.equal((await waitForVolume(v.uuid, 'Updating')).runtime_state, 'retyping');
    const done = await waitForVolume(v.uuid, 'OK');
    assert.equal(done.type, other.url);
    assert.equal(done.type_name, 'nvme');
  });

  test('a volume named *fail* goes to Erred with an error message', async () => {
    const v = volumeByName('qc-fail-demo');
    const sizeBefore = v.size;
    assert.equal((await api.post(volumePath(v.uuid, 'extend'), { disk_size: (v.size ?? 0) + 1024 })).status, 202);
    const erred = await waitForVolume(v.uuid, 'Erred');
    assert.equal(erred.runtime_state, 'error_extending');
    assert.ok(erred.error_message.length > 10);
    assert.ok(erred.error_traceback.split('\n').length > 3);
    assert.equal(erred.size, sizeBefore);
    assert.equal((await api.post(volumePath(v.uuid, 'extend'), { disk_size: (erred.size ?? 0) + 1024 })).status, 409);
    // staff can reset it
    assert.equal((await api.post(volumePath(v.uuid, 'set_ok'))).status, 200);
    assert.equal((await api.get(volumePath(v.uuid))).body.state, 'OK');
    assert.equal((await client(sb, sb.userToken).post(volumePath(v.uuid, 'set_erred'))).status, 403);
    assert.equal((await api.post(volumePath(v.uuid, 'set_erred'), { error_message: 'manual' })).status, 200);
    assert.equal((await api.get(volumePath(v.uuid))).body.error_message, 'manual');
    await api.post(volumePath(v.uuid, 'set_ok'));
  });

  test('pull: 202 when stable with a backend id, 409 otherwise', async () => {
    const v = volumeByName('legacy-nfs-export');
    const res = await api.post(volumePath(v.uuid, 'pull'));
    assert.equal(res.status, 202);
    assert.ok(res.body.detail);
    await waitForVolume(v.uuid, 'OK');
    const stuck = await api.post(volumePath(volumeByName('variant-db').uuid, 'pull'));
    assert.equal(stuck.status, 409);
    assert.ok(stuck.body.detail);
  });

  test('unlink: 403 for non-staff, 204 for staff', async () => {
    const v = volumeByName('sequencing-run-0419');
    assert.equal((await client(sb, sb.userToken).post(volumePath(v.uuid, 'unlink'))).status, 403);
    assert.equal((await api.post(volumePath(v.uuid, 'unlink'))).status, 204);
    assert.equal((await api.get(volumePath(v.uuid))).status, 404);
  });
});

describe('snapshots', () => {
  const snapPath = (uuid: string, action?: string) => `/api/openstack-snapshots/${uuid}/${action ? `${action}/` : ''}`;
  const waitForSnapshot = (uuid: string, state: string) =>
    waitFor(async () => {
      const r = await api.get(snapPath(uuid));
      return r.body?.state === state ? r.body : undefined;
    }, 2000, `snapshot in state ${state}`);

  test('snapshot action: 201 with the new snapshot, then OK', async () => {
    const v = volumeByName('cmip6-archive');
    assert.deepEqual((await api.post(volumePath(v.uuid, 'snapshot'), {})).body, { name: ['This field is required.'] });
    const bad = await api.post(volumePath(v.uuid, 'snapshot'), { name: 'x', kept_until: 'tomorrow' });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.kept_until);
    const res = await api.post(volumePath(v.uuid, 'snapshot'), { name: 'cmip6-before-cleanup', kept_until: '2030-01-01T00:00:00Z' });
    assert.equal(res.status, 201);
    assert.equal(res.body.name, 'cmip6-before-cleanup');
    assert.equal(res.body.state, 'Creation Scheduled');
    assert.equal(res.body.size, v.size);
    assert.equal(res.body.source_volume, v.url);
    assert.equal(Date.parse(res.body.kept_until), Date.parse('2030-01-01T00:00:00Z'));
    const ok = await waitForSnapshot(res.body.uuid, 'OK');
    assert.equal(ok.runtime_state, 'available');
  });

  test('a snapshot named *fail* errs', async () => {
    const v = volumeByName('cmip6-archive');
    const res = await api.post(volumePath(v.uuid, 'snapshot'), { name: 'will-fail' });
    const erred = await waitForSnapshot(res.body.uuid, 'Erred');
    assert.equal(erred.runtime_state, 'error');
    assert.ok(erred.error_message);
  });

  test('restore creates a new volume that becomes available', async () => {
    const s = snapshotByName('pdb-mirror-weekly');
    const source = volumeByName('pdb-mirror');
    assert.deepEqual((await api.post(snapPath(s.uuid, 'restore'), {})).body, { name: ['This field is required.'] });
    const res = await api.post(snapPath(s.uuid, 'restore'), { name: 'pdb-mirror-restored' });
    assert.equal(res.status, 201);
    const volume = res.body;
    assert.equal(volume.name, 'pdb-mirror-restored');
    assert.equal(volume.size, s.size);
    assert.equal(volume.type, source.type);
    assert.equal(volume.source_snapshot, s.url);
    assert.equal(volume.description, 'Restored from snapshot pdb-mirror-weekly');
    assert.equal(volume.state, 'Creation Scheduled');
    const creating = await waitForVolume(volume.uuid, 'Creating');
    assert.equal(creating.runtime_state, 'creating');
    const ok = await waitForVolume(volume.uuid, 'OK');
    assert.equal(ok.runtime_state, 'available');
    const restorations = await api.get(snapPath(s.uuid, 'restorations'));
    assert.equal(restorations.headers.get('x-result-count'), '1');
    assert.equal(restorations.body[0].volume, volume.url);
    assert.equal(restorations.body[0].volume_state, 'OK');
    const bySnapshot = await api.get(`/api/openstack-volumes/?snapshot_uuid=${s.uuid}`);
    assert.deepEqual(bySnapshot.body.map((x: { uuid: string }) => x.uuid), [volume.uuid]);
  });

  test('a restore named *fail* errs with error_restoring', async () => {
    const s = snapshotByName('colabfold-cache-clean');
    const res = await api.post(snapPath(s.uuid, 'restore'), { name: 'restore-fail-check', description: 'x' });
    assert.equal(res.status, 201);
    const erred = await waitForVolume(res.body.uuid, 'Erred');
    assert.equal(erred.runtime_state, 'error_restoring');
    assert.ok(erred.error_message);
  });

  test('edit a snapshot', async () => {
    const s = snapshotByName('etl-staging-daily');
    const res = await api.patch(snapPath(s.uuid), { description: 'Daily, kept longer', kept_until: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.kept_until, null);
    assert.deepEqual((await api.patch(snapPath(s.uuid), { name: '' })).body, { name: ['This field may not be blank.'] });
  });

  test('DELETE → 204, Deletion Scheduled, Deleting, gone', async () => {
    const s = snapshotByName('wrf-output-before-rerun');
    const res = await api.del(snapPath(s.uuid));
    assert.equal(res.status, 204);
    assert.equal((await api.get(snapPath(s.uuid))).body.state, 'Deletion Scheduled');
    await waitForSnapshot(s.uuid, 'Deleting');
    await waitFor(async () => (await api.get(snapPath(s.uuid))).status === 404, 2000, 'snapshot gone');
    assert.equal((await api.del(snapPath(s.uuid))).status, 404);
  });

  test('restore of a snapshot that is not OK is 409', async () => {
    const erred = sb.store.snapshots.find((x) => x.state === 'Erred' && x.name === 'bam-archive-2025-failed');
    assert.ok(erred);
    assert.equal((await api.post(snapPath(erred.uuid, 'restore'), { name: 'x' })).status, 409);
  });
});

describe('marketplace termination', () => {
  test('terminate → order executing → done, volume gone', async () => {
    const v = volumeByName('wrf-input-data-may-restore');
    const res = await api.post(`/api/marketplace-resources/${v.marketplace_resource_uuid}/terminate/`, {});
    assert.equal(res.status, 200);
    assert.match(res.body.order_uuid, /^[0-9a-f]{32}$/);
    const order = await api.get(`/api/marketplace-orders/${res.body.order_uuid}/`);
    assert.equal(order.body.state, 'executing');
    assert.equal(order.body.type, 'Terminate');
    assert.equal((await api.get(volumePath(v.uuid))).body.state, 'Deletion Scheduled');
    const deleting = await waitForVolume(v.uuid, 'Deleting');
    assert.equal(deleting.runtime_state, 'deleting');
    await waitFor(async () => (await api.get(volumePath(v.uuid))).status === 404, 2000, 'volume gone');
    assert.equal((await api.get(`/api/marketplace-orders/${res.body.order_uuid}/`)).body.state, 'done');
  });

  test('409 for attached or transitional volumes, 404 for unknown resources', async () => {
    const attached = volumeByName('minio-disk-1');
    assert.equal((await api.post(`/api/marketplace-resources/${attached.marketplace_resource_uuid}/terminate/`, {})).status, 409);
    const creating = volumeByName('model-outputs-q3');
    assert.equal((await api.post(`/api/marketplace-resources/${creating.marketplace_resource_uuid}/terminate/`, {})).status, 409);
    assert.equal((await api.post('/api/marketplace-resources/0123456789abcdef0123456789abcdef/terminate/', {})).status, 404);
  });

  test('an erred volume can be terminated', async () => {
    const v = volumeByName('scratch-restore-test');
    const res = await api.post(`/api/marketplace-resources/${v.marketplace_resource_uuid}/terminate/`, {});
    assert.equal(res.status, 200);
    await waitFor(async () => (await api.get(volumePath(v.uuid))).status === 404, 2000, 'volume gone');
  });
});

describe('latency', () => {
  test('delays responses without serialising concurrent requests', async () => {
    const slow = await startSandbox({ latencyMs: 150 });
    try {
      const c = client(slow);
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 5 }, () => c.get('/api/customers/')));
      const elapsed = Date.now() - started;
      assert.ok(results.every((r) => r.status === 200));
      assert.ok(elapsed >= 150, `elapsed ${elapsed}`);
      assert.ok(elapsed < 600, `requests overlapped (elapsed ${elapsed} ms)`);
    } finally {
      await slow.close();
    }
  });
});
