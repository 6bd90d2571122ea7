import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox } from '../../../src/sandbox';
import { ref, type ResourceRef } from '../../../src/core/ref';
import type { DetailsModel, FieldRow, Section } from '../../../src/shared/protocol';
import { ScriptedUi, connectTo, eventually, extensionApi, panelTabs, removeAllConnections, startSandbox } from './helpers';

const field = (model: DetailsModel, heading: string, label: string): string | undefined => {
  const section = model.sections.find((s): s is Extract<Section, { type: 'fields' }> => s.type === 'fields' && s.heading === heading);
  return section?.fields.find((f: FieldRow) => f.label === label)?.value.text;
};
const table = (model: DetailsModel, heading: RegExp) =>
  model.sections.find((s): s is Extract<Section, { type: 'table' }> => s.type === 'table' && heading.test(s.heading));

suite('detail panels (real VS Code, local Waldur)', function () {
  this.timeout(90_000);
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;
  let connectionId: string;
  /** A resource of the suite's connection. */
  const r = (kind: 'volume' | 'snapshot', id: string): ResourceRef => ref(connectionId, kind, id);

  suiteSetup(async () => {
    api = await extensionApi();
    await removeAllConnections(api);
    sandbox = await startSandbox({ transitionMs: 100 });
    connectionId = (await connectTo(api, sandbox)).id;
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await removeAllConnections(api);
    await sandbox.close();
  });

  async function shown(kind: 'volume' | 'snapshot', id: string): Promise<DetailsModel> {
    return eventually(() => api.panels.get(r(kind, id))?.shown, `the ${kind} panel's data`);
  }

  test('a volume panel shows every section; opening it again reveals the same panel', async () => {
    const v = sandbox.store.volumes.find((x) => x.runtime_state === 'in-use' && x.state === 'OK' && !x.bootable && sandbox.store.snapshots.some((s) => s._source_volume_uuid === x.uuid));
    assert.ok(v, 'seed has an OK, in-use data volume with snapshots');
    await vscode.commands.executeCommand('volumeExplorer.showDetails', r('volume', v.uuid));
    const model = await shown('volume', v.uuid);
    assert.equal(model.name, v.name);
    assert.equal(model.connectionLabel, undefined, 'one connection: not named');
    assert.deepEqual(model.badges.map((b) => b.text), ['OK', 'in-use']);
    assert.equal(model.size, `${(v.size ?? 0) / 1024} GiB`);
    assert.equal(field(model, 'Overview', 'Type'), v.type_name);
    assert.equal(field(model, 'Overview', 'Project'), v.project_name);
    assert.equal(field(model, 'Overview', 'Organization'), v.customer_name);
    assert.equal(field(model, 'Attachment', 'Instance'), v.instance_name);
    assert.equal(field(model, 'Attachment', 'Device'), v.device);
    const snaps = table(model, /^Snapshots/);
    assert.ok(snaps && snaps.rows.length >= 1, 'its snapshots are listed');
    assert.ok(snaps.rows.every((r) => r.open?.kind === 'snapshot'), 'each snapshot row opens its panel');
    // In use and not bootable: no attach/retype/delete; unlink because the demo user is staff.
    assert.deepEqual(model.actions.map((a) => a.action), ['detach', 'extend', 'snapshot', 'edit', 'pull', 'unlink']);
    await eventually(() => panelTabs().join() === v.name, 'one tab titled with the volume name');

    await vscode.commands.executeCommand('volumeExplorer.showDetails', r('volume', v.uuid));
    assert.deepEqual(panelTabs(), [v.name], 'one panel per resource');
  });

  test('pressing Extend in the panel runs the command and the panel shows the job and the new size', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !x.bootable && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available data volume');
    await vscode.commands.executeCommand('volumeExplorer.showDetails', r('volume', v.uuid));
    const panel = api.panels.get(r('volume', v.uuid))!;
    await shown('volume', v.uuid);
    const newGiB = (v.size ?? 0) / 1024 + 5;
    const ui = new ScriptedUi();
    try {
      ui.inputs.push(String(newGiB));
      ui.confirms.push('Extend');
      await panel.onMessage({ type: 'action', action: 'extend' });
      await eventually(() => panel.jobShown?.running, 'the panel to show the running job');
      await eventually(() => panel.jobShown && !panel.jobShown.running, 'the job to end in the panel', 30_000);
      assert.match(panel.jobShown!.text, new RegExp(`is now ${newGiB} GiB`));
      await eventually(() => panel.shown?.size === `${newGiB} GiB`, 'the panel to show the new size');
    } finally {
      ui.dispose();
    }
  });

  test('an action the state does not allow is ignored, even if a message asks for it', async () => {
    const boot = sandbox.store.volumes.find((x) => x.bootable && x.runtime_state === 'in-use' && x.state === 'OK');
    assert.ok(boot, 'seed has an OK system volume');
    await vscode.commands.executeCommand('volumeExplorer.showDetails', r('volume', boot.uuid));
    const model = await shown('volume', boot.uuid);
    assert.ok(!model.actions.some((a) => a.action === 'detach'), 'no Detach button on a system volume');
    const before = sandbox.requestCount;
    await api.panels.get(r('volume', boot.uuid))!.onMessage({ type: 'action', action: 'detach' });
    assert.equal(sandbox.requestCount, before, 'nothing sent');
  });

  test('a snapshot panel lists restorations, and a restoration opens its volume', async () => {
    const restoration = sandbox.store.restorations[0];
    assert.ok(restoration, 'seed has a restoration');
    const snap = sandbox.store.snapshots.find((s) => s.uuid === restoration._snapshot_uuid);
    assert.ok(snap, 'seed has the restored snapshot');
    await vscode.commands.executeCommand('volumeExplorer.showDetails', r('snapshot', snap.uuid));
    const model = await shown('snapshot', snap.uuid);
    assert.equal(model.name, snap.name);
    const rows = table(model, /^Restorations/);
    assert.ok(rows && rows.rows.length >= 1, 'restorations are listed');
    const row = rows.rows.find((r) => r.open?.id === restoration._volume_uuid);
    assert.ok(row, 'the restoration row opens its volume');
    await api.panels.get(r('snapshot', snap.uuid))!.onMessage({ type: 'open', kind: 'volume', id: restoration._volume_uuid });
    const volume = await shown('volume', restoration._volume_uuid);
    assert.equal(volume.name, sandbox.store.volumes.find((x) => x.uuid === restoration._volume_uuid)!.name);
    await eventually(() => panelTabs().includes(volume.name), 'a tab for the restored volume');
  });

  test('hostile names stay text: the model carries them literally for the webview to render as text', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && !/fail/.test(x.name) && !api.panels.get(r('volume', x.uuid)));
    assert.ok(v, 'seed has an OK volume without an open panel');
    const hostile = '<img src=x onerror=alert(1)>[x](command:workbench.action.quit)';
    v.name = hostile;
    await vscode.commands.executeCommand('volumeExplorer.showDetails', r('volume', v.uuid));
    const model = await shown('volume', v.uuid);
    assert.equal(model.name, hostile);
    await eventually(() => panelTabs().includes(hostile), 'the tab title to show it literally');
  });

  test('a resource that disappears closes its panel with a note', async () => {
    const snap = sandbox.store.snapshots.find((s) => s.state === 'OK' && !sandbox.store.restorations.some((x) => x._snapshot_uuid === s.uuid));
    assert.ok(snap, 'seed has an OK snapshot without restorations');
    await vscode.commands.executeCommand('volumeExplorer.showDetails', r('snapshot', snap.uuid));
    const panel = api.panels.get(r('snapshot', snap.uuid))!;
    await shown('snapshot', snap.uuid);
    sandbox.store.snapshots = sandbox.store.snapshots.filter((s) => s !== snap);
    const ui = new ScriptedUi();
    try {
      await panel.refresh();
      await eventually(() => api.panels.get(r('snapshot', snap.uuid)) === undefined, 'the panel to close');
      assert.match([...ui.shown.info, ...ui.shown.warning].join('\n'), new RegExp(`${snap.name} no longer exists; its panel was closed`));
      await eventually(() => !panelTabs().includes(snap.name), 'its tab to close');
    } finally {
      ui.dispose();
    }
  });
  test('a refused token disables the panel\'s action buttons at once, with the reason; a pressed action does nothing; accepted again, they come back', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !x.bootable && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available data volume');
    await vscode.commands.executeCommand('volumeExplorer.showDetails', r('volume', v.uuid));
    const panel = api.panels.get(r('volume', v.uuid))!;
    await shown('volume', v.uuid);
    assert.equal(panel.shownToPage?.disconnected, undefined);
    assert.ok(panel.shownToPage!.actions.some((a) => a.action === 'extend'), 'Extend is offered while connected');
    const token = sandbox.users.staff.token;
    const staff = sandbox.store.users.find((u) => u._token === token)!;
    staff._token = 'revoked';
    const ui = new ScriptedUi();
    try {
      await panel.refresh();
      const c = api.context.connections.get(connectionId)!;
      await eventually(() => c.state === 'unauthorized', 'the connection to be marked unauthorized');
      const reason = await eventually(() => panel.shownToPage?.disconnected, 'the panel to show the connection is not usable');
      assert.match(reason, /is not connected \(Token no longer accepted — Reconnect\)\. Reconnect to act on this volume; what is shown may be out of date\./);
      assert.ok(panel.shownToPage!.actions.length > 0, 'the buttons stay in place (shown disabled by the page)');
      const requests = sandbox.requestCount;
      const prompts = ui.shown.prompts.length;
      await panel.onMessage({ type: 'action', action: 'extend' });
      assert.equal(ui.shown.prompts.length, prompts, 'no prompt opened');
      assert.equal(sandbox.requestCount, requests, 'nothing sent');
      staff._token = token;
      await panel.refresh();
      await eventually(() => c.state === 'ready', 'the connection to be accepted again');
      await eventually(() => panel.shownToPage?.disconnected === undefined, 'the buttons enabled again');
    } finally {
      staff._token = token;
      ui.dispose();
    }
  });
});
