import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  childrenOrEmpty, contextValue, errorNode, organizationNode, present, projectNode, snapshotNode, volumeNode,
} from '../../src/tree/nodes';
import { uiText } from '../../src/util/escape';
import { anOrganization, aProject, aSnapshot, aVolume } from './builders/models';

const org = organizationNode(anOrganization());
const project = projectNode(aProject(), org);

test('volume row: name, size in GiB, runtime state, attached instance; icon by state', () => {
  const attached = present(volumeNode(aVolume({ runtimeState: 'in-use', instanceId: 'i1', instanceName: 'web-01', device: '/dev/vdb' }), project));
  assert.equal(attached.label, 'data-01');
  assert.equal(attached.description, '40 GiB · in-use · → web-01');
  assert.deepEqual(attached.icon, { id: 'database', color: 'charts.blue' });
  assert.equal(attached.collapsible, 'collapsed');

  const available = present(volumeNode(aVolume({ sizeMiB: 1536 }), project));
  assert.equal(available.description, '1.5 GiB · available');
  assert.deepEqual(available.icon, { id: 'database', color: 'charts.green' });

  const erred = present(volumeNode(aVolume({ state: 'ERRED', runtimeState: 'error', errorMessage: 'Quota exceeded' }), project));
  assert.deepEqual(erred.icon, { id: 'error', color: 'errorForeground' });
  assert.match(erred.tooltip!, /\*\*Error:\*\* Quota exceeded/);

  const busy = present(volumeNode(aVolume({ state: 'UPDATE_SCHEDULED', runtimeState: 'available' }), project));
  assert.equal(busy.icon.id, 'sync~spin');
  assert.equal(busy.description, '40 GiB · Update scheduled · available');
  assert.equal(present(volumeNode(aVolume({ runtimeState: 'extending' }), project)).icon.id, 'sync~spin');
});

test('snapshot row: name, size, created, kept until / kept forever', () => {
  const volume = volumeNode(aVolume(), project);
  const forever = present(snapshotNode(aSnapshot(), volume));
  assert.equal(forever.label, 'data-01-snapshot');
  assert.equal(forever.description, '10 GiB · 2026-03-01 · kept forever');
  assert.equal(forever.collapsible, 'none');
  const kept = present(snapshotNode(aSnapshot({ keptUntil: '2027-01-31T00:00:00Z' }), volume));
  assert.equal(kept.description, '10 GiB · 2026-03-01 · kept until 2027-01-31');
  assert.match(kept.tooltip!, /Kept until \| 2027\\-01\\-31 00:00 UTC/);
});

test('contextValue carries kind and states for menu when-clauses', () => {
  const cv = contextValue(volumeNode(aVolume({ runtimeState: 'in-use', instanceId: 'i1', bootable: true, backendId: 'b1' }), project));
  assert.equal(cv, 'volume;state=OK;runtime=in-use;bootable=true;attached=true;backend=true;busy=false;can=snapshot,edit,pull;');
  assert.match(cv, /^volume;(?=.*;runtime=in-use;)(?=.*;bootable=true;)/);
  const snap = contextValue(snapshotNode(aSnapshot({ state: 'ERRED' }), volumeNode(aVolume(), project)));
  assert.equal(snap, 'snapshot;state=ERRED;runtime=available;backend=false;busy=false;can=delete;');
  const forged = contextValue(volumeNode(aVolume({ state: 'ERRED', runtimeState: 'error;can=attach,delete;' }), project));
  assert.ok(!/can=attach/.test(forged), `API text can't add actions: ${forged}`);
  assert.equal(contextValue(errorNode(project, 'x')), 'message;error;');
});

test('hostile API text is escaped in tooltips and flattened in labels', () => {
  const hostile = aVolume({ name: '<img src=x onerror=alert(1)>', description: '[x](command:workbench.action.quit) **bold**', instanceName: 'a\nb' });
  const p = present(volumeNode(hostile, project));
  assert.equal(p.label, '<img src=x onerror=alert(1)>', 'labels are plain text, shown literally');
  assert.ok(!p.tooltip!.includes('<img'), p.tooltip);
  assert.ok(p.tooltip!.includes('&lt;img src=x onerror=alert\\(1\\)'), p.tooltip);
  assert.ok(p.tooltip!.includes('\\[x\\]\\(command:workbench\\.action\\.quit\\)'), p.tooltip);
  assert.ok(!/\[x\]\(command:/.test(p.tooltip!));
  assert.equal(p.description, '40 GiB · available · → a b');
});

test('failures and empty results are child nodes, never a blank view', () => {
  const err = present(errorNode(project, 'Could not reach w.example: ECONNREFUSED'));
  assert.equal(err.label, "Couldn't load volumes: Could not reach w.example: ECONNREFUSED");
  assert.equal(err.icon.id, 'warning');
  const [empty] = childrenOrEmpty(project, []);
  assert.equal(present(empty!).label, 'No volumes in this project');
  assert.equal(present(childrenOrEmpty(volumeNode(aVolume(), project), [])[0]!).label, 'No snapshots of this volume');
  assert.equal(present(childrenOrEmpty(undefined, [])[0]!).label, 'No organizations for this account');
});

test('node ids are unique per kind and stable across reloads', () => {
  const a = volumeNode(aVolume(), project);
  const b = volumeNode(aVolume(), project);
  assert.equal(a.id, b.id);
  assert.notEqual(a.id, snapshotNode(aSnapshot({ id: 'vol1' }), a).id);
  assert.notEqual(errorNode(project, 'x').id, childrenOrEmpty(project, [])[0]!.id);
});

test('uiText keeps notification links and status-bar icons inert, idempotently', () => {
  const hostile = '[x](command:workbench.action.quit) $(alert) evil';
  const safe = uiText(hostile);
  assert.ok(!/\]\(/.test(safe) && !/\$\(/.test(safe), safe);
  assert.equal(safe.replace(/\u200b/g, ''), hostile, 'reads the same');
  assert.equal(uiText(safe), safe);
});
