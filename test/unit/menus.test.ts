import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allowedSnapshotActions, allowedVolumeActions, type Viewer } from '../../src/core/index';
import { contextValue, snapshotNode, volumeNode, type TreeNode } from '../../src/tree/nodes';
import { aConnectionNode, aProjectNode, aSnapshot, aVolume, member, staff, waldur } from './builders/models';

interface MenuItem { command: string; when?: string; group?: string }
const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string; title: string }>; menus: Record<string, MenuItem[]> };
};
const itemMenus = pkg.contributes.menus['view/item/context']!;

/** The `viewItem =~ /…/` regex of a when clause. */
function viewItemRegex(when: string): RegExp | undefined {
  const m = /viewItem =~ \/(.+?)\/(?: |$)/.exec(when);
  return m ? new RegExp(m[1]!) : undefined;
}

/** Commands a row's context menu offers. */
function offered(cv: string): Set<string> {
  return new Set(itemMenus.filter((m) => viewItemRegex(m.when ?? '')?.test(cv)).map((m) => m.command));
}
const cvOf = (node: TreeNode, viewer: Viewer = member): string => contextValue(node, { backend: waldur, viewer });

const project = aProjectNode();
const volumes = [
  aVolume(),
  aVolume({ runtimeState: 'in-use', instanceId: 'i1', instanceName: 'web-01', backendId: 'b', marketplaceResourceId: 'm' }),
  aVolume({ runtimeState: 'in-use', instanceId: 'i1', bootable: true, backendId: 'b' }),
  aVolume({ state: 'ERRED', runtimeState: 'error', backendId: 'b', marketplaceResourceId: 'm' }),
  aVolume({ state: 'UPDATE_SCHEDULED', runtimeState: 'available', backendId: 'b' }),
  aVolume({ runtimeState: 'extending' }),
  aVolume({ backendId: 'b', marketplaceResourceId: 'm' }),
];
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

test('volume menus offer exactly the actions the state allows (package.json when-clauses ↔ model/actions.ts)', () => {
  for (const viewer of [member, staff, { isStaff: true, readOnly: true }]) {
    for (const v of volumes) {
      const cv = cvOf(volumeNode(v, project), viewer);
      const expected = allowedVolumeActions(waldur, v, viewer).map((a) => `volumeExplorer.${a}Volume`);
      const got = [...offered(cv)].filter((c) => /Volume$/.test(c));
      assert.deepEqual(got.sort(), expected.sort(), cv);
    }
  }
});

test('snapshot menus offer exactly the actions the state allows', () => {
  const vn = volumeNode(aVolume(), project);
  for (const viewer of [member, staff, { isStaff: true, readOnly: true }]) {
    for (const s of [aSnapshot(), aSnapshot({ backendId: 'b' }), aSnapshot({ state: 'ERRED', backendId: 'b' }), aSnapshot({ state: 'CREATING' })]) {
      const cv = cvOf(snapshotNode(s, vn), viewer);
      const expected = allowedSnapshotActions(waldur, s, viewer).map((a) => `volumeExplorer.${a}Snapshot`);
      const got = [...offered(cv)].filter((c) => /Snapshot$/.test(c));
      assert.deepEqual(got.sort(), expected.sort(), cv);
    }
  }
});

test('detach is not offered on a bootable volume, attach not on an in-use one', () => {
  const boot = offered(cvOf(volumeNode(volumes[2]!, project)));
  assert.ok(!boot.has('volumeExplorer.detachVolume'));
  assert.ok(!boot.has('volumeExplorer.attachVolume'));
  assert.ok(offered(cvOf(volumeNode(volumes[1]!, project))).has('volumeExplorer.detachVolume'));
});

test('unlink is offered to staff only, and nothing on a read-only connection', () => {
  const v = volumeNode(volumes[0]!, project);
  assert.ok(!offered(cvOf(v, member)).has('volumeExplorer.unlinkVolume'));
  assert.ok(offered(cvOf(v, staff)).has('volumeExplorer.unlinkVolume'));
  const readOnly = [...offered(cvOf(v, { isStaff: true, readOnly: true }))].filter((c) => /(Volume|Snapshot)$/.test(c));
  assert.deepEqual(readOnly, [], 'no action at all');
  assert.ok(offered(cvOf(v, { isStaff: true, readOnly: true })).has('volumeExplorer.showDetails'), 'inspecting stays');
});

test('Create Volume is offered on a project row only where the backend can create and the connection is not read-only', () => {
  const creating = waldur;
  const p = aProjectNode();
  assert.ok(offered(cvOf(p)).has('volumeExplorer.createVolume'), 'Waldur creates through marketplace orders');
  const unable = { ...waldur, capabilities: { ...waldur.capabilities, createVolume: false } };
  assert.ok(!offered(contextValue(p, { backend: unable, viewer: member })).has('volumeExplorer.createVolume'), 'not where the backend cannot create');
  assert.ok(offered(contextValue(p, { backend: creating, viewer: member })).has('volumeExplorer.createVolume'));
  assert.ok(!offered(contextValue(p, { backend: creating, viewer: { isStaff: true, readOnly: true } })).has('volumeExplorer.createVolume'));
  assert.ok(!offered(contextValue(p.parent as TreeNode, { backend: creating, viewer: member })).has('volumeExplorer.createVolume'), 'not on an organization row');
});

test('connection rows: refresh, reconnect, rename, read-only toggle, disconnect', () => {
  const root = aConnectionNode();
  const ok = offered(cvOf(root));
  for (const c of ['refreshNode', 'reconnect', 'renameConnection', 'setReadOnly', 'disconnect']) assert.ok(ok.has(`volumeExplorer.${c}`), c);
  assert.ok(!ok.has('volumeExplorer.allowActions'));
  root.info = { ...root.info, readOnly: true, state: 'unauthorized' };
  const ro = offered(cvOf(root));
  assert.ok(ro.has('volumeExplorer.allowActions') && !ro.has('volumeExplorer.setReadOnly'));
  const inline = itemMenus.filter((m) => m.group?.startsWith('inline') && viewItemRegex(m.when ?? '')?.test(cvOf(root))).map((m) => m.command);
  assert.ok(inline.includes('volumeExplorer.reconnect'), 'an unauthorized root offers Reconnect inline');
});

test('every command in a menu is contributed with a title, and action commands are in the palette only when connected', () => {
  const titled = new Map(pkg.contributes.commands.map((c) => [c.command, c.title]));
  for (const items of Object.values(pkg.contributes.menus)) {
    for (const m of items) assert.ok(titled.has(m.command), `${m.command} is not contributed`);
  }
  const palette = new Map(pkg.contributes.menus.commandPalette!.map((m) => [m.command, m.when]));
  for (const a of ['attach', 'detach', 'extend', 'retype', 'snapshot', 'edit', 'pull', 'delete']) {
    assert.match(palette.get(`volumeExplorer.${a}Volume`) ?? '', /volumeExplorer\.connected/, a);
    assert.ok(titled.get(`volumeExplorer.${a}Volume`)?.includes('Volume') || a === 'snapshot', `${capitalize(a)} title names the kind`);
  }
});
