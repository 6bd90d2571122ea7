import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox } from '../../../src/sandbox';
import { HIDDEN_VALUE, refKey, ref } from '../../../src/core/index';
import type { InsightNode } from '../../../src/tree/insights';
import type { SnapshotNode, TreeNode } from '../../../src/tree/nodes';
import { ScriptedUi, children, connectTo, eventually, extensionApi, projectRow, removeAllConnections, startSandbox, volumeRow } from './helpers';

/** Go to Resource, Open as JSON, Copy ID / Name — real VS Code, local Waldur. */
suite('find, inspect, copy (real VS Code, local Waldur)', function () {
  this.timeout(90_000);
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;
  let connectionId: string;
  let ui: ScriptedUi;

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
  setup(() => {
    ui = new ScriptedUi();
    api.context.tree.invalidate(); // nothing loaded: Go to Resource has to open the parents itself
  });
  teardown(() => ui.dispose());

  const selected = (): string[] => api.context.view.selection.map((n: TreeNode) => n.id);

  test('Go to Resource: a Waldur API URL of a volume in an unopened project → its row, revealed and selected', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && sandbox.store.projects.indexOf(sandbox.store.projects.find((p) => p.uuid === x.project_uuid)!) > 0);
    assert.ok(v, 'a volume outside the first project');
    const r = ref(connectionId, 'volume', v.uuid);
    assert.equal(api.context.tree.find(r), undefined, 'not loaded before');
    await vscode.commands.executeCommand('volumeExplorer.goToResource', `${sandbox.url}/api/openstack-volumes/${v.uuid}/`);
    await eventually(() => selected().includes(refKey(r)), 'the row to be selected');
    assert.ok(api.context.tree.find(r), 'its row is loaded');
  });

  test('Go to Resource: a snapshot id in Cinder\'s dashed form, typed into the prompt → the snapshot row under its volume', async () => {
    const s = sandbox.store.snapshots.find((x) => sandbox.store.volumes.some((v) => v.uuid === x._source_volume_uuid));
    assert.ok(s, 'a snapshot with its volume');
    const dashed = s.uuid.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5').toUpperCase();
    ui.inputs.push(dashed);
    await vscode.commands.executeCommand('volumeExplorer.goToResource');
    const r = ref(connectionId, 'snapshot', s.uuid);
    await eventually(() => selected().includes(refKey(r)), 'the snapshot row to be selected');
    assert.equal((api.context.tree.find(r) as SnapshotNode).parent.volume.id, s._source_volume_uuid);
  });

  test('Go to Resource: a HomePort page of a volume (its marketplace resource) → the volume\'s row', async () => {
    const v = sandbox.store.volumes.find((x) => x.marketplace_resource_uuid && x.state === 'OK');
    assert.ok(v, 'a volume with a marketplace resource');
    await vscode.commands.executeCommand('volumeExplorer.goToResource', `https://homeport.example.com/resource-details/${v.marketplace_resource_uuid}/?tab=general`);
    const r = ref(connectionId, 'volume', v.uuid);
    await eventually(() => selected().includes(refKey(r)), 'the volume row to be selected');
  });

  test('Go to Resource: garbage is refused as typed; an id no connection has is said so, nothing selected', async () => {
    ui.inputs.push('not a volume');
    await vscode.commands.executeCommand('volumeExplorer.goToResource');
    assert.ok(ui.shown.prompts.some((p) => /^invalid: "not a volume" is neither an id nor a URL\./.test(p)), ui.shown.prompts.join('\n'));
    const before = selected();
    await vscode.commands.executeCommand('volumeExplorer.goToResource', '00000000-0000-4000-8000-000000000000');
    assert.ok(ui.shown.warning.some((w) => w.startsWith('No volume or snapshot 00000000-0000-4000-8000-000000000000 in ')), ui.shown.warning.join('\n'));
    assert.deepEqual(selected(), before);
  });

  test('Open as JSON: the record as the API returns it, in a read-only document that follows changes', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && !/fail/.test(x.name));
    assert.ok(v, 'an OK volume');
    const node = await volumeRow(api, sandbox, v.uuid);
    await vscode.commands.executeCommand('volumeExplorer.openAsJson', node);
    const editor = await eventually(() => vscode.window.activeTextEditor?.document.uri.scheme === 'volume-explorer' && vscode.window.activeTextEditor, 'the JSON document');
    const doc = editor.document;
    assert.equal(doc.languageId, 'json');
    assert.ok(doc.uri.path.endsWith(`/volumes/${v.name}.json`), doc.uri.path);
    const shown = JSON.parse(doc.getText()) as Record<string, unknown>;
    const served = await (await fetch(`${sandbox.url}/api/openstack-volumes/${v.uuid}/`, { headers: { Authorization: `Token ${sandbox.token}` } })).json() as Record<string, unknown>;
    assert.deepEqual(shown, served, 'exactly what the API returns');
    assert.ok(!doc.getText().includes(sandbox.token), 'no token in it');
    // A change the extension hears about (here: a refresh of the row after an edit elsewhere) re-reads it.
    const renamed = `${v.name}-json`;
    v.name = renamed;
    api.context.refresh.resource(node.ref, await api.context.connections.get(connectionId)!.backend!.getVolume(v.uuid));
    await eventually(() => (JSON.parse(doc.getText()) as { name: string }).name === renamed, 'the document to show the new name', 10_000);
  });

  test('Open Instance as JSON: an attached volume\'s instance, user_data hidden', async () => {
    const v = sandbox.store.volumes.find((x) => x.instance && x.runtime_state === 'in-use');
    assert.ok(v, 'an attached volume');
    const instance = sandbox.store.instances.find((i) => v.instance === `${sandbox.url}/api/openstack-instances/${i.uuid}/`) ?? sandbox.store.instances.find((i) => v.instance?.includes(i.uuid));
    assert.ok(instance, 'its instance');
    const saved = instance.user_data;
    instance.user_data = '#cloud-config\npassword: hunter2';
    try {
      await vscode.commands.executeCommand('volumeExplorer.openInstanceAsJson', await volumeRow(api, sandbox, v.uuid));
      const editor = await eventually(() => vscode.window.activeTextEditor?.document.uri.path.includes('/instances/') && vscode.window.activeTextEditor, 'the instance document');
      const shown = JSON.parse(editor.document.getText()) as { uuid: string; user_data: string };
      assert.equal(shown.uuid, instance.uuid);
      assert.equal(shown.user_data, HIDDEN_VALUE);
      assert.ok(!editor.document.getText().includes('hunter2'));
    } finally {
      instance.user_data = saved;
    }
  });

  test('Copy ID and Copy Name: one per line for a multi-selection', async () => {
    const v = sandbox.store.volumes.find((x) => sandbox.store.snapshots.filter((s) => s._source_volume_uuid === x.uuid).length >= 2);
    assert.ok(v, 'a volume with two snapshots');
    const snaps = (await children(api, await volumeRow(api, sandbox, v.uuid))).filter((n): n is SnapshotNode => n.kind === 'snapshot').slice(0, 2);
    await vscode.commands.executeCommand('volumeExplorer.copyId', snaps[0], snaps);
    assert.equal(await vscode.env.clipboard.readText(), snaps.map((s) => s.snapshot.id).join('\n'));
    await vscode.commands.executeCommand('volumeExplorer.copyName', snaps[1], [snaps[1]]);
    assert.equal(await vscode.env.clipboard.readText(), snaps[1]!.snapshot.name);
  });
  test('Open in Browser: HomePort\'s address asked once (prefilled from the API URL) and kept; the volume\'s marketplace page opens', async () => {
    const v = sandbox.store.volumes.find((x) => x.marketplace_resource_uuid && x.state === 'OK');
    assert.ok(v, 'a volume with a marketplace resource');
    const opened: string[] = [];
    const env = vscode.env as unknown as Record<string, unknown>;
    const original = env['openExternal'];
    Object.defineProperty(env, 'openExternal', { value: async (u: vscode.Uri) => { opened.push(u.toString(true)); return true; }, configurable: true, writable: true });
    try {
      const node = await volumeRow(api, sandbox, v.uuid);
      ui.inputs.push((value) => value); // accept the prefilled guess
      await vscode.commands.executeCommand('volumeExplorer.openInBrowser', node);
      assert.ok(ui.shown.prompts.some((p) => p.startsWith('HomePort address for ')), ui.shown.prompts.join('\n'));
      assert.deepEqual(opened, [`${sandbox.url}/resource-details/${v.marketplace_resource_uuid}/`]);
      assert.equal(api.context.connections.get(connectionId)!.record.webUrl, `${sandbox.url}/`, 'kept with the connection');
      await vscode.commands.executeCommand('volumeExplorer.openInBrowser', node);
      assert.equal(opened.length, 2, 'the second time, no question');
      assert.equal(ui.shown.prompts.filter((p) => p.startsWith('HomePort address for ')).length, 1);
    } finally {
      Object.defineProperty(env, 'openExternal', { value: original, configurable: true, writable: true });
    }
  });
  test('Filter Volumes…: typed, checked as typed, applied on the server and the rows; the message line says it; Clear Filter shows all', async () => {
    const project = sandbox.store.projects.find((p) => {
      const vs = sandbox.store.volumes.filter((v) => v.project_uuid === p.uuid);
      return vs.some((v) => v.runtime_state === 'in-use') && vs.some((v) => v.runtime_state !== 'in-use');
    });
    assert.ok(project, 'a project with in-use and other volumes');
    const rowsOfProject = async (): Promise<TreeNode[]> => children(api, await projectRow(api, sandbox, project.uuid));
    const before = (await rowsOfProject()).filter((n) => n.kind === 'volume');

    ui.inputs.push('status:sleepy');
    await vscode.commands.executeCommand('volumeExplorer.filter');
    assert.ok(ui.shown.prompts.some((p) => p.startsWith('invalid: Unknown status "sleepy"')), ui.shown.prompts.join('\n'));
    assert.equal(api.context.filters.get(connectionId), undefined, 'nothing applied');

    ui.inputs.push('status:in-use');
    await vscode.commands.executeCommand('volumeExplorer.filter');
    assert.deepEqual(api.context.filters.get(connectionId), { status: ['in-use'] });
    const filtered = await eventually(async () => {
      const rows = (await rowsOfProject()).filter((n) => n.kind === 'volume');
      return rows.length < before.length && rows;
    }, 'fewer rows after filtering');
    assert.ok(filtered.every((n) => n.kind === 'volume' && n.volume.runtimeState === 'in-use'), 'only in-use volumes');
    assert.deepEqual(filtered.map((n) => n.id).sort(), before.filter((n) => n.kind === 'volume' && n.volume.runtimeState === 'in-use' && n.volume.status.category === 'stable').map((n) => n.id).sort());
    assert.match(api.context.view.message ?? '', /Filter: in-use — Clear Filter/);

    ui.inputs.push((prefilled) => {
      assert.equal(prefilled, 'status:in-use', 'the prompt starts from the current filter');
      return 'zzzz-no-such-volume';
    });
    await vscode.commands.executeCommand('volumeExplorer.filter');
    const none = await eventually(async () => {
      const rows = await rowsOfProject();
      return rows.length === 1 && rows[0]!.kind === 'message' && rows;
    }, 'the "no match" row');
    assert.match(api.context.tree.getTreeItem(none[0]!).label as string, /^No volumes in this project match the filter \(name contains "zzzz-no-such-volume"\)$/);

    await vscode.commands.executeCommand('volumeExplorer.clearFilter');
    assert.equal(api.context.filters.get(connectionId), undefined);
    await eventually(async () => (await rowsOfProject()).filter((n) => n.kind === 'volume').length === before.length, 'all rows again');
    assert.doesNotMatch(api.context.view.message ?? '', /Filter/);
  });
});

/** A big project at 200 ms a request: its first page shows at once, the rest replaces it. */
suite('large projects (real VS Code, local Waldur with 3,000 more volumes and 200 ms latency)', function () {
  this.timeout(120_000);
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;

  suiteSetup(async () => {
    api = await extensionApi();
    await removeAllConnections(api);
    sandbox = await startSandbox({ transitionMs: 100, volumes: 3000, latencyMs: 200 });
    await connectTo(api, sandbox);
  });
  suiteTeardown(async () => {
    await removeAllConnections(api);
    await sandbox.close();
  });

  test('the first 300 rows and "Loading the rest… (300 of N volumes shown)", then exactly the N rows', async () => {
    const counts = new Map<string, number>();
    for (const v of sandbox.store.volumes) counts.set(v.project_uuid, (counts.get(v.project_uuid) ?? 0) + 1);
    const [projectId, total] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    assert.ok(total > 600, `the biggest project has ${total} volumes`);
    const project = await projectRow(api, sandbox, projectId);
    const started = Date.now();
    const first = await children(api, project);
    const firstMs = Date.now() - started;
    const loading = first.at(-1)!;
    assert.equal(loading.kind, 'message');
    assert.equal(api.context.tree.getTreeItem(loading).label, `Loading the rest… (300 of ${total.toLocaleString('en-US')} volumes shown)`);
    assert.equal(first.filter((n) => n.kind === 'volume').length, 300);
    const all = await eventually(async () => {
      const rows = await children(api, project);
      return rows.every((n) => n.kind === 'volume') && rows;
    }, 'the whole list', 60_000);
    const allMs = Date.now() - started;
    assert.equal(all.length, total);
    assert.equal(new Set(all.map((n) => n.id)).size, total, 'no row twice');
    console.log(`    first rows after ${firstMs} ms, all ${total} after ${allMs} ms (200 ms a request)`);
  });
});

/** The Insights view, computed from the lists the tree reads. */
suite('Insights (real VS Code, local Waldur)', function () {
  this.timeout(90_000);
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;
  let connectionId: string;

  suiteSetup(async () => {
    api = await extensionApi();
    await removeAllConnections(api);
    sandbox = await startSandbox({ transitionMs: 100 });
    connectionId = (await connectTo(api, sandbox)).id;
  });
  suiteTeardown(async () => {
    await removeAllConnections(api);
    await sandbox.close();
  });

  test('an unattached volume left for 100 days and a snapshot of a deleted volume are findings of their project; a click shows the row', async () => {
    const store = sandbox.store;
    const idle = store.volumes.find((v) => v.state === 'OK' && v.runtime_state === 'available' && !v.instance)!;
    idle.modified = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const snap = store.snapshots.find((s) => s.project_uuid !== undefined && s.state === 'OK')!;
    snap._source_volume_uuid = '0'.repeat(32);
    snap.source_volume = `${sandbox.url}/api/openstack-volumes/${'0'.repeat(32)}/`;
    api.context.insights.refresh();
    const insights = api.context.insights;
    const projects = await insights.getChildren() as Awaited<ReturnType<typeof insights.getChildren>>;
    const rows = await Promise.all((projects as InsightNode[]).map(async (p) => ({ p, findings: await insights.getChildren(p) as InsightNode[] })));
    const find = (id: string) => rows.flatMap((r) => r.findings).find((f) => f.kind === 'finding' && f.finding.resource.id === id);
    const idleRow = find(idle.uuid);
    assert.ok(idleRow && idleRow.kind === 'finding', 'the idle volume is a finding');
    assert.equal(idleRow.finding.kind, 'unattached');
    assert.match(insights.getTreeItem(idleRow).description as string, /^unattached for 100 days · \d/);
    const orphan = find(snap.uuid);
    assert.ok(orphan && orphan.kind === 'finding' && orphan.finding.kind === 'orphan-snapshot', 'the snapshot of a deleted volume is a finding');
    const project = rows.find((r) => r.findings.includes(idleRow))!.p;
    assert.match(insights.getTreeItem(project).description as string, /^\d+ findings? · /);

    api.context.tree.invalidate();
    await vscode.commands.executeCommand('volumeExplorer.revealFinding', idleRow);
    await eventually(() => api.context.view.selection.some((n) => n.kind === 'volume' && n.volume.id === idle.uuid), 'the volume row selected in the Volumes view');
    void connectionId;
  });
});
