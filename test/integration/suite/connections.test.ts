import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Connection } from '../../../src/connections/manager';
import { CONNECTIONS_KEY, ConnectionStore, secretKey, type ConnectionRecord } from '../../../src/connections/store';
import { ref, refKey, type ResourceRef } from '../../../src/core/ref';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox } from '../../../src/sandbox';
import type { ScopeNode, VolumeNode } from '../../../src/tree/nodes';
import {
  ScriptedUi, children, connectTo, eventually, extensionApi, jobsDone, organizations, panelTabs, projectRow, removeAllConnections,
  rootRow, row, startSandbox, volumeRow,
} from './helpers';

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const gibOf = (mib: number | null | undefined): number => (mib ?? 0) / 1024;

/**
 * Several connections side by side in a real VS Code: two local Waldur servers connected through
 * the real "Connect to Waldur…" command, plus the built-in demo. Each has its own tree, state,
 * jobs, panels and secret; one failing or going away leaves the others alone.
 */
suite('several connections side by side (real VS Code, two local Waldurs + the demo)', function () {
  this.timeout(120_000);
  let api: VolumeExplorerApi;
  let sandboxA: Sandbox;
  let sandboxB: Sandbox;
  let a: Connection;
  let b: Connection;
  let demo: Connection;
  let ui: ScriptedUi;
  /** The demo volume whose panel test (c) opened and keeps open. */
  let demoPanelRef: ResourceRef | undefined;
  const hostOf = (s: Sandbox): string => new URL(s.url).host;

  /**
   * The demo's own server. The manager keeps the object `startSandbox` returned (typed as just
   * `{ close }`); the tests read its store for expectations, as they do for their own sandboxes.
   */
  function demoSandbox(): Sandbox {
    const server = demo.demo as Partial<Sandbox> | undefined;
    assert.ok(server?.store && typeof server.requestCount === 'number', 'the demo connection holds its sandbox');
    return server as Sandbox;
  }

  suiteSetup(async () => {
    api = await extensionApi();
    await removeAllConnections(api);
    sandboxA = await startSandbox({ transitionMs: 150 });
    // Long enough steps that a job on B is still running when B is removed (test d).
    sandboxB = await startSandbox({ transitionMs: 2000 });
    a = await connectTo(api, sandboxA);
    b = await connectTo(api, sandboxB);
    const setup = new ScriptedUi();
    try {
      await vscode.commands.executeCommand('volumeExplorer.tryDemo');
    } finally {
      setup.dispose();
    }
    const found = api.context.connections.get('demo');
    assert.ok(found, 'the demo connection was added');
    demo = found;
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await removeAllConnections(api);
    await Promise.all([sandboxA?.close(), sandboxB?.close()]);
  });
  setup(() => {
    ui = new ScriptedUi();
  });
  teardown(() => ui.dispose());

  test('(a) a root row per connection with its label; each tree loads its own organizations; counts after expanding', async () => {
    const top = await children(api);
    assert.deepEqual(top.map((n) => n.kind), ['connection', 'connection', 'connection']);
    assert.deepEqual(top.map((n) => row(api, n).label), [hostOf(sandboxA), hostOf(sandboxB), 'Demo data']);
    const [rootA, rootB, rootDemo] = top;
    const staff = sandboxA.users.staff.username;
    assert.equal(row(api, rootA!).description, `${staff} @ ${hostOf(sandboxA)}`);
    assert.equal(row(api, rootB!).description, `${staff} @ ${hostOf(sandboxB)}`);
    assert.equal(row(api, rootDemo!).description, `${staff} @ ${new URL(demo.url!).host} (demo data)`);
    assert.equal(row(api, rootA!).contextValue, 'connection;type=waldur;state=ready;readonly=false;');
    assert.equal(row(api, rootDemo!).contextValue, 'connection;type=demo;state=ready;readonly=false;');
    assert.deepEqual(top.map((n) => row(api, n).icon), ['cloud', 'cloud', 'beaker']);
    assert.equal(api.context.view.description, '3 connections');
    assert.equal(api.context.view.message, undefined, 'the root rows say who is connected where');

    const sorted = (s: Sandbox): string[] => s.store.customers.map((c) => c.name).sort((x, y) => x.localeCompare(y));
    for (const [id, sandbox] of [[a.id, sandboxA], [b.id, sandboxB], ['demo', demoSandbox()]] as const) {
      const orgs = await organizations(api, id);
      assert.deepEqual(orgs.map((o) => row(api, o).label), sorted(sandbox), `organizations of ${id}`);
    }

    // The same seed gives both servers the same ids; their rows stay apart by connection.
    const v = sandboxB.store.volumes.find((x) => x.state === 'OK' && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK volume');
    assert.ok(sandboxA.store.volumes.some((x) => x.uuid === v.uuid), 'both sandboxes have the same seeded ids');
    const projectB = await projectRow(api, sandboxB, v.project_uuid, b.id);
    assert.equal(row(api, projectB).description, '', 'no count before the project is expanded');
    const volumesB = await children(api, projectB);
    const expected = sandboxB.store.volumes.filter((x) => x.project_uuid === v.project_uuid).length;
    assert.equal(volumesB.length, expected);
    assert.equal(row(api, projectB).description, `${expected} volume${expected === 1 ? '' : 's'}`, 'the project row counts its volumes');
    const orgB = projectB.parent as ScopeNode;
    const projects = sandboxB.store.projects.filter((p) => p.customer_uuid === orgB.scope.id).length;
    assert.equal(row(api, orgB).description, `${projects} project${projects === 1 ? '' : 's'}`, 'the organization row counts its projects');

    await volumeRow(api, sandboxA, v.uuid, a.id);
    const nodeA = api.context.tree.find(ref(a.id, 'volume', v.uuid));
    const nodeB = api.context.tree.find(ref(b.id, 'volume', v.uuid));
    assert.ok(nodeA && nodeB && nodeA !== nodeB, 'one row per connection for the same volume id');
    assert.equal(nodeB.id, refKey(ref(b.id, 'volume', v.uuid)));
    assert.notEqual(nodeA.id, nodeB.id);
  });

  test('(a) connecting to the same server again adds "host (2)"; Disconnect with several asks which', async () => {
    const again = await connectTo(api, sandboxA);
    assert.equal(again.record.label, `${hostOf(sandboxA)} (2)`);
    assert.equal(await api.context.extension.secrets.get(secretKey(again.id)), sandboxA.token);
    assert.equal((await children(api)).length, 4);

    ui.picks.push(`${hostOf(sandboxA)} (2)`);
    await vscode.commands.executeCommand('volumeExplorer.disconnect');
    assert.equal(ui.pickLists.length, 1, 'one quick pick');
    assert.deepEqual(ui.pickLists[0]!.map((i) => i.label), [hostOf(sandboxA), hostOf(sandboxB), 'Demo data', `${hostOf(sandboxA)} (2)`, 'All connections']);
    assert.equal(api.context.connections.get(again.id), undefined, 'the picked one is removed');
    assert.equal(await api.context.extension.secrets.get(secretKey(again.id)), undefined, 'its token is deleted');
    assert.equal(await api.context.extension.secrets.get(secretKey(a.id)), sandboxA.token, 'the first one keeps its token');
    assert.deepEqual((await children(api)).map((n) => n.kind === 'connection' && n.connectionId), [a.id, b.id, 'demo']);
  });

  test('(b) a revoked token marks only its own connection; the others go on', async () => {
    const token = sandboxA.token;
    const staff = sandboxA.store.users.find((u) => u._token === token);
    assert.ok(staff, 'sandbox A has the staff user');
    const pa = sandboxA.store.projects.find((p) => sandboxA.store.volumes.some((v) => v.project_uuid === p.uuid));
    assert.ok(pa, 'seed has a project with volumes');
    const projectA = await projectRow(api, sandboxA, pa.uuid, a.id);
    staff._token = 'revoked';
    try {
      api.context.refresh.node(projectA);
      const [failure, ...more] = await children(api, projectA);
      assert.equal(more.length, 0);
      assert.equal(failure!.kind, 'message');
      assert.match(row(api, failure!).label, /^Couldn't load volumes: /);
      await eventually(() => a.state === 'unauthorized', 'A to be marked unauthorized');
      const rootA = await rootRow(api, a.id);
      assert.match(row(api, rootA).description, /Token no longer accepted/);
      assert.equal(row(api, rootA).contextValue, 'connection;type=waldur;state=unauthorized;readonly=false;');
      assert.equal(row(api, rootA).icon, 'warning');
      await eventually(() => ui.shown.warning.includes(`${hostOf(sandboxA)} no longer accepts the saved token (HTTP 401). Reconnect with a new token?`), 'the offer to reconnect A');

      // B and the demo are untouched and still load.
      assert.equal(b.state, 'ready');
      assert.equal(demo.state, 'ready');
      const rootB = await rootRow(api, b.id);
      assert.doesNotMatch(row(api, rootB).description, /Token no longer accepted/);
      const projectB = await projectRow(api, sandboxB, pa.uuid, b.id);
      api.context.refresh.node(projectB);
      const rowsB = await children(api, projectB);
      assert.equal(rowsB.filter((n) => n.kind === 'volume').length, sandboxB.store.volumes.filter((v) => v.project_uuid === pa.uuid).length, 'B still lists its volumes');
      assert.equal(b.state, 'ready');
    } finally {
      staff._token = token;
    }

    // Reconnect A with its token: ready again, its rows load.
    ui.inputs.push(token);
    await vscode.commands.executeCommand('volumeExplorer.reconnect', { connectionId: a.id });
    assert.equal(a.state, 'ready');
    assert.match(ui.shown.info.join('\n'), new RegExp(`^Reconnected ${esc(hostOf(sandboxA))} as `, 'm'));
    assert.equal(row(api, await rootRow(api, a.id)).contextValue, 'connection;type=waldur;state=ready;readonly=false;');
    const reloaded = await children(api, await projectRow(api, sandboxA, pa.uuid, a.id));
    assert.ok(reloaded.length > 0 && reloaded.every((n) => n.kind === 'volume'), 'A lists volumes again');
  });

  test('(c) a job on B while a panel is open on the demo: both end, the status bar names B', async () => {
    const v = sandboxB.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !x.bootable && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available data volume');
    const node = await volumeRow(api, sandboxB, v.uuid, b.id);
    const dstore = demoSandbox().store;
    const dv = dstore.volumes.find((x) => x.state === 'OK' && x.backend_id && !/fail/.test(x.name));
    assert.ok(dv, 'the demo has an OK volume with a backend id');
    const demoRef = ref('demo', 'volume', dv.uuid);
    demoPanelRef = demoRef;

    await vscode.commands.executeCommand('volumeExplorer.showDetails', demoRef);
    const panel = await eventually(() => api.panels.get(demoRef), 'the demo panel');
    const model = await eventually(() => panel.shown, 'the demo panel data');
    assert.equal(model.name, dv.name);
    assert.equal(model.connectionLabel, 'Demo data', 'several connections: the panel names its connection');
    assert.ok(model.actions.some((x) => x.action === 'pull'), 'Pull is offered');
    await eventually(() => panelTabs().includes(`${dv.name} — Demo data`), 'the tab titled "name — Demo data"');

    const newGiB = gibOf(v.size) + 5;
    const sizeOnA = sandboxA.store.volumes.find((x) => x.uuid === v.uuid)?.size;
    ui.inputs.push(String(newGiB));
    ui.confirms.push('Extend');
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
    assert.equal(api.context.jobs.statusBarText, `$(sync~spin) ${b.record.label}: Extending ${v.name} to ${newGiB} GiB`);
    assert.ok(api.context.jobs.isRunning(node.ref, 'extend'));
    assert.equal(api.context.jobs.isRunning(ref(a.id, 'volume', v.uuid)), false, 'the same id on A runs nothing');

    await panel.onMessage({ type: 'action', action: 'pull' });
    await eventually(() => panel.jobShown?.running, 'the demo panel to show its running job');
    assert.ok(api.context.jobs.isRunning(node.ref, 'extend'), "B's job still runs");
    assert.equal(api.context.jobs.statusBarText, '$(sync~spin) 2 volume jobs');

    await jobsDone(api, 60_000);
    assert.equal(sandboxB.store.volumes.find((x) => x.uuid === v.uuid)!.size, newGiB * 1024, 'B extended');
    assert.equal(sandboxA.store.volumes.find((x) => x.uuid === v.uuid)?.size, sizeOnA, 'the same id on A is untouched');
    assert.equal(row(api, node).description, `${newGiB} GiB · available`);
    assert.ok(ui.shown.info.includes(`${b.record.label}: ${v.name} is now ${newGiB} GiB.`), ui.shown.info.join('\n'));
    assert.ok(ui.shown.info.includes(`Demo data: ${dv.name} is in sync with the backend.`), ui.shown.info.join('\n'));
    await eventually(() => panel.jobShown && !panel.jobShown.running, 'the demo panel to end its job');
    assert.match(panel.jobShown!.text, /is in sync with the backend/);
    assert.equal(panel.shown?.name, dv.name);
  });

  test('(d) removing B closes its panels, cancels its jobs, deletes its secret; A and the demo stay', async () => {
    const v = sandboxB.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !x.bootable && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available data volume');
    const refB = ref(b.id, 'volume', v.uuid);
    await vscode.commands.executeCommand('volumeExplorer.showDetails', refB);
    const panel = await eventually(() => api.panels.get(refB), "B's panel");
    await eventually(() => panel.shown, "B's panel data");
    await eventually(() => panelTabs().includes(`${v.name} — ${b.record.label}`), "B's tab");

    ui.inputs.push(String(gibOf(v.size) + 1));
    ui.confirms.push('Extend');
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', refB);
    const job = api.context.jobs.runningJob(refB, 'extend');
    assert.ok(job, 'the extend job on B runs');
    assert.equal(await api.context.extension.secrets.get(secretKey(b.id)), sandboxB.token);
    const labelB = b.record.label;

    await vscode.commands.executeCommand('volumeExplorer.disconnect', { connectionId: b.id });
    assert.equal(api.context.connections.get(b.id), undefined);
    assert.equal(api.context.jobs.isRunning(refB), false, 'its job stopped');
    const ended = api.context.jobs.jobs().recent.find((j) => j.id === job.id);
    assert.equal(ended?.state, 'cancelled');
    assert.equal(api.context.jobs.statusBarText, undefined, 'nothing left in the status bar');
    assert.equal(api.panels.get(refB), undefined, 'its panel closed');
    await eventually(() => !panelTabs().includes(`${v.name} — ${labelB}`), 'its tab to close');
    assert.ok(ui.shown.info.includes('Its detail panel was closed: the connection was removed.'), ui.shown.info.join('\n'));
    assert.ok(ui.shown.info.includes(`Disconnected from ${labelB}; the token was removed.`), ui.shown.info.join('\n'));
    assert.equal(await api.context.extension.secrets.get(secretKey(b.id)), undefined, 'its secret is gone');
    const saved = api.context.extension.globalState.get<ConnectionRecord[]>(CONNECTIONS_KEY) ?? [];
    assert.deepEqual(saved.map((r) => r.id), [a.id, 'demo']);

    // A and the demo untouched: states, token, the demo's panel, their rows.
    assert.equal(a.state, 'ready');
    assert.equal(demo.state, 'ready');
    assert.equal(await api.context.extension.secrets.get(secretKey(a.id)), sandboxA.token);
    assert.ok(demoPanelRef && api.panels.get(demoPanelRef), "the demo's panel stays open");
    const top = await children(api);
    assert.deepEqual(top.map((n) => row(api, n).label), [hostOf(sandboxA), 'Demo data'], 'two root rows left');
    assert.equal(api.context.tree.find(refB), undefined, "B's rows are forgotten");
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(!ui.shown.error.some((m) => m.includes(v.name)), `no failure reported for the cancelled job: ${ui.shown.error.join(' | ')}`);
  });

  test('(e) a read-only connection offers no action and refuses one asked for, sending nothing', async () => {
    await vscode.commands.executeCommand('volumeExplorer.setReadOnly', { connectionId: 'demo' });
    assert.equal(demo.record.readOnly, true);
    assert.ok(ui.shown.info.includes('Demo data is read-only: no action is offered on its resources.'), ui.shown.info.join('\n'));
    const rootDemo = await rootRow(api, 'demo');
    assert.equal(row(api, rootDemo).contextValue, 'connection;type=demo;state=ready;readonly=true;');
    assert.match(row(api, rootDemo).description, / · read-only$/);

    const server = demoSandbox();
    const dv = server.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !x.bootable && !/fail/.test(x.name));
    assert.ok(dv, 'the demo has an OK, available data volume');
    const node = await volumeRow(api, server, dv.uuid, 'demo');
    const rows = (await children(api, node.parent)).filter((n): n is VolumeNode => n.kind === 'volume');
    assert.ok(rows.length > 1);
    for (const n of rows) assert.match(row(api, n).contextValue, /;can=;$/, `${n.volume.name}: no action in its menu`);
    const snaps = (await children(api, node)).filter((n) => n.kind === 'snapshot');
    for (const s of snaps) assert.match(row(api, s).contextValue, /;can=;$/);

    const before = { requests: server.requestCount, size: dv.size, state: dv.state, runtime: dv.runtime_state };
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', ref('demo', 'volume', dv.uuid));
    assert.deepEqual(ui.shown.warning, ['The connection Demo data is read-only: no actions are offered.']);
    assert.deepEqual(ui.shown.prompts, [], 'refused before any prompt');
    assert.equal(server.requestCount - before.requests, 1, 'only the re-read (one GET)');
    const after = server.store.volumes.find((x) => x.uuid === dv.uuid)!;
    assert.deepEqual({ size: after.size, state: after.state, runtime: after.runtime_state }, { size: before.size, state: before.state, runtime: before.runtime }, 'nothing changed on the server');
    assert.equal(api.context.jobs.statusBarText, undefined, 'no job');

    // The demo's open panel offers no button either once it re-reads.
    const open = demoPanelRef && api.panels.get(demoPanelRef);
    assert.ok(open, "the demo's panel is still open");
    await open.refresh();
    assert.deepEqual(open.shown?.actions, []);
    assert.equal(open.shown?.actionsNote, 'This connection is read-only: no actions are offered.');

    // A is not read-only.
    const va = sandboxA.store.volumes.find((x) => x.uuid === dv.uuid);
    assert.ok(va, 'A has the same seeded volume');
    const nodeA = await volumeRow(api, sandboxA, va.uuid, a.id);
    assert.match(row(api, nodeA).contextValue, /;can=[a-z]+(,[a-z]+)*;$/, 'A still offers actions');
  });

  test('(f) labels and read-only flags are saved in global state, tokens only in SecretStorage', async () => {
    ui.inputs.push('Demo data');
    await vscode.commands.executeCommand('volumeExplorer.renameConnection', { connectionId: a.id });
    assert.match(ui.shown.prompts.join('\n'), /invalid: Another connection has that label\./);
    assert.equal(a.record.label, hostOf(sandboxA), 'a taken label is refused');

    ui.inputs.push('  Sandbox A  ');
    await vscode.commands.executeCommand('volumeExplorer.renameConnection', { connectionId: a.id });
    assert.equal(row(api, await rootRow(api, a.id)).label, 'Sandbox A');

    const saved = api.context.extension.globalState.get<ConnectionRecord[]>(CONNECTIONS_KEY);
    assert.ok(Array.isArray(saved));
    assert.deepEqual(saved.map((r) => ({ id: r.id, label: r.label, readOnly: r.readOnly, descriptor: r.descriptor })), [
      { id: a.id, label: 'Sandbox A', readOnly: false, descriptor: { kind: 'waldur', url: sandboxA.url } },
      { id: 'demo', label: 'Demo data', readOnly: true, descriptor: { kind: 'demo' } },
    ]);
    const json = JSON.stringify(saved);
    for (const secret of [sandboxA.token, sandboxB.token, demoSandbox().token]) assert.equal(json.includes(secret), false, 'no token in global state');
    assert.equal(JSON.stringify(vscode.workspace.getConfiguration('volumeExplorer')).includes(sandboxA.token), false, 'no token in settings');

    // What a reload restores from: the same store over the same global state and secrets.
    const store = new ConnectionStore(api.context.extension.globalState, api.context.extension.secrets);
    assert.deepEqual(store.list().map((r) => [r.id, r.label, r.readOnly]), [[a.id, 'Sandbox A', false], ['demo', 'Demo data', true]]);
    assert.equal(await store.secret(a.id), sandboxA.token);

    await vscode.commands.executeCommand('volumeExplorer.allowActions', { connectionId: 'demo' });
    assert.equal(store.get('demo')?.readOnly, false, 'allowing actions is saved too');
    assert.equal(row(api, await rootRow(api, 'demo')).contextValue, 'connection;type=demo;state=ready;readonly=false;');
  });
});
