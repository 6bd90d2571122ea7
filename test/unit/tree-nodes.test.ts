import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refKey } from '../../src/core/index';
import {
  childrenOrEmpty, contextValue, errorNode, present, snapshotNode, volumeNode, type PresentContext,
} from '../../src/tree/nodes';
import { uiText } from '../../src/util/escape';
import { aConnectionNode, aProjectNode, aSnapshot, aVolume, member, waldur } from './builders/models';

const project = aProjectNode();
const pc: PresentContext = { backend: waldur, viewer: member };
const show = (n: Parameters<typeof present>[0]) => present(n, pc);
const volumes = { plural: 'volumes', where: 'in this project' };

test('volume row: name, size in GiB, status, attached instance; icon by status', () => {
  const attached = show(volumeNode(aVolume({ runtimeState: 'in-use', instanceId: 'i1', instanceName: 'web-01', device: '/dev/vdb' }), project));
  assert.equal(attached.label, 'data-01');
  assert.equal(attached.description, '40 GiB · in-use · → web-01');
  assert.deepEqual(attached.icon, { id: 'database', color: 'charts.blue' });
  assert.equal(attached.collapsible, 'collapsed');

  const available = show(volumeNode(aVolume({ sizeMiB: 1536 }), project));
  assert.equal(available.description, '1.5 GiB · available');
  assert.deepEqual(available.icon, { id: 'database', color: 'charts.green' });

  const erred = show(volumeNode(aVolume({ state: 'ERRED', runtimeState: 'error', errorMessage: 'Quota exceeded' }), project));
  assert.deepEqual(erred.icon, { id: 'error', color: 'errorForeground' });
  assert.match(erred.tooltip!, /\*\*Error:\*\* Quota exceeded/);
  assert.equal(erred.description, '40 GiB · Erred · error');

  const busy = show(volumeNode(aVolume({ state: 'UPDATE_SCHEDULED', runtimeState: 'available' }), project));
  assert.equal(busy.icon.id, 'sync~spin');
  assert.equal(busy.description, '40 GiB · Update scheduled · available');
  assert.equal(show(volumeNode(aVolume({ runtimeState: 'extending' }), project)).icon.id, 'sync~spin');
});

test('snapshot row: name, size, created, kept until / kept forever', () => {
  const volume = volumeNode(aVolume(), project);
  const forever = show(snapshotNode(aSnapshot(), volume));
  assert.equal(forever.label, 'data-01-snapshot');
  assert.equal(forever.description, '10 GiB · 2026-03-01 · kept forever');
  assert.equal(forever.collapsible, 'none');
  const kept = show(snapshotNode(aSnapshot({ keptUntil: '2027-01-31T00:00:00Z' }), volume));
  assert.equal(kept.description, '10 GiB · 2026-03-01 · kept until 2027-01-31');
  assert.match(kept.tooltip!, /Kept until \| 2027\\-01\\-31 00:00 UTC/);
  assert.equal(show(snapshotNode(aSnapshot({ state: 'CREATING' }), volume)).description, '10 GiB · Creating · 2026-03-01 · kept forever');
});

test('contextValue carries kind, status and the allowed actions for menu when-clauses', () => {
  const cv = contextValue(volumeNode(aVolume({ runtimeState: 'in-use', instanceId: 'i1', bootable: true, backendId: 'b1' }), project), pc);
  assert.equal(cv, 'volume;status=stable;attached=true;busy=false;can=snapshot,edit,pull;');
  const snap = contextValue(snapshotNode(aSnapshot({ state: 'ERRED' }), volumeNode(aVolume(), project)), pc);
  assert.equal(snap, 'snapshot;status=error;busy=false;can=delete;');
  const forged = contextValue(volumeNode(aVolume({ state: 'ERRED', runtimeState: 'error;can=attach,delete;' }), project), pc);
  assert.ok(!/can=attach/.test(forged), `API text can't add actions: ${forged}`);
  assert.equal(contextValue(errorNode(project, volumes, 'x'), pc), 'message;error;');
  assert.equal(contextValue(project, pc), 'scope;level=project;can=create;', 'Waldur creates volumes through marketplace orders');
  assert.equal(contextValue(aConnectionNode(), pc), 'connection;type=waldur;state=ready;readonly=false;');
});

test('a read-only connection offers no action on its rows', () => {
  const cv = contextValue(volumeNode(aVolume({ backendId: 'b', marketplaceResourceId: 'm' }), project), { backend: waldur, viewer: { isStaff: true, readOnly: true } });
  assert.match(cv, /;can=;$/);
});

test('the connection root row: label, who, read-only, a problem, kind icon', () => {
  const ok = show(aConnectionNode('c1', 'Production'));
  assert.equal(ok.label, 'Production');
  assert.equal(ok.description, 'alice @ waldur.example');
  assert.equal(ok.icon.id, 'cloud');
  const node = aConnectionNode();
  node.info = { ...node.info, state: 'unauthorized', problem: 'Token no longer accepted — Reconnect', readOnly: true };
  const bad = show(node);
  assert.equal(bad.description, 'Token no longer accepted — Reconnect · read-only');
  assert.equal(bad.icon.id, 'warning');
  assert.match(bad.contextValue, /state=unauthorized;readonly=true;/);
});

test('hostile API text is escaped in tooltips and flattened in labels', () => {
  const hostile = aVolume({ name: '<img src=x onerror=alert(1)>', description: '[x](command:workbench.action.quit) **bold**', instanceName: 'a\nb' });
  const p = show(volumeNode(hostile, project));
  assert.equal(p.label, '<img src=x onerror=alert(1)>', 'labels are plain text, shown literally');
  assert.ok(!p.tooltip!.includes('<img'), p.tooltip);
  assert.ok(p.tooltip!.includes('&lt;img src=x onerror=alert\\(1\\)'), p.tooltip);
  assert.ok(p.tooltip!.includes('\\[x\\]\\(command:workbench\\.action\\.quit\\)'), p.tooltip);
  assert.ok(!/\[x\]\(command:/.test(p.tooltip!));
  assert.equal(p.description, '40 GiB · available · → a b');
});

test('failures and empty results are child nodes, never a blank view', () => {
  const err = show(errorNode(project, volumes, 'Could not reach w.example: ECONNREFUSED'));
  assert.equal(err.label, "Couldn't load volumes: Could not reach w.example: ECONNREFUSED");
  assert.equal(err.icon.id, 'warning');
  const [empty] = childrenOrEmpty(project, volumes, []);
  assert.equal(show(empty!).label, 'No volumes in this project');
});

test('a scope row shows the count of what its last load found', () => {
  const p = aProjectNode();
  assert.equal(show(p).description, undefined);
  p.count = { n: 13, noun: 'volumes' };
  assert.equal(show(p).description, '13 volumes');
});

test('node ids are keys scoped by connection, unique per kind and stable across reloads', () => {
  const a = volumeNode(aVolume(), project);
  const b = volumeNode(aVolume(), project);
  assert.equal(a.id, b.id);
  assert.equal(a.id, refKey(a.ref));
  assert.notEqual(a.id, volumeNode(aVolume(), aProjectNode('c2')).id, 'the same volume id in another connection is another row');
  assert.notEqual(a.id, snapshotNode(aSnapshot({ id: 'vol1' }), a).id);
  assert.notEqual(errorNode(project, volumes, 'x').id, childrenOrEmpty(project, volumes, [])[0]!.id);
});

test('uiText keeps notification links and status-bar icons inert, idempotently', () => {
  const hostile = '[x](command:workbench.action.quit) $(alert) evil';
  const safe = uiText(hostile);
  assert.ok(!/\]\(/.test(safe) && !/\$\(/.test(safe), safe);
  assert.equal(safe.replace(/\u200c/g, ''), hostile, 'reads the same');
  assert.equal(uiText(safe), safe);
});
