import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { OpenStackBackend } from '../../../src/backends/openstack/backend';
import { ref } from '../../../src/core/ref';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { InsightNode } from '../../../src/tree/insights';
import type { ScopeNode, VolumeNode } from '../../../src/tree/nodes';
import { ScriptedUi, children, eventually, extensionApi, jobsDone, removeAllConnections, rootRow, row } from './helpers';

/**
 * An OpenStack cloud of clouds.yaml in a real VS Code, against a real OpenStack (Keystone,
 * Cinder, Nova with the fake driver; scripts/openstack/up.sh). The runner points OS_CLIENT_CONFIG_FILE at its clouds.yaml;
 * without one every test here is skipped, by name, with the reason.
 */
suite('an OpenStack cloud from clouds.yaml (real VS Code, real OpenStack)', function () {
  this.timeout(120_000);
  const cloudsYaml = process.env.OS_CLIENT_CONFIG_FILE;
  const skip = !cloudsYaml ? 'OS_CLIENT_CONFIG_FILE is not set (no OpenStack for this run)' : !existsSync(cloudsYaml) ? `${cloudsYaml} not found (no OpenStack for this run)` : undefined;
  let api: VolumeExplorerApi;
  const made: string[] = [];

  suiteSetup(async function () {
    if (skip) return;
    api = await extensionApi();
    await removeAllConnections(api);
  });
  suiteTeardown(async () => {
    if (skip) return;
    const c = api.context.connections.all().find((x) => x.record.descriptor.kind === 'openstack');
    const backend = c?.backend as OpenStackBackend | undefined;
    for (const id of made) await backend?.getVolume(id).then((v) => backend.deleteVolume(v)).catch(() => undefined);
    await removeAllConnections(api);
  });

  test('Add Connection → OpenStack cloud lists the clouds of clouds.yaml and signs in to the one picked', async function () {
    if (skip) this.skip();
    const ui = new ScriptedUi();
    try {
      ui.picks.push('$(server-environment) OpenStack cloud', 'demo');
      await vscode.commands.executeCommand('volumeExplorer.addConnection');
      assert.match(ui.shown.prompts.join('\n'), /Add OpenStack Cloud: .*demo/);
    } finally {
      ui.dispose();
    }
    const c = await eventually(() => api.context.connections.all().find((x) => x.record.descriptor.kind === 'openstack' && x.state === 'ready'), 'the OpenStack connection');
    assert.equal(c.record.label, 'demo');
    assert.deepEqual(c.record.descriptor, { kind: 'openstack', cloud: 'demo', cloudsYaml });
    assert.equal(await api.context.extension.secrets.get(`volumeExplorer.connection.${c.id}.secret`), undefined, 'the password is in clouds.yaml: nothing asked, nothing stored');
    assert.match(api.context.view.message ?? '', /^Connected: demo @ 127\.0\.0\.1:\d+/);
  });

  test('the tree is project → volume (no organization level); a new volume shows up, moves, and can be extended', async function () {
    if (skip) this.skip();
    const c = api.context.connections.all().find((x) => x.record.descriptor.kind === 'openstack')!;
    const backend = c.backend as OpenStackBackend;
    const [project] = await children(api) as ScopeNode[];
    assert.equal(project?.kind, 'scope');
    assert.equal(project.scope.kind, 'project');
    assert.equal(row(api, project).label, 'demo');
    const fresh = await backend.createVolume(project.scope, { name: `ve-it-${Date.now().toString(36)}`, sizeGiB: 1 });
    made.push(fresh.id);
    await eventually(async () => (await backend.getVolume(fresh.id)).status.category === 'stable', 'the volume to be available', 60_000);
    api.context.refresh.node(project);
    const node = (await children(api, project)).find((n): n is VolumeNode => n.kind === 'volume' && n.volume.id === fresh.id);
    assert.ok(node, 'the new volume is a row of its project');
    assert.equal(row(api, node).description, '1 GiB · available');
    assert.match(row(api, node).contextValue, /;can=[^;]*extend/);
    assert.ok(!/;can=[^;]*(pull|unlink)/.test(row(api, node).contextValue), 'no Waldur-only action on an OpenStack volume');

    const ui = new ScriptedUi();
    try {
      ui.inputs.push('2');
      ui.confirms.push('Extend');
      await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
      await jobsDone(api, 60_000);
      assert.ok(ui.shown.info.some((m) => /is now 2 GiB/.test(m)), ui.shown.info.join('\n'));
    } finally {
      ui.dispose();
    }
    assert.equal((await backend.getVolume(fresh.id)).sizeMiB, 2048);

    await vscode.commands.executeCommand('volumeExplorer.showDetails', ref(c.id, 'volume', fresh.id));
    const panel = await eventually(() => api.panels.get(ref(c.id, 'volume', fresh.id))?.shown, 'the panel');
    assert.equal(panel.size, '2 GiB');
    assert.deepEqual(panel.badges.map((b) => b.text), ['available']);
    assert.ok(panel.actions.some((a) => a.action === 'snapshot') && !panel.actions.some((a) => a.action === 'pull'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Create Volume on a project row: validated as typed, followed until available, then revealed', async function () {
    if (skip) this.skip();
    const c = api.context.connections.all().find((x) => x.record.descriptor.kind === 'openstack')!;
    const [project] = await children(api) as ScopeNode[];
    assert.match(row(api, project!).contextValue, /^scope;level=project;can=create;$/);
    const name = `ve-it-new-${Date.now().toString(36)}`;
    const ui = new ScriptedUi();
    try {
      ui.inputs.push(name, '0');
      await vscode.commands.executeCommand('volumeExplorer.createVolume', project);
      assert.ok(ui.shown.prompts.some((p) => /invalid: Enter the size as a whole number of GiB, at least 1/.test(p)), 'a size of 0 is refused as typed');
      ui.inputs.push(name, '1', '');
      ui.picks.push('(the default type)');
      await vscode.commands.executeCommand('volumeExplorer.createVolume', project);
      await jobsDone(api, 60_000);
      // The notification follows the reveal of the new row.
      await eventually(() => ui.shown.info.some((m) => m.includes(`${name} (1 GiB) is ready.`)), `the success notification (${JSON.stringify(ui.shown)})`);
    } finally {
      ui.dispose();
    }
    const node = await eventually(async () => (await children(api, project)).find((n): n is VolumeNode => n.kind === 'volume' && n.volume.name === name), 'the new row');
    made.push(node.volume.id);
    assert.equal(row(api, node).description, '1 GiB · available');
    assert.equal(api.context.connections.get(c.id)?.state, 'ready');
  });

  /** The volume row of a fresh 1 GiB volume made in the first project, once available. */
  async function freshRow(label: string): Promise<{ node: VolumeNode; project: ScopeNode; backend: OpenStackBackend }> {
    const c = api.context.connections.all().find((x) => x.record.descriptor.kind === 'openstack' && x.record.descriptor.cloud === 'demo')!;
    const backend = c.backend as OpenStackBackend;
    const project = (await children(api)).find((n): n is ScopeNode => n.kind === 'scope' && n.scope.name === 'demo')!;
    const fresh = await backend.createVolume(project.scope, { name: `ve-it-${label}-${Date.now().toString(36)}`, sizeGiB: 1 });
    made.push(fresh.id);
    await eventually(async () => (await backend.getVolume(fresh.id)).status.category === 'stable', 'the volume to be available', 60_000);
    api.context.refresh.node(project);
    const node = await eventually(async () => (await children(api, project)).find((n): n is VolumeNode => n.kind === 'volume' && n.volume.id === fresh.id), 'its row');
    return { node, project, backend };
  }

  test('Attach through the real Nova: the picker lists the project\'s server vm1, the job follows it to in-use; Detach after the modal', async function () {
    if (skip) this.skip();
    const { node, project, backend } = await freshRow('attach');
    const ui = new ScriptedUi();
    try {
      ui.picks.push('vm1');
      await vscode.commands.executeCommand('volumeExplorer.attachVolume', node);
      assert.ok(ui.pickLists[0]?.some((i) => i.label === 'vm1' && /ACTIVE|SHUTOFF/.test(i.description ?? '')), JSON.stringify(ui.pickLists[0]));
      await jobsDone(api, 90_000);
      assert.ok(ui.shown.info.some((m) => /is attached to vm1 as \/dev\//.test(m)), ui.shown.info.join('\n'));
      const attached = await eventually(async () => (await children(api, project)).find((n): n is VolumeNode => n.kind === 'volume' && n.volume.id === node.volume.id && n.volume.runtimeState === 'in-use'), 'the row in-use');
      assert.match(row(api, attached).description, /in-use/);
      assert.match(row(api, attached).contextValue, /;attached=true;/);
      assert.match(row(api, attached).contextValue, /;can=[^;]*detach/);

      ui.confirms.push('Detach');
      await vscode.commands.executeCommand('volumeExplorer.detachVolume', attached);
      assert.ok(ui.shown.warning.some((m) => m === `Detach ${attached.volume.name} from vm1?`), ui.shown.warning.join('\n'));
      await jobsDone(api, 90_000);
      assert.ok(ui.shown.info.some((m) => m === `${attached.volume.name} is detached from vm1.`), ui.shown.info.join('\n'));
    } finally {
      ui.dispose();
    }
    assert.equal((await backend.getVolume(node.volume.id)).runtimeState, 'available');
  });

  test('Create Volume from a snapshot, then delete the source with its snapshot: the modal names it and both go (cascade)', async function () {
    if (skip) this.skip();
    const { node, project, backend } = await freshRow('cascade');
    const snap = await backend.snapshotVolume(node.volume, { name: `${node.volume.name}-snap` });
    await eventually(async () => (await backend.getSnapshot(snap.id)).status.category === 'stable', 'the snapshot', 60_000);
    const copyName = `${node.volume.name}-copy`;
    const ui = new ScriptedUi();
    try {
      ui.inputs.push(copyName, '1', '');
      ui.picks.push(`$(device-camera) ${snap.name}`, '(the default type)');
      await vscode.commands.executeCommand('volumeExplorer.createVolume', project);
      assert.ok(ui.pickLists[0]?.some((i) => i.label === '$(file) Blank volume'), 'blank is offered first');
      await jobsDone(api, 60_000);
      await eventually(() => ui.shown.info.some((m) => m.includes(`${copyName} (1 GiB) is ready.`)), `the copy (${JSON.stringify(ui.shown)})`);
      const copy = (await backend.listVolumes(project.scope)).find((v) => v.name === copyName);
      assert.ok(copy, 'the copy is listed');
      made.push(copy.id);
      assert.equal((copy.native as { snapshotId?: string }).snapshotId, snap.id, 'made from the snapshot');

      ui.confirms.push('Delete All…');
      ui.inputs.push(node.volume.name);
      await vscode.commands.executeCommand('volumeExplorer.deleteVolume', node);
      assert.ok(ui.shown.warning.some((m) => m === `Delete ${node.volume.name} (1 GiB) and its snapshot?`), ui.shown.warning.join('\n'));
      await jobsDone(api, 60_000);
      assert.ok(ui.shown.info.some((m) => m === `${node.volume.name} was deleted.`), ui.shown.info.join('\n'));
    } finally {
      ui.dispose();
    }
    await eventually(async () => backend.getSnapshot(snap.id).then(() => false, () => true), 'its snapshot to be gone with it');
  });

  test('find, inspect, take elsewhere on OpenStack: Filter (Cinder status), Go to Resource of a Horizon URL, Open as JSON, Copy as curl', async function () {
    if (skip) this.skip();
    const c = api.context.connections.all().find((x) => x.record.descriptor.kind === 'openstack')!;
    const backend = c.backend as OpenStackBackend;
    const [project] = await children(api) as ScopeNode[];
    const all = await backend.listVolumes(project!.scope);
    const v = all.find((x) => x.status.category === 'stable');
    assert.ok(v, 'a settled volume in the project');
    const ui = new ScriptedUi();
    try {
      ui.inputs.push(`status:${v.runtimeState}`);
      await vscode.commands.executeCommand('volumeExplorer.filter');
      const rows = await eventually(async () => {
        const [p] = await children(api) as ScopeNode[];
        const r = (await children(api, p)).filter((n): n is VolumeNode => n.kind === 'volume');
        return r.length > 0 && r.every((n) => n.volume.runtimeState === v.runtimeState) && r;
      }, 'only rows of that status');
      assert.deepEqual(rows.map((n) => n.volume.id).sort(), all.filter((x) => x.runtimeState === v.runtimeState && x.status.category === 'stable').map((x) => x.id).sort());
      await vscode.commands.executeCommand('volumeExplorer.clearFilter');

      api.context.tree.invalidate();
      await vscode.commands.executeCommand('volumeExplorer.goToResource', `https://cloud.example.com/dashboard/project/volumes/${v.id}/`);
      await eventually(() => api.context.view.selection.some((n) => n.id === `${c.id}:volume:${v.id}` || (n.kind === 'volume' && n.volume.id === v.id)), 'the volume row selected');

      const node = api.context.tree.find(ref(c.id, 'volume', v.id))!;
      await vscode.commands.executeCommand('volumeExplorer.openAsJson', node);
      const editor = await eventually(() => vscode.window.activeTextEditor?.document.uri.scheme === 'volume-explorer' && vscode.window.activeTextEditor, 'the JSON document');
      const shown = JSON.parse(editor.document.getText()) as { id: string; size: number; status: string };
      assert.equal(shown.id, v.id, "Cinder's own record");
      assert.equal(shown.size * 1024, v.sizeMiB);

      ui.picks.push('curl: API request');
      await vscode.commands.executeCommand('volumeExplorer.copyAs', node);
      const copied = await vscode.env.clipboard.readText();
      assert.match(copied, new RegExp(`/v3/[0-9a-f]+/volumes/${v.id}'?$`));
      assert.match(copied, /X-Auth-Token: \$OS_TOKEN/);
    } finally {
      ui.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  test('a cloud whose region has no block storage (demo-legacy) opens in legacy mode through Nova\'s os-volumes: its root row says so, and only the proxy\'s actions are offered', async function () {
    if (skip) this.skip();
    const ui = new ScriptedUi();
    try {
      ui.picks.push('$(server-environment) OpenStack cloud', 'demo-legacy');
      await vscode.commands.executeCommand('volumeExplorer.addConnection');
    } finally {
      ui.dispose();
    }
    const legacy = await eventually(() => api.context.connections.all().find((x) => x.record.descriptor.kind === 'openstack' && x.record.descriptor.cloud === 'demo-legacy' && x.state === 'ready'), 'the legacy connection', 30_000);
    const root = await rootRow(api, legacy.id);
    const tooltip = api.context.tree.getTreeItem(root).tooltip;
    assert.match(typeof tooltip === 'string' ? tooltip : tooltip?.value ?? '', /Legacy mode: .*os\\?-volumes/);
    const project = (await children(api, root)).find((n): n is ScopeNode => n.kind === 'scope' && n.scope.name === 'demo');
    assert.ok(project, 'its projects are listed');
    const boot = await eventually(async () => (await children(api, project)).find((n): n is VolumeNode => n.kind === 'volume' && n.volume.name === 'vm1-boot'), 'vm1-boot through the proxy');
    assert.match(row(api, boot).description, /1 GiB · in-use/);
    const cv = row(api, boot).contextValue;
    assert.match(cv, /;can=[^;]*detach/);
    assert.doesNotMatch(cv, /;can=[^;]*(extend|retype|edit)/, `no action the proxy lacks (${cv})`);
    await api.context.connections.remove(legacy.id);
  });

  test('an admin cloud: every project is listed (others marked all_tenants, no Create there), and Create / Delete Volume Type… on its root row', async function () {
    if (skip) this.skip();
    const ui = new ScriptedUi();
    try {
      ui.picks.push('$(server-environment) OpenStack cloud', 'admin');
      await vscode.commands.executeCommand('volumeExplorer.addConnection');
      const admin = await eventually(() => api.context.connections.all().find((x) => x.record.descriptor.kind === 'openstack' && x.record.descriptor.cloud === 'admin' && x.state === 'ready'), 'the admin connection', 30_000);
      const root = await rootRow(api, admin.id);
      assert.match(row(api, root).contextValue, /;can=types;$/);
      const projects = (await children(api, root)).filter((n): n is ScopeNode => n.kind === 'scope');
      const demo = projects.find((p) => p.scope.name === 'demo');
      assert.ok(demo, `demo is listed for the admin (${projects.map((p) => p.scope.name).join(', ')})`);
      assert.equal(row(api, demo).contextValue, 'scope;level=project;', 'no Create Volume in another project');
      assert.match(row(api, projects.find((p) => p.scope.name === 'admin')!).contextValue, /can=create/);
      assert.ok((await children(api, demo)).some((n) => n.kind === 'volume' && n.volume.name === 'vm1-boot'), "demo's volumes through all_tenants");

      const typeName = `ve-it-type-${Date.now().toString(36)}`;
      ui.inputs.push(typeName, 'made by the integration test', 'nowhere');
      ui.picks.push('Private');
      await vscode.commands.executeCommand('volumeExplorer.createVolumeType', root);
      assert.ok(ui.shown.info.some((m) => m.startsWith(`Volume type ${typeName} was created on admin`)), ui.shown.info.join('\n'));
      const backend = admin.backend!;
      const scope = projects.find((p) => p.scope.name === 'admin')!.scope;
      assert.ok((await backend.listVolumeTypes(scope)).some((t) => t.name === typeName), 'Cinder lists the new type');

      ui.picks.push(typeName);
      ui.confirms.push('Delete');
      await vscode.commands.executeCommand('volumeExplorer.deleteVolumeType', root);
      assert.ok(ui.shown.info.some((m) => m === `Volume type ${typeName} was deleted from admin.`), ui.shown.info.join('\n'));
      assert.ok(!(await backend.listVolumeTypes(scope)).some((t) => t.name === typeName), 'the type is gone');
      await api.context.connections.remove(admin.id);
    } finally {
      ui.dispose();
    }
  });
  test('pre-flight against Cinder\'s limits: Extend past the project\'s 1000 GB is refused as it is typed, naming the quota; nothing changes', async function () {
    if (skip) this.skip();
    const { node, backend } = await freshRow('quota');
    const ui = new ScriptedUi();
    try {
      ui.inputs.push('2000');
      await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
      assert.ok(ui.shown.prompts.some((p) => /GiB \(\d+%\) used in project demo/.test(p)), `the prompt says the usage: ${ui.shown.prompts.join(' | ')}`);
      const refusal = ui.shown.prompts.find((p) => p.startsWith('invalid:')) ?? '';
      assert.match(refusal, /^invalid: This would exceed the storage quota of project demo: \d+ of 1000 GiB \(\d+ GiB left\)\.$/, ui.shown.prompts.join(' | '));
      assert.equal((await backend.getVolume(node.volume.id)).sizeMiB, 1024, 'not extended');
      assert.equal(api.context.jobs.isRunning(node.ref), false, 'no job');
    } finally {
      ui.dispose();
    }
  });

  test('Clean Up on the real Cinder: two unattached volumes (threshold 0 days) deleted one by one, both gone, one summary', async function () {
    if (skip) this.skip();
    const config = vscode.workspace.getConfiguration('volumeExplorer.insights');
    await config.update('unattachedDays', 0, vscode.ConfigurationTarget.Global);
    const ui = new ScriptedUi();
    try {
      const one = await freshRow('clean1');
      const two = await freshRow('clean2');
      const insights = api.context.insights;
      insights.refresh();
      const top = (await insights.getChildren()) as InsightNode[];
      const projects = (await Promise.all(top.map(async (n) => (n.kind === 'connection' ? (await insights.getChildren(n)) as InsightNode[] : [n])))).flat();
      const findings = (await Promise.all(projects.map(async (p) => (await insights.getChildren(p)) as InsightNode[]))).flat();
      const rowOf = (id: string) => findings.find((f): f is Extract<InsightNode, { kind: 'finding' }> => f.kind === 'finding' && f.finding.resource.id === id);
      const a = rowOf(one.node.volume.id);
      const b = rowOf(two.node.volume.id);
      assert.ok(a && b, 'both fresh volumes are unattached findings with a 0-day threshold');
      assert.equal(a.finding.kind, 'unattached');
      ui.confirms.push('Delete 2…');
      ui.inputs.push('2');
      await vscode.commands.executeCommand('volumeExplorer.cleanUp', a, [a, b]);
      assert.match(ui.shown.warning[0] ?? '', /^Delete 2 resources \(2 GiB\)\?$/);
      const summary = [...ui.shown.info, ...ui.shown.warning].find((m) => m.startsWith('Clean-up:'));
      assert.equal(summary, 'Clean-up: 2 of 2 deleted (2 GiB freed).');
      for (const id of [one.node.volume.id, two.node.volume.id]) {
        await assert.rejects(one.backend.getVolume(id), (err: unknown) => (err as { isNotFound?: boolean }).isNotFound === true, 'gone from Cinder');
      }
    } finally {
      ui.dispose();
      await config.update('unattachedDays', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
