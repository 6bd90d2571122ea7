import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox } from '../../../src/sandbox';
import type { InsightNode } from '../../../src/tree/insights';
import { startFaultProxy, type FaultProxy } from '../../unit/helpers/fault-proxy';
import { ScriptedUi, connectTo, eventually, extensionApi, jobsDone, projectRow, removeAllConnections, startSandbox, volumeRow } from './helpers';

/** The findings of every project of the (single) connection, as the Insights view lists them. */
async function findingRows(api: VolumeExplorerApi): Promise<Array<Extract<InsightNode, { kind: 'finding' }>>> {
  const insights = api.context.insights;
  insights.refresh();
  const projects = (await insights.getChildren()) as InsightNode[];
  const rows = await Promise.all(projects.map(async (p) => (await insights.getChildren(p)) as InsightNode[]));
  return rows.flat().filter((n): n is Extract<InsightNode, { kind: 'finding' }> => n.kind === 'finding');
}

/**
 * Storage hygiene and capacity in a real VS Code against the local Waldur (behind a recording
 * proxy, to count what is sent): Clean Up of findings, pre-flight quota checks, the project panel.
 */
suite('Storage hygiene and capacity (real VS Code, local Waldur)', function () {
  this.timeout(90_000);
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;
  let proxy: FaultProxy;
  let ui: ScriptedUi;

  suiteSetup(async () => {
    api = await extensionApi();
    await removeAllConnections(api);
    sandbox = await startSandbox({ transitionMs: 100 });
    proxy = await startFaultProxy(sandbox.url, { lifetimeMs: 85_000 });
    await connectTo(api, { url: proxy.url, token: sandbox.token } as Sandbox);
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

  const writes = (from: number) => proxy.seen.slice(from).filter((s) => s.method !== 'GET' && s.method !== 'HEAD');

  test('Clean Up of two findings: a preview with names and total, the count typed, one delete each, both gone, one summary', async () => {
    const store = sandbox.store;
    const withSnapshots = new Set(store.snapshots.map((s) => s._source_volume_uuid));
    const idle = store.volumes.find((v) => v.state === 'OK' && v.runtime_state === 'available' && !v.instance && !withSnapshots.has(v.uuid) && !/fail/.test(v.name))!;
    idle.modified = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const orphan = store.snapshots.find((s) => s.state === 'OK' && s.project_uuid === idle.project_uuid) ?? store.snapshots.find((s) => s.state === 'OK')!;
    orphan._source_volume_uuid = '0'.repeat(32);
    orphan.source_volume = `${sandbox.url}/api/openstack-volumes/${'0'.repeat(32)}/`;
    const rows = await findingRows(api);
    const a = rows.find((r) => r.finding.resource.id === idle.uuid);
    const b = rows.find((r) => r.finding.resource.id === orphan.uuid);
    assert.ok(a && b, 'both are findings');

    const start = proxy.seen.length;
    ui.confirms.push('Delete 2…');
    ui.inputs.push('2');
    await vscode.commands.executeCommand('volumeExplorer.cleanUp', a, [a, b]);
    const preview = ui.shown.warning[0] ?? '';
    assert.match(preview, /^Delete 2 resources \(\d+(\.\d)? [GT]iB\)\?$/, preview);
    assert.ok(ui.shown.prompts.some((p) => /type 2 to confirm/.test(p)), ui.shown.prompts.join(' | '));
    const sent = writes(start);
    assert.equal(sent.length, 2, `one request per resource: ${sent.map((s) => `${s.method} ${s.url}`).join(', ')}`);
    assert.ok(sent.some((s) => s.method === 'DELETE' && s.url.includes(orphan.uuid)), 'the snapshot deleted by its own DELETE');
    assert.ok(sent.some((s) => s.method === 'POST' && s.url.includes('/terminate/')), `the volume through a termination order: ${sent.map((s) => `${s.method} ${s.url}`).join(', ')}`);
    assert.equal(store.volumes.some((v) => v.uuid === idle.uuid), false, 'the volume is gone');
    assert.equal(store.snapshots.some((s) => s.uuid === orphan.uuid), false, 'the snapshot is gone');
    const summary = ui.shown.info.find((m) => m.startsWith('Clean-up:'));
    assert.match(summary ?? '', /^Clean-up: 2 of 2 deleted \(\d+(\.\d)? [GT]iB freed\)\.$/, `summary: ${[...ui.shown.info, ...ui.shown.warning].join(' | ')}`);
    assert.equal(ui.shown.info.filter((m) => / was deleted\.$/.test(m)).length, 0, 'no notification per deletion: one summary');
    await eventually(async () => !(await findingRows(api)).some((r) => r.finding.resource.id === idle.uuid || r.finding.resource.id === orphan.uuid), 'the findings to be gone from Insights');
  });

  test('a finding attached since the view was read is not deleted: re-read, skipped with why, nothing sent', async () => {
    const store = sandbox.store;
    const withSnapshots = new Set(store.snapshots.map((s) => s._source_volume_uuid));
    const idle = store.volumes.find((v) => v.state === 'OK' && v.runtime_state === 'available' && !v.instance && !withSnapshots.has(v.uuid) && !/fail/.test(v.name))!;
    idle.modified = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const row = (await findingRows(api)).find((r) => r.finding.resource.id === idle.uuid);
    assert.ok(row, 'a finding');
    const server = store.instances.find((i) => i.project_uuid === idle.project_uuid) ?? store.instances[0]!;
    idle.runtime_state = 'in-use';
    idle.instance = server.url;
    idle.instance_name = server.name;
    const start = proxy.seen.length;
    await vscode.commands.executeCommand('volumeExplorer.cleanUp', row);
    assert.equal(writes(start).length, 0, 'nothing sent');
    assert.equal(ui.shown.warning.length, 1, ui.shown.warning.join(' | '));
    assert.match(ui.shown.warning[0]!, /^Nothing was deleted: .+ — (it is attached|.*attached.*)\.$/);
    idle.runtime_state = 'available';
    idle.instance = null;
    idle.instance_name = '';
  });

  test('pre-flight: Extend past the tenant\'s storage quota is refused as it is typed, naming the quota; nothing is sent', async () => {
    const store = sandbox.store;
    const volume = store.volumes.find((v) => v.state === 'OK' && v.runtime_state === 'available' && !v.bootable && !/fail/.test(v.name))!;
    const tenant = store.tenants.find((t) => t.uuid === volume.tenant_uuid)!;
    const used = store.volumes.filter((v) => v.tenant_uuid === tenant.uuid).reduce((n, v) => n + (v.size ?? 0), 0)
      + store.snapshots.filter((s) => s._tenant_uuid === tenant.uuid).reduce((n, s) => n + s.size, 0);
    const before = tenant.storage_quota;
    tenant.storage_quota = used + 5 * 1024;
    try {
      const node = await volumeRow(api, sandbox, volume.uuid);
      const start = proxy.seen.length;
      ui.inputs.push(String(Math.ceil((volume.size ?? 0) / 1024) + 10));
      await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
      const refusal = ui.shown.prompts.find((p) => p.startsWith('invalid:')) ?? '';
      assert.match(refusal, new RegExp(`This would exceed the storage quota of tenant ${tenant.name}: .* \\(5 GiB left\\)\\.`), ui.shown.prompts.join(' | '));
      assert.equal(writes(start).length, 0, 'nothing sent');
      // Within the quota: the modal says where it takes the storage.
      ui.inputs.push(String(Math.ceil((volume.size ?? 0) / 1024) + 2));
      ui.confirms.push(undefined);
      await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
      assert.ok(ui.shown.prompts.some((p) => /GiB \(\d+%\) used in tenant/.test(p)), `the prompt says the usage: ${ui.shown.prompts.join(' | ')}`);
      assert.equal(writes(start).length, 0, 'cancelled at the modal: nothing sent');
    } finally {
      tenant.storage_quota = before;
    }
  });

  test('the project panel: quota bars of its tenant, contents and findings; the row\'s tooltip has the usage line', async () => {
    const volume = sandbox.store.volumes.find((v) => v.state === 'OK')!;
    const project = await projectRow(api, sandbox, volume.project_uuid);
    await vscode.commands.executeCommand('volumeExplorer.showDetails', project);
    const panel = await eventually(() => api.context.panels.get(project.ref)?.shownToPage, 'the project panel');
    assert.equal(panel.kindLabel, 'Project');
    const quota = panel.sections.find((s) => s.type === 'meters');
    assert.ok(quota && quota.type === 'meters', `sections: ${panel.sections.map((s) => s.id).join(', ')}`);
    assert.match(quota.heading, /^Quota of tenant /);
    const storage = quota.meters.find((m) => m.label === 'Storage');
    assert.ok(storage && storage.fill !== undefined && /^\d+(\.\d)? of \d+ GiB \(\d+%\)$/.test(storage.text), JSON.stringify(quota.meters));
    assert.ok(panel.sections.some((s) => s.id === 'contents') && panel.sections.some((s) => s.id === 'findings'));
    const item = api.context.tree.getTreeItem(project);
    assert.equal(item.tooltip, undefined, 'resolved on hover');
    const resolved = await api.context.tree.resolveTreeItem(item, project, new vscode.CancellationTokenSource().token);
    const tooltip = (resolved.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(tooltip, /\*\*Quota of tenant .+:\*\* Storage \d+(\.\d)? of \d+ GiB \(\d+%\)/, tooltip);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await jobsDone(api);
  });
  test('Create Volume on Waldur: a marketplace order of the tenant\'s volume offering, followed as a job until the volume exists; one POST', async () => {
    const store = sandbox.store;
    const volume = store.volumes.find((v) => v.state === 'OK' && !/fail/.test(v.name))!;
    const project = await projectRow(api, sandbox, volume.project_uuid);
    const name = `ordered-${Date.now().toString(36)}`;
    const first = (items: readonly vscode.QuickPickItem[]) => items.find((i) => i.kind !== vscode.QuickPickItemKind.Separator);
    ui.inputs.push(name, '3', 'made through an order');
    ui.picks.push(first, first, first, first);
    const start = proxy.seen.length;
    await vscode.commands.executeCommand('volumeExplorer.createVolume', project);
    const orders = writes(start);
    assert.deepEqual(orders.map((s) => `${s.method} ${s.url.split('?')[0]}`), ['POST /api/marketplace-orders/'], 'one order, nothing else written');
    const body = JSON.parse(orders[0]!.body) as { attributes?: { name?: string; size?: number } };
    assert.equal(body.attributes?.name, name);
    assert.equal(body.attributes?.size, 3 * 1024, 'sent in MiB');
    const made = await eventually(() => store.volumes.find((v) => v.name === name && v.state === 'OK'), 'the ordered volume to exist');
    assert.equal(made.project_uuid, volume.project_uuid);
    const ready = await eventually(() => ui.shown.info.find((m) => m.startsWith(`${name} (3 GiB) is ready`)), `the job to say it is ready (${[...ui.shown.info, ...ui.shown.error].join(' | ')})`);
    assert.ok(ready);
    await jobsDone(api);
  });

  test('pre-flight on Create Volume: a project whose tenant has no volume left is refused before any question; nothing is sent', async () => {
    const store = sandbox.store;
    const volume = store.volumes.find((v) => v.state === 'OK' && !/fail/.test(v.name))!;
    const tenants = store.tenants.filter((t) => t.project_uuid === volume.project_uuid);
    const saved = tenants.map((t) => t.volume_quota);
    for (const t of tenants) t.volume_quota = store.volumes.filter((v) => v.tenant_uuid === t.uuid).length;
    try {
      const project = await projectRow(api, sandbox, volume.project_uuid);
      const first = (items: readonly vscode.QuickPickItem[]) => items.find((i) => i.kind !== vscode.QuickPickItemKind.Separator);
      ui.picks.push(first);
      const start = proxy.seen.length;
      await vscode.commands.executeCommand('volumeExplorer.createVolume', project);
      assert.equal(writes(start).length, 0, 'nothing sent');
      assert.equal(ui.shown.prompts.filter((p) => /\(1\/\d\) Name/.test(p)).length, 0, 'no question asked');
      assert.match(ui.shown.warning.join(' | '), /A new volume refused before sending: it would exceed the volumes quota of tenant .+ \(0 left\)\. .*nothing was sent\./);
    } finally {
      tenants.forEach((t, i) => { t.volume_quota = saved[i]!; });
    }
  });
});
