import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allowedSnapshotActions, allowedVolumeActions } from '../../src/model/actions';
import { contextValue, organizationNode, projectNode, snapshotNode, volumeNode } from '../../src/tree/nodes';
import { anOrganization, aProject, aSnapshot, aVolume } from './builders/models';

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

/** Commands a row's context menu offers (ignoring the staff-only key, checked separately). */
function offered(cv: string): Set<string> {
  return new Set(itemMenus.filter((m) => !m.when?.includes('volumeExplorer.isStaff') && viewItemRegex(m.when ?? '')?.test(cv)).map((m) => m.command));
}

const project = projectNode(aProject(), organizationNode(anOrganization()));
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
  for (const v of volumes) {
    const cv = contextValue(volumeNode(v, project));
    const expected = allowedVolumeActions(v, { isStaff: false }).map((a) => `volumeExplorer.${a}Volume`);
    const got = [...offered(cv)].filter((c) => /Volume$/.test(c));
    assert.deepEqual(got.sort(), expected.sort(), cv);
  }
});

test('snapshot menus offer exactly the actions the state allows', () => {
  const vn = volumeNode(aVolume(), project);
  for (const s of [aSnapshot(), aSnapshot({ backendId: 'b' }), aSnapshot({ state: 'ERRED', backendId: 'b' }), aSnapshot({ state: 'CREATING' })]) {
    const cv = contextValue(snapshotNode(s, vn));
    const expected = allowedSnapshotActions(s, { isStaff: false }).map((a) => `volumeExplorer.${a}Snapshot`);
    const got = [...offered(cv)].filter((c) => /Snapshot$/.test(c));
    assert.deepEqual(got.sort(), expected.sort(), cv);
  }
});

test('detach is not offered on a bootable volume, attach not on an in-use one', () => {
  const boot = offered(contextValue(volumeNode(volumes[2]!, project)));
  assert.ok(!boot.has('volumeExplorer.detachVolume'));
  assert.ok(!boot.has('volumeExplorer.attachVolume'));
  assert.ok(offered(contextValue(volumeNode(volumes[1]!, project))).has('volumeExplorer.detachVolume'));
});

test('unlink menus need the staff context key', () => {
  for (const kind of ['Volume', 'Snapshot']) {
    const menus = itemMenus.filter((m) => m.command === `volumeExplorer.unlink${kind}`);
    assert.ok(menus.length > 0);
    for (const m of menus) assert.match(m.when ?? '', /volumeExplorer\.isStaff/);
  }
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
