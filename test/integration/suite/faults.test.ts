import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox } from '../../../src/sandbox';
import type { Connection } from '../../../src/connections/manager';
import { HTML_502, isGet, isPost, startFaultProxy, startRecorder, type FaultProxy } from '../../unit/helpers/fault-proxy';
import { ScriptedUi, children, connectTo, eventually, extensionApi, jobsDone, projectRow, removeAllConnections, row, startSandbox } from './helpers';

/**
 * Faults as a person meets them, in a real VS Code: the local Waldur behind a misbehaving proxy on
 * loopback (test/unit/helpers/fault-proxy.ts). What the row and the notifications say, and what
 * went on the wire.
 */
suite('faults between VS Code and the server (real VS Code, fault proxy)', function () {
  this.timeout(90_000);
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;
  let proxy: FaultProxy;
  let connection: Connection;
  let ui: ScriptedUi;

  suiteSetup(async () => {
    api = await extensionApi();
    await removeAllConnections(api);
    sandbox = await startSandbox({ transitionMs: 100 });
    proxy = await startFaultProxy(sandbox.url, { lifetimeMs: 85_000 });
    connection = await connectTo(api, { url: proxy.url, token: sandbox.token } as Sandbox);
  });
  suiteTeardown(async () => {
    await removeAllConnections(api);
    await proxy.close();
    await sandbox.close();
  });
  setup(() => {
    proxy.rule = () => undefined;
    ui = new ScriptedUi();
  });
  teardown(() => ui.dispose());

  const projectId = () => sandbox.store.volumes.find((v) => v.state === 'OK' && v.runtime_state === 'available' && !/fail/.test(v.name))!.project_uuid;

  test('an HTML 502 from a proxy: three tries, then the row says it in words, no HTML; Retry loads the rows', async () => {
    const project = projectId();
    proxy.rule = (s) => (isGet('/api/openstack-volumes/')(s) ? { kind: 'answer', status: 502, headers: { 'Content-Type': 'text/html' }, body: HTML_502 } : undefined);
    const start = proxy.seen.length;
    const node = await projectRow(api, sandbox, project, connection.id);
    const [failure] = await children(api, node);
    const shown = row(api, failure!);
    assert.equal(shown.label, `Couldn't load volumes: ${new URL(proxy.url).host} answered 502 Bad Gateway (an HTML error page from a proxy) (3 tries)`);
    const tooltip = api.context.tree.getTreeItem(failure!).tooltip;
    assert.doesNotMatch(`${shown.label} ${shown.description} ${typeof tooltip === 'string' ? tooltip : tooltip?.value ?? ''}`, /<|nginx/);
    assert.equal(proxy.seen.slice(start).filter(isGet('/api/openstack-volumes/')).length, 3);

    proxy.rule = () => undefined;
    await vscode.commands.executeCommand('volumeExplorer.retry', failure);
    const rows = await eventually(async () => {
      const now = await children(api, node);
      return now.some((n) => n.kind === 'volume') && now;
    }, 'the volumes after Retry');
    assert.ok(rows.every((n) => n.kind === 'volume'));
  });

  test('an extend whose connection is reset after it was sent: one POST, an error that says it may have been applied, no "done"', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && !x.bootable && x.runtime_state === 'available' && !/fail/.test(x.name))!;
    const node = await projectRow(api, sandbox, v.project_uuid, connection.id);
    const volumeNode = (await children(api, node)).find((n) => n.kind === 'volume' && n.volume.id === v.uuid)!;
    proxy.rule = (s) => (isPost('/api/openstack-volumes/')(s) ? { kind: 'reset' } : undefined);
    const start = proxy.seen.length;
    ui.inputs.push(String((v.size ?? 0) / 1024 + 1));
    ui.confirms.push('Extend');
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', volumeNode);
    await jobsDone(api);
    assert.equal(proxy.seen.slice(start).filter(isPost('/api/openstack-volumes/')).length, 1, 'never re-sent');
    const error = ui.shown.error.join('\n');
    assert.match(error, /the connection was reset .*it may have been applied, so refresh before trying again/);
    assert.doesNotMatch(ui.shown.info.join('\n'), /is now/);
    assert.equal(sandbox.store.volumes.find((x) => x.uuid === v.uuid)!.size, v.size);
  });

  test('a redirect to another host on an action: an error naming it; nothing reaches that host', async () => {
    const elsewhere = await startRecorder();
    try {
      const v = sandbox.store.volumes.find((x) => x.state === 'OK' && !x.bootable && x.runtime_state === 'available' && !/fail/.test(x.name))!;
      const node = await projectRow(api, sandbox, v.project_uuid, connection.id);
      const volumeNode = (await children(api, node)).find((n) => n.kind === 'volume' && n.volume.id === v.uuid)!;
      proxy.rule = (s) => (isPost('/api/openstack-volumes/')(s) ? { kind: 'answer', status: 307, headers: { Location: `${elsewhere.url}${s.url}` } } : undefined);
      ui.inputs.push(String((v.size ?? 0) / 1024 + 1));
      ui.confirms.push('Extend');
      await vscode.commands.executeCommand('volumeExplorer.extendVolume', volumeNode);
      await jobsDone(api);
      assert.match(ui.shown.error.join('\n'), new RegExp(`answered 307 Temporary Redirect, a redirect to ${elsewhere.url.replace(/\./g, '\\.')}/api/openstack-volumes/`));
      assert.equal(elsewhere.seen.length, 0);
      assert.equal(sandbox.store.volumes.find((x) => x.uuid === v.uuid)!.size, v.size);
    } finally {
      await elsewhere.close();
    }
  });
});
