import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox } from '../../../src/sandbox';
import type { TreeNode, VolumeNode } from '../../../src/tree/nodes';
import type { Connection } from '../../../src/connections/manager';
import { ScriptedUi, children, connectTo, eventually, extensionApi, jobsDone as waitForJobs, removeAllConnections, row, startSandbox, volumeRow as rowOf } from './helpers';

/**
 * Every action end to end against the local Waldur, in a real VS Code: prompts answered as a
 * person would, the server's state checked, the tree row and the status bar followed.
 */
suite('volume and snapshot actions (real VS Code, local Waldur)', function () {
  this.timeout(90_000);
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;
  let connection: Connection;
  let ui: ScriptedUi;

  suiteSetup(async () => {
    api = await extensionApi();
    await removeAllConnections(api);
    sandbox = await startSandbox({ transitionMs: 100 });
    connection = await connectTo(api, sandbox);
  });
  suiteTeardown(async () => {
    await removeAllConnections(api);
    await sandbox.close();
  });
  setup(() => {
    ui = new ScriptedUi();
  });
  teardown(() => ui.dispose());

  const storeVolume = (id: string) => sandbox.store.volumes.find((v) => v.uuid === id);

  const volumeRow = (id: string): Promise<VolumeNode> => rowOf(api, sandbox, id);
  const jobsDone = (): Promise<void> => waitForJobs(api);

  /** A volume the server will let us attach: OK, available, not bootable, with an eligible instance. */
  async function attachable(): Promise<{ id: string; instance: string }> {
    const backend = connection.backend!;
    for (const v of sandbox.store.volumes) {
      if (v.state !== 'OK' || v.runtime_state !== 'available' || v.bootable || /fail/.test(v.name)) continue;
      const instances = await backend.listAttachableInstances(await backend.getVolume(v.uuid));
      if (instances.length) return { id: v.uuid, instance: instances[0]!.name };
    }
    throw new Error('no attachable volume in the seed');
  }

  test('attach → in-use, with the status-bar item while the job runs and gone after', async () => {
    const { id, instance } = await attachable();
    const node = await volumeRow(id);
    ui.picks.push(instance);
    await vscode.commands.executeCommand('volumeExplorer.attachVolume', node);
    assert.match(api.context.jobs.statusBarText ?? '', /^\$\(sync~spin\) Attaching /);
    assert.equal(row(api, node).icon, 'sync~spin', 'the row spins while the job runs');
    await jobsDone();
    assert.equal(storeVolume(id)!.runtime_state, 'in-use');
    assert.equal(row(api, node).description, `${(storeVolume(id)!.size ?? 0) / 1024} GiB · in-use · → ${instance}`);
    assert.match(row(api, node).contextValue, /^volume;status=stable;attached=true;busy=false;/);
    assert.match(ui.shown.info.join('\n'), new RegExp(`is attached to ${instance} as /dev/`));
  });

  test('detach → available (after a modal confirmation)', async () => {
    const v = sandbox.store.volumes.find((x) => x.runtime_state === 'in-use' && !x.bootable && x.state === 'OK' && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, in-use data volume');
    const node = await volumeRow(v.uuid);
    ui.confirms.push('Detach');
    await vscode.commands.executeCommand('volumeExplorer.detachVolume', node);
    await jobsDone();
    assert.equal(storeVolume(v.uuid)!.runtime_state, 'available');
    assert.equal(row(api, node).description, `${(v.size ?? 0) / 1024} GiB · available`);
  });

  test('detach of a system volume is refused before any request', async () => {
    const boot = sandbox.store.volumes.find((x) => x.bootable && x.runtime_state === 'in-use' && x.state === 'OK');
    assert.ok(boot, 'seed has an OK system volume');
    const node = await volumeRow(boot.uuid);
    assert.doesNotMatch(row(api, node).contextValue, /;can=([^;]*,)?detach(,|;)/, 'no Detach in its menu');
    await vscode.commands.executeCommand('volumeExplorer.detachVolume', node);
    assert.deepEqual(ui.shown.warning, ["A system volume can't be detached."]);
    assert.equal(storeVolume(boot.uuid)!.runtime_state, 'in-use');
  });

  test('extend → the new size; bad sizes are answered before any request', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && !x.bootable && x.runtime_state === 'available' && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available data volume');
    const node = await volumeRow(v.uuid);
    const gib = (v.size ?? 0) / 1024;
    const before = sandbox.requestCount;
    ui.inputs.push('12.5');
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
    assert.match(ui.shown.prompts.join('\n'), /invalid: Enter a whole number of GiB, at least/);
    ui.inputs.push(String(gib));
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
    assert.match(ui.shown.prompts.join('\n'), new RegExp(`invalid: The new size must be at least ${gib + 1} GiB`));
    assert.equal(sandbox.requestCount - before, 4, 'only the two re-reads of the volume and the two quota reads (pre-flight), no POST');
    assert.equal(storeVolume(v.uuid)!.size, v.size);

    ui.inputs.push(String(gib + 10));
    ui.confirms.push(undefined); // the person reads "from … to …" and cancels: nothing is sent
    const beforeCancel = sandbox.requestCount;
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
    assert.equal(sandbox.requestCount - beforeCancel, 2, 'cancelled at the confirmation: only the re-read and the quota read');
    assert.ok(ui.shown.warning.includes(`Extend ${v.name} from ${gib} GiB to ${gib + 10} GiB?`), ui.shown.warning.join('\n'));
    ui.inputs.push(String(gib + 10));
    ui.confirms.push('Extend');
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
    await jobsDone();
    assert.equal(storeVolume(v.uuid)!.size, (gib + 10) * 1024, 'sent in MiB');
    assert.ok(row(api, node).description.startsWith(`${gib + 10} GiB`));
    assert.match(ui.shown.info.join('\n'), new RegExp(`is now ${gib + 10} GiB`));
  });

  test('a failing extend shows the API error message', async () => {
    const v = sandbox.store.volumes.find((x) => /fail/.test(x.name) && x.state === 'OK' && !x.bootable);
    assert.ok(v, 'seed has an OK volume whose actions fail');
    const node = await volumeRow(v.uuid);
    ui.inputs.push(String((v.size ?? 0) / 1024 + 1));
    ui.confirms.push('Extend');
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
    await jobsDone();
    assert.equal(storeVolume(v.uuid)!.state, 'Erred');
    const error = ui.shown.error.find((m) => m.startsWith('Extend failed: '));
    assert.ok(error, ui.shown.error.join('\n'));
    assert.ok(error.includes(storeVolume(v.uuid)!.error_message), error);
    assert.equal(row(api, node).icon, 'error');
  });

  test('retype to another type of the tenant', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available volume');
    const node = await volumeRow(v.uuid);
    let target = '';
    ui.picks.push((items) => {
      assert.ok(!items.some((i) => i.label === v.type_name), 'the current type is not offered');
      target = items[0]!.label;
      return items[0];
    });
    await vscode.commands.executeCommand('volumeExplorer.retypeVolume', node);
    await jobsDone();
    assert.equal(storeVolume(v.uuid)!.type_name, target);
  });

  test('snapshot → a new child row; restore → a new volume, revealed; delete snapshot → gone', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && !/fail/.test(x.name) && x.runtime_state === 'available');
    assert.ok(v, 'seed has an OK, available volume');
    const node = await volumeRow(v.uuid);
    const name = `${v.name}-it-snap`;
    ui.inputs.push(name, 'made by the integration test', '');
    await vscode.commands.executeCommand('volumeExplorer.snapshotVolume', node);
    await jobsDone();
    const snapNode = await eventually(async () => (await children(api, node)).find((n) => n.kind === 'snapshot' && n.snapshot.name === name), 'the snapshot row');
    assert.match(row(api, snapNode).description, /kept forever$/);

    const restored = `${name}-restored`;
    ui.inputs.push(restored, `Restored from snapshot ${name}`);
    await vscode.commands.executeCommand('volumeExplorer.restoreSnapshot', snapNode);
    await jobsDone();
    const created = sandbox.store.volumes.find((x) => x.name === restored);
    assert.ok(created, 'the server has the new volume');
    await eventually(() => {
      const selected = api.context.view.selection[0] as TreeNode | undefined;
      return selected?.kind === 'volume' && selected.volume.name === restored;
    }, 'the restored volume to be revealed and selected');

    ui.confirms.push('Delete');
    await vscode.commands.executeCommand('volumeExplorer.deleteSnapshot', snapNode);
    await jobsDone();
    assert.ok(!sandbox.store.snapshots.some((s) => s.name === name), 'deleted on the server');
    const left = await children(api, node);
    assert.ok(!left.some((n) => n.kind === 'snapshot' && n.snapshot.name === name), 'gone from the tree');
  });

  test('cancelling a prompt sends nothing; a state changed behind our back is caught by the re-read', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !x.bootable && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available data volume');
    const node = await volumeRow(v.uuid);
    ui.inputs.push(undefined);
    const before = sandbox.requestCount;
    await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
    assert.equal(sandbox.requestCount - before, 2, 'only the re-read and the quota read (pre-flight)');

    storeVolume(v.uuid)!.state = 'Erred';
    try {
      const prompts = ui.shown.prompts.length;
      const snapshots = sandbox.store.snapshots.length;
      await vscode.commands.executeCommand('volumeExplorer.snapshotVolume', node);
      assert.equal(ui.shown.prompts.length, prompts, 'refused before the first prompt');
      assert.equal(sandbox.store.snapshots.length, snapshots, 'no snapshot created');
      assert.match(ui.shown.warning.join('\n'), /is Erred; this needs state OK\./);
      assert.match(row(api, node).contextValue, /^volume;status=error;/, 'the row shows the fresh state');
      assert.equal(row(api, node).icon, 'error');
    } finally {
      storeVolume(v.uuid)!.state = 'OK';
    }
  });

  test('a 400 from the server is shown with its field errors (the quota shrank after the pre-flight read it)', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && !x.bootable && x.runtime_state === 'available' && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available data volume');
    const node = await volumeRow(v.uuid);
    const tenant = sandbox.store.tenants.find((t) => t.uuid === v.tenant_uuid)!;
    const quota = tenant.storage_quota;
    // The pre-flight read the quota before the prompt; it shrinks while the person types.
    ui.inputs.push(() => {
      tenant.storage_quota = 1024;
      return String(Math.ceil((v.size ?? 0) / 1024) + 1);
    });
    ui.confirms.push('Extend');
    try {
      await vscode.commands.executeCommand('volumeExplorer.extendVolume', node);
      await eventually(() => ui.shown.error.length > 0, 'an error message');
    } finally {
      tenant.storage_quota = quota;
    }
    assert.match(ui.shown.error[0]!, /^disk_size: /);
    assert.equal(api.context.jobs.statusBarText, undefined, 'no job for a refused request');
  });
});
