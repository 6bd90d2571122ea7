import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox';
import {
  HIDDEN_VALUE, canonicalUuid, createBackend, canonicalWebUrl, guessWebUrl, parseLocator, rawDocument, validateWebUrl, waldurUuid, webPage, withoutSecrets,
} from '../../src/core/index';

const ID = '5da8ce0e-f0b5-4e5a-a611-5d9d5058658d';
const HEX = ID.replace(/-/g, '');

test('ids: dashed (Cinder) and 32 hex digits (Waldur), either case, are the same id', () => {
  assert.equal(canonicalUuid(ID.toUpperCase()), ID);
  assert.equal(canonicalUuid(HEX), ID);
  assert.equal(waldurUuid(ID), HEX);
  assert.equal(canonicalUuid('5da8ce0e'), undefined);
  assert.deepEqual(parseLocator(`  ${HEX}\n`), { located: { id: ID } });
  assert.deepEqual(parseLocator(`"${ID}"`), { located: { id: ID } }, 'quotes around a pasted id');
});

test('URLs: Waldur API, HomePort, Horizon (project and admin, old and new snapshot paths), Cinder API', () => {
  const cases: Array<[string, object]> = [
    [`https://waldur.example.com/api/openstack-volumes/${HEX}/`, { id: ID, kind: 'volume', host: 'waldur.example.com' }],
    [`https://waldur.example.com/api/openstack-snapshots/${HEX}/restore/`, { id: ID, kind: 'snapshot', host: 'waldur.example.com' }],
    [`https://homeport.example.com/resource-details/${HEX}/?tab=volumes`, { id: ID, marketplace: true, host: 'homeport.example.com' }],
    [`https://homeport.example.com/organizations/${HEX.replace('5', '6')}/resource-details/${HEX}/`, { id: ID, marketplace: true, host: 'homeport.example.com' }],
    [`https://homeport.example.com/resource-details/abcdefab0123456789abcdef01234567/?tab=volumes&object=${HEX}`, { id: ID, host: 'homeport.example.com' }],
    [`https://cloud.example.com/dashboard/project/volumes/${ID}/`, { id: ID, kind: 'volume', host: 'cloud.example.com' }],
    [`https://cloud.example.com/dashboard/admin/volumes/${ID}/?tab=volume_details__overview`, { id: ID, kind: 'volume', host: 'cloud.example.com' }],
    [`https://cloud.example.com/dashboard/project/snapshots/${ID}/`, { id: ID, kind: 'snapshot', host: 'cloud.example.com' }],
    [`https://cloud.example.com/dashboard/project/volumes/snapshots/${ID}/`, { id: ID, kind: 'snapshot', host: 'cloud.example.com' }],
    [`https://cinder.example.com:8776/v3/0123456789abcdef0123456789abcdef/volumes/${ID}`, { id: ID, kind: 'volume', host: 'cinder.example.com:8776' }],
    [`https://cinder.example.com:8776/v3/0123456789abcdef0123456789abcdef/snapshots/${ID}/action`, { id: ID, kind: 'snapshot', host: 'cinder.example.com:8776' }],
  ];
  for (const [input, located] of cases) assert.deepEqual(parseLocator(input), { located }, input);
});

test('garbage is refused with a message that says what is accepted', () => {
  for (const input of ['', '   ', 'data-01', 'ftp://x.example/volumes/' + ID, 'https://cloud.example.com/dashboard/project/volumes/', 'https://x.example/v3/abc/volumes/detail', '5da8ce0e-f0b5-4e5a-a611']) {
    const r = parseLocator(input);
    assert.ok(r.error, `refused: ${input}`);
    assert.match(r.error, /Paste a volume or snapshot id \(UUID\), or a HomePort, Horizon, Waldur API or Cinder API URL of one\./);
  }
  assert.match(parseLocator('data-01').error!, /^"data-01" is neither an id nor a URL/);
});

test('Open as JSON: the record as returned, secrets taken out at any depth', () => {
  const record = {
    uuid: HEX, name: 'vm', user_data: '#cloud-config\npassword: hunter2', adminPass: 'x', nested: [{ auth_token: 'abc', ok: 1 }],
    metadata: { db_password: 'p', note: 'hello' }, empty_secret: '', can_manage: true,
  };
  const clean = withoutSecrets(record) as typeof record;
  assert.equal(clean.user_data, HIDDEN_VALUE);
  assert.equal(clean.adminPass, HIDDEN_VALUE);
  assert.equal(clean.nested[0]!.auth_token, HIDDEN_VALUE);
  assert.equal(clean.nested[0]!.ok, 1);
  assert.equal(clean.metadata.db_password, HIDDEN_VALUE);
  assert.equal(clean.metadata.note, 'hello');
  assert.equal(clean.empty_secret, '', 'nothing to hide in an empty value');
  assert.equal(record.user_data.includes('hunter2'), true, 'the input is not changed');
  const text = rawDocument(record);
  assert.ok(!text.includes('hunter2') && !text.includes('"abc"'));
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text).uuid, HEX);
});

test('Open in Browser: console guesses, checks, and pages', () => {
  assert.equal(guessWebUrl('waldur', 'https://waldur.example.com/api/'), 'https://waldur.example.com/');
  assert.equal(guessWebUrl('waldur', 'https://example.com/waldur/api'), 'https://example.com/waldur/');
  assert.equal(guessWebUrl('openstack', 'https://keystone.example.com:5000/v3'), 'https://keystone.example.com/dashboard/');
  assert.equal(guessWebUrl('openstack', 'not a url'), undefined);
  assert.equal(validateWebUrl('https://cloud.example.com/horizon'), undefined);
  assert.match(validateWebUrl('http://cloud.example.com/')!, /https/);
  assert.equal(validateWebUrl('http://127.0.0.1:8080/'), undefined);
  assert.match(validateWebUrl('https://u:p@cloud.example.com/')!, /credentials/);
  assert.match(validateWebUrl('javascript:alert(1)')!, /https/);
  assert.equal(canonicalWebUrl('https://cloud.example.com/horizon//'), 'https://cloud.example.com/horizon/');
  assert.equal(webPage('https://cloud.example.com/horizon', 'project', 'volumes', ID), `https://cloud.example.com/horizon/project/volumes/${ID}/`);
  assert.equal(webPage('https://h.example/', 'resource-details', '../x?y'), 'https://h.example/resource-details/..%2Fx%3Fy/', 'an id can\'t leave its path segment');
});

test('Go to Resource of a HomePort page: the Waldur backend finds the volume behind the marketplace resource', async () => {
  const sandbox = await startSandbox({ transitionMs: 10 });
  try {
    const backend = await createBackend({ kind: 'waldur', url: sandbox.url }, sandbox.token);
    const v = sandbox.store.volumes.find((x) => x.marketplace_resource_uuid)!;
    assert.deepEqual(await backend.resolveMarketplaceResource!(v.marketplace_resource_uuid!), { kind: 'volume', id: v.uuid });
    await assert.rejects(backend.resolveMarketplaceResource!('0'.repeat(32)), (err: { isNotFound?: boolean }) => err.isNotFound === true);
  } finally {
    await sandbox.close();
  }
});
