import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import { CONNECTIONS_KEY, secretKey } from '../../../src/connections/store';
import type { Sandbox } from '../../../src/sandbox';
import type { ScopeNode, VolumeNode } from '../../../src/tree/nodes';
import { ScriptedUi, children, eventually, extensionApi, organizations, projectRow, removeAllConnections, row, startSandbox } from './helpers';

suite('connect and browse (real VS Code, local Waldur)', () => {
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;

  suiteSetup(async () => {
    api = await extensionApi();
    sandbox = await startSandbox();
  });
  suiteTeardown(async () => {
    await removeAllConnections(api);
    await sandbox.close();
  });

  test('not connected: the tree is empty so the welcome view shows', async () => {
    await removeAllConnections(api);
    assert.equal(api.context.connections.count, 0);
    assert.deepEqual(await children(api), []);
  });

  test('a wrong token is refused with a clear message and nothing is saved', async () => {
    const ui = new ScriptedUi();
    try {
      ui.inputs.push(`${sandbox.url}/api/`, 'not-the-token');
      await vscode.commands.executeCommand('volumeExplorer.connect');
      assert.equal(api.context.connections.count, 0);
      assert.match(ui.shown.error.join('\n'), /did not accept the token \(HTTP 401\)\. Nothing was saved/);
      assert.deepEqual(api.context.extension.globalState.get(CONNECTIONS_KEY) ?? [], [], 'no connection saved');
      assert.deepEqual(await children(api), [], 'still the welcome view');
    } finally {
      ui.dispose();
    }
  });

  test('plain http to a non-loopback host is refused before any request', async () => {
    const ui = new ScriptedUi();
    const before = sandbox.requestCount;
    try {
      ui.inputs.push('http://waldur.example.com/api/');
      await vscode.commands.executeCommand('volumeExplorer.connect');
      assert.match(ui.shown.prompts.join('\n'), /invalid: Use https/);
      assert.equal(sandbox.requestCount, before);
      assert.equal(api.context.connections.count, 0);
    } finally {
      ui.dispose();
    }
  });

  test('connect checks the token with /api/users/me/ and stores it in SecretStorage only', async () => {
    const ui = new ScriptedUi();
    try {
      ui.inputs.push(`${sandbox.url}/api/`, sandbox.token);
      await vscode.commands.executeCommand('volumeExplorer.connect');
    } finally {
      ui.dispose();
    }
    assert.equal(api.context.connections.count, 1, 'connected');
    const c = api.context.connections.all()[0]!;
    assert.equal(c.url, sandbox.url);
    assert.equal(c.state, 'ready');
    assert.equal(await api.context.extension.secrets.get(secretKey(c.id)), sandbox.token);
    assert.equal(JSON.stringify(api.context.extension.globalState.get(CONNECTIONS_KEY)).includes(sandbox.token), false, 'token not in global state');
    assert.equal(JSON.stringify(vscode.workspace.getConfiguration('volumeExplorer')).includes(sandbox.token), false, 'token not in settings');
    assert.equal(api.context.view.description, `${sandbox.users.staff.username} @ ${new URL(sandbox.url).host}`);
    assert.equal(api.context.view.message, `Connected: ${sandbox.users.staff.username} @ ${new URL(sandbox.url).host}`);
  });

  test('expand organization → project → volume → snapshot; labels and descriptions', async () => {
    const store = sandbox.store;
    const orgs = await organizations(api);
    assert.deepEqual(orgs.map((o) => row(api, o).label), store.customers.map((c) => c.name).sort((a, b) => a.localeCompare(b)));

    // Find a volume with a snapshot, and walk to it through the tree.
    const snap = store.snapshots.find((s) => s.state === 'OK' && store.volumes.some((v) => v.uuid === s._source_volume_uuid && v.state === 'OK' && v.instance_name));
    assert.ok(snap, 'seed has an OK snapshot of an OK, attached volume');
    const volume = store.volumes.find((v) => v.uuid === snap._source_volume_uuid)!;
    const orgNode = orgs.find((o) => row(api, o).label === volume.customer_name)!;
    assert.ok(orgNode, `organization ${volume.customer_name}`);
    const projects = await children(api, orgNode);
    const projectNode = projects.find((p) => row(api, p).label === volume.project_name)!;
    assert.ok(projectNode, `project ${volume.project_name}`);

    const volumes = await children(api, projectNode);
    assert.equal(volumes.length, store.volumes.filter((v) => v.project_uuid === volume.project_uuid).length);
    assert.equal(row(api, projectNode).description, `${volumes.length} volume${volumes.length === 1 ? '' : 's'}`, 'the project row counts its volumes once loaded');
    assert.equal(row(api, orgNode).description, `${projects.length} project${projects.length === 1 ? '' : 's'}`, 'the organization row counts its projects once loaded');
    const volumeNode = volumes.find((v): v is VolumeNode => v.kind === 'volume' && v.volume.id === volume.uuid);
    assert.ok(volumeNode, `volume ${volume.name} is listed`);
    const vr = row(api, volumeNode);
    assert.equal(vr.label, volume.name);
    assert.equal(vr.description, `${(volume.size ?? 0) / 1024} GiB · ${volume.runtime_state} · → ${volume.instance_name}`);
    assert.match(vr.contextValue, new RegExp(`^volume;status=stable;attached=true;busy=false;can=[a-z,]*;$`));

    const snapshots = await children(api, volumeNode);
    const snapNode = snapshots.find((s) => s.kind === 'snapshot' && s.snapshot.id === snap.uuid);
    assert.ok(snapNode, `snapshot ${snap.name} is listed`);
    const sr = row(api, snapNode);
    assert.equal(sr.label, snap.name);
    assert.match(sr.description, new RegExp(`^${snap.size / 1024} GiB · \\d{4}-\\d{2}-\\d{2} · (kept forever|kept until \\d{4}-\\d{2}-\\d{2})$`));
  });

  test('erred volumes show the error icon; an empty project says so', async () => {
    const erred = sandbox.store.volumes.find((v) => v.state === 'Erred');
    assert.ok(erred, 'seed has an erred volume');
    const projectNode = await projectRow(api, sandbox, erred.project_uuid);
    const node = (await children(api, projectNode)).find((v) => v.kind === 'volume' && v.volume.id === erred.uuid);
    assert.ok(node, `erred volume ${erred.name} is listed`);
    assert.equal(row(api, node).icon, 'error');
    assert.match(row(api, node).contextValue, /^volume;status=error;/);
    // The seed's header promises an empty project but every seeded project holds a volume (each
    // instance has a system volume), so the test adds one of its own to this sandbox.
    const model = sandbox.store.projects[0]!;
    const empty = { ...model, uuid: 'e0e0e0e0e0e04e0e8e0e0e0e0e0e0e0e', name: 'Empty Project', slug: 'empty-project', url: `${sandbox.url}/api/projects/e0e0e0e0e0e04e0e8e0e0e0e0e0e0e0e/` };
    assert.ok(!sandbox.store.volumes.some((v) => v.project_uuid === empty.uuid));
    sandbox.store.projects.push(empty);
    const org = (await organizations(api)).find((o) => o.scope.id === empty.customer_uuid);
    assert.ok(org, `organization ${empty.customer_name}`);
    api.context.refresh.node(org);
    const p = await projectRow(api, sandbox, empty.uuid);
    assert.deepEqual((await children(api, p)).map((n) => row(api, n).label), ['No volumes in this project']);
    assert.equal(row(api, p).description, '0 volumes');
  });

  test('a failing load is a child node with Retry, and Retry recovers', async () => {
    const orgNode = (await organizations(api))[0]!;
    const project = (await children(api, orgNode)).find((n): n is ScopeNode => n.kind === 'scope');
    assert.ok(project, 'the first organization has a project');
    const token = sandbox.users.staff.token;
    const staff = sandbox.store.users.find((u) => u._token === token)!;
    staff._token = 'revoked';
    const ui = new ScriptedUi();
    try {
      api.context.refresh.node(project);
      const [failure] = await children(api, project);
      assert.equal(failure!.kind, 'message');
      assert.match(row(api, failure!).label, /^Couldn't load volumes: /);
      assert.equal(row(api, failure!).contextValue, 'message;error;');
      // The 401 marks the connection (one connection: the view's message says so) and offers to reconnect.
      const c = api.context.connections.all()[0]!;
      await eventually(() => c.state === 'unauthorized', 'the connection to be marked unauthorized');
      await eventually(() => ui.shown.warning.some((m) => /no longer accepts the saved token \(HTTP 401\)\. Reconnect with a new token\?/.test(m)), 'the offer to reconnect');
      assert.match(api.context.view.message ?? '', /Token no longer accepted/);
      staff._token = token;
      await vscode.commands.executeCommand('volumeExplorer.retry', failure);
      const reloaded = await children(api, project);
      assert.ok(reloaded.length > 0 && reloaded.every((n) => n.kind === 'volume'), 'volumes again after retry');
      // The token works again (restored on the server): the mark goes with the next accepted request.
      await eventually(() => c.state === 'ready', 'the connection to be accepted again');
      assert.match(api.context.view.message ?? '', /^Connected: /);
    } finally {
      staff._token = token;
      ui.dispose();
    }
  });

  test('disconnect forgets the token', async () => {
    assert.equal(api.context.connections.count, 1);
    const c = api.context.connections.all()[0]!;
    assert.equal(await api.context.extension.secrets.get(secretKey(c.id)), sandbox.token, 'the token is saved before');
    const ui = new ScriptedUi();
    try {
      // One connection: Disconnect removes it without asking.
      await vscode.commands.executeCommand('volumeExplorer.disconnect');
    } finally {
      ui.dispose();
    }
    assert.deepEqual(ui.shown.prompts, [], 'no prompt with one connection');
    assert.equal(api.context.connections.count, 0);
    assert.equal(await api.context.extension.secrets.get(secretKey(c.id)), undefined);
    assert.deepEqual(api.context.extension.globalState.get(CONNECTIONS_KEY), []);
    assert.equal(api.context.view.message, undefined);
    assert.deepEqual(await children(api), []);
  });
});
