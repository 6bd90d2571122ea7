import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox } from '../../../src/sandbox';
import { ScriptedUi, children, extensionApi, row, startSandbox } from './helpers';

suite('connect and browse (real VS Code, local Waldur)', () => {
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;

  suiteSetup(async () => {
    api = await extensionApi();
    sandbox = await startSandbox();
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('volumeExplorer.disconnect');
    await sandbox.close();
  });

  test('not connected: the tree is empty so the welcome view shows', async () => {
    await vscode.commands.executeCommand('volumeExplorer.disconnect');
    assert.deepEqual(await children(api), []);
  });

  test('a wrong token is refused with a clear message and nothing is saved', async () => {
    const ui = new ScriptedUi();
    try {
      ui.inputs.push(`${sandbox.url}/api/`, 'not-the-token');
      await vscode.commands.executeCommand('volumeExplorer.connect');
      assert.equal(api.context.connections.connection, undefined);
      assert.match(ui.shown.error.join('\n'), /did not accept the token \(HTTP 401\)\. Nothing was saved/);
      assert.equal(await api.context.extension.secrets.get(`volumeExplorer.token:${sandbox.url}`), undefined);
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
      assert.equal(api.context.connections.connection, undefined);
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
    const c = api.context.connections.connection;
    assert.ok(c, 'connected');
    assert.equal(c.url, sandbox.url);
    assert.equal(await api.context.extension.secrets.get(`volumeExplorer.token:${sandbox.url}`), sandbox.token);
    assert.equal(JSON.stringify(vscode.workspace.getConfiguration('volumeExplorer')).includes(sandbox.token), false, 'token not in settings');
    assert.equal(api.context.view.description, `${sandbox.users.staff.username} @ ${new URL(sandbox.url).host}`);
    assert.equal(api.context.view.message, `Connected: ${sandbox.users.staff.username} @ ${new URL(sandbox.url).host}`);
  });

  test('expand organization → project → volume → snapshot; labels and descriptions', async () => {
    const store = sandbox.store;
    const orgs = await children(api);
    assert.deepEqual(orgs.map((o) => row(api, o).label), store.customers.map((c) => c.name).sort((a, b) => a.localeCompare(b)));

    // Find a volume with a snapshot, and walk to it through the tree.
    const snap = store.snapshots.find((s) => s.state === 'OK' && store.volumes.some((v) => v.uuid === s._source_volume_uuid))!;
    const volume = store.volumes.find((v) => v.uuid === snap._source_volume_uuid)!;
    const orgNode = orgs.find((o) => row(api, o).label === volume.customer_name)!;
    assert.ok(orgNode, `organization ${volume.customer_name}`);
    const projects = await children(api, orgNode);
    const projectNode = projects.find((p) => row(api, p).label === volume.project_name)!;
    assert.ok(projectNode, `project ${volume.project_name}`);

    const volumes = await children(api, projectNode);
    assert.equal(volumes.length, store.volumes.filter((v) => v.project_uuid === volume.project_uuid).length);
    const volumeNode = volumes.find((v) => v.kind === 'volume' && v.volume.id === volume.uuid)!;
    const vr = row(api, volumeNode);
    assert.equal(vr.label, volume.name);
    assert.ok(vr.description.startsWith(`${(volume.size ?? 0) / 1024} GiB · ${volume.runtime_state}`), vr.description);
    if (volume.instance_name) assert.ok(vr.description.endsWith(`→ ${volume.instance_name}`), vr.description);
    assert.match(vr.contextValue, /^volume;state=/);

    const snapshots = await children(api, volumeNode);
    const sr = row(api, snapshots.find((s) => s.kind === 'snapshot' && s.snapshot.id === snap.uuid)!);
    assert.equal(sr.label, snap.name);
    assert.match(sr.description, new RegExp(`^${snap.size / 1024} GiB · \\d{4}-\\d{2}-\\d{2} · (kept forever|kept until \\d{4}-\\d{2}-\\d{2})$`));
  });

  test('erred volumes show the error icon; an empty project says so', async () => {
    const erred = sandbox.store.volumes.find((v) => v.state === 'Erred')!;
    const orgNode = (await children(api)).find((o) => row(api, o).label === erred.customer_name)!;
    const projectNode = (await children(api, orgNode)).find((p) => row(api, p).label === erred.project_name)!;
    const node = (await children(api, projectNode)).find((v) => v.kind === 'volume' && v.volume.id === erred.uuid)!;
    assert.equal(row(api, node).icon, 'error');
    const empty = sandbox.store.projects.find((p) => !sandbox.store.volumes.some((v) => v.project_uuid === p.uuid));
    if (empty) {
      const org = (await children(api)).find((o) => o.kind === 'organization' && o.organization.id === empty.customer_uuid)!;
      const p = (await children(api, org)).find((n) => n.kind === 'project' && n.project.id === empty.uuid)!;
      assert.deepEqual((await children(api, p)).map((n) => row(api, n).label), ['No volumes in this project']);
    }
  });

  test('a failing load is a child node with Retry, and Retry recovers', async () => {
    const orgNode = (await children(api))[0]!;
    const project = (await children(api, orgNode))[0]!;
    const token = sandbox.users.staff.token;
    const staff = sandbox.store.users.find((u) => u._token === token)!;
    staff._token = 'revoked';
    const ui = new ScriptedUi();
    try {
      api.context.tree.refresh(project);
      const [failure] = await children(api, project);
      assert.equal(failure!.kind, 'message');
      assert.match(row(api, failure!).label, /^Couldn't load volumes: /);
      assert.equal(row(api, failure!).contextValue, 'message;error;');
      staff._token = token;
      await vscode.commands.executeCommand('volumeExplorer.retry', failure);
      const reloaded = await children(api, project);
      assert.ok(reloaded.every((n) => n.kind === 'volume'), 'volumes again after retry');
    } finally {
      staff._token = token;
      ui.dispose();
    }
  });

  test('disconnect forgets the token', async () => {
    await vscode.commands.executeCommand('volumeExplorer.disconnect');
    assert.equal(api.context.connections.connection, undefined);
    assert.equal(await api.context.extension.secrets.get(`volumeExplorer.token:${sandbox.url}`), undefined);
    assert.equal(api.context.view.message, undefined);
  });
});
