import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox } from '../../../src/sandbox';
import type { SnapshotNode, TreeNode, VolumeNode } from '../../../src/tree/nodes';
import { ScriptedUi, children, connectTo, extensionApi, jobsDone as waitForJobs, projectRow, projectRows as rowsOf, removeAllConnections, row, startSandbox, volumeRow as rowOf } from './helpers';

/** Destructive actions, multi-select and snapshot edits, end to end in a real VS Code. */
suite('delete, unlink, multi-select and edits (real VS Code, local Waldur)', function () {
  this.timeout(90_000);
  let api: VolumeExplorerApi;
  let sandbox: Sandbox;
  let ui: ScriptedUi;

  suiteSetup(async () => {
    api = await extensionApi();
    await removeAllConnections(api);
    sandbox = await startSandbox({ transitionMs: 100 });
    await connectTo(api, sandbox);
  });
  suiteTeardown(async () => {
    await removeAllConnections(api);
    await sandbox.close();
  });
  setup(() => {
    ui = new ScriptedUi();
  });
  teardown(() => ui.dispose());

  const projectRows = (projectId: string): Promise<TreeNode[]> => rowsOf(api, sandbox, projectId);
  const volumeRow = (id: string): Promise<VolumeNode> => rowOf(api, sandbox, id);
  const jobsDone = (): Promise<void> => waitForJobs(api);

  test('delete volume: modal, type the name, the order is shown, the row goes', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && x.marketplace_resource_uuid && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available marketplace volume');
    const node = await volumeRow(v.uuid);
    ui.confirms.push('Delete…');
    ui.inputs.push('not the name');
    await vscode.commands.executeCommand('volumeExplorer.deleteVolume', node);
    assert.match(ui.shown.prompts.join('\n'), /invalid: Type the exact name/);
    assert.ok(sandbox.store.volumes.includes(v), 'a wrong name sends nothing');

    ui.confirms.push('Delete…');
    ui.inputs.push(v.name);
    await vscode.commands.executeCommand('volumeExplorer.deleteVolume', node);
    assert.match(ui.shown.info.join('\n'), /^Termination order [0-9a-f]{32} was created for .+ It may need approval/m);
    await jobsDone();
    assert.ok(!sandbox.store.volumes.some((x) => x.uuid === v.uuid), 'deleted on the server');
    const rows = await projectRows(v.project_uuid);
    assert.ok(!rows.some((n) => n.kind === 'volume' && n.volume.id === v.uuid), 'gone from the tree');
  });

  test('unlink volume (staff): warns that the backend is untouched, type the name, the row goes', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available volume');
    const node = await volumeRow(v.uuid);
    assert.match(row(api, node).contextValue, /;can=([^;]*,)?unlink(,|;)/, 'staff: Unlink is in its menu');
    ui.confirms.push('Unlink…');
    ui.inputs.push(v.name);
    await vscode.commands.executeCommand('volumeExplorer.unlinkVolume', node);
    assert.ok(!sandbox.store.volumes.some((x) => x.uuid === v.uuid), 'the record is gone');
    assert.match(ui.shown.info.join('\n'), /was unlinked from Waldur; the backend volume was not touched/);
    const rows = await projectRows(v.project_uuid);
    assert.ok(!rows.some((n) => n.kind === 'volume' && n.volume.id === v.uuid));
  });

  test('multi-select: delete two snapshots with one confirmation listing both', async () => {
    const volume = sandbox.store.volumes.find((x) => x.state === 'OK' && !/fail/.test(x.name) && x.runtime_state === 'available');
    assert.ok(volume, 'seed has an OK, available volume');
    const node = await volumeRow(volume.uuid);
    for (const name of ['multi-a', 'multi-b']) {
      ui.inputs.push(name, '', '');
      await vscode.commands.executeCommand('volumeExplorer.snapshotVolume', node);
    }
    await jobsDone();
    api.context.refresh.node(node);
    const snaps = (await children(api, node)).filter((n): n is SnapshotNode => n.kind === 'snapshot' && /^multi-/.test(n.snapshot.name));
    assert.equal(snaps.length, 2);
    ui.confirms.push('Delete');
    await vscode.commands.executeCommand('volumeExplorer.deleteSnapshot', snaps[0], snaps);
    assert.match(ui.shown.warning.join('\n'), /^Delete 2 snapshots\?/m);
    await jobsDone();
    assert.ok(!sandbox.store.snapshots.some((s) => /^multi-/.test(s.name)), 'both deleted on the server');
  });

  test('multi-select: pull two volumes; a volume that is busy is reported, the other pulled', async () => {
    const pullable = sandbox.store.volumes.filter((x) => x.state === 'OK' && x.backend_id && !/fail/.test(x.name));
    const a = pullable.find((x) => pullable.some((y) => y !== x && y.project_uuid === x.project_uuid));
    const b = pullable.find((y) => y !== a && y.project_uuid === a?.project_uuid);
    assert.ok(a && b, 'two volumes in one project');
    const [na, nb] = [await volumeRow(a.uuid), await volumeRow(b.uuid)];
    b.state = 'Updating';
    try {
      ui.confirms.push('Pull');
      await vscode.commands.executeCommand('volumeExplorer.pullVolume', na, [na, nb]);
      assert.match(ui.shown.error.join('\n'), new RegExp(`^Pull failed for 1 of 2: ${b.name}: .*busy`, 'm'));
    } finally {
      b.state = 'OK';
    }
    await jobsDone();
    assert.match(ui.shown.info.join('\n'), new RegExp(`${a.name} is in sync with the backend`));
  });

  test('snapshot: pull is followed to the end; rename; unlink (staff) removes the record', async () => {
    const snap = sandbox.store.snapshots.find((s) => s.state === 'OK' && s.backend_id && !/fail/.test(s.name) && sandbox.store.volumes.some((v) => v.uuid === s._source_volume_uuid));
    assert.ok(snap, 'seed has an OK snapshot with a backend id and its volume');
    const volume = await volumeRow(snap._source_volume_uuid);
    const node = (await children(api, volume)).find((n): n is SnapshotNode => n.kind === 'snapshot' && n.snapshot.id === snap.uuid);
    assert.ok(node, `snapshot ${snap.name} is listed`);
    assert.match(row(api, node).contextValue, /^snapshot;status=stable;busy=false;can=([^;]*,)?unlink(,|;)/, 'staff: Unlink is in its menu');
    await vscode.commands.executeCommand('volumeExplorer.pullSnapshot', node);
    await jobsDone();
    assert.match(ui.shown.info.join('\n'), new RegExp(`${snap.name} is in sync with the backend`));

    const renamed = `${snap.name}-renamed`;
    ui.picks.push('Name');
    ui.inputs.push(renamed);
    await vscode.commands.executeCommand('volumeExplorer.editSnapshot', node);
    assert.equal(sandbox.store.snapshots.find((s) => s.uuid === snap.uuid)!.name, renamed);
    assert.equal(row(api, node).label, renamed);

    ui.confirms.push('Unlink…');
    ui.inputs.push(renamed);
    await vscode.commands.executeCommand('volumeExplorer.unlinkSnapshot', node);
    assert.ok(!sandbox.store.snapshots.some((s) => s.uuid === snap.uuid), 'the record is gone');
    assert.ok(!(await children(api, volume)).some((n) => n.kind === 'snapshot' && n.snapshot.id === snap.uuid), 'the row is gone');
  });

  test('hidden characters: a server name with U+202E shows neutralised in row and tooltip; typing one is refused before anything is sent', async () => {
    const v = sandbox.store.volumes.find((x) => x.state === 'OK' && x.runtime_state === 'available' && !/fail/.test(x.name));
    assert.ok(v, 'seed has an OK, available volume');
    const original = v.name;
    v.name = `report-\u202eexe.txt\nsecond line`;
    try {
      api.context.refresh.node(await projectRow(api, sandbox, v.project_uuid)); // the rows read again
      const node = await volumeRow(v.uuid);
      assert.equal(row(api, node).label, 'report-\ufffdexe.txt second line', 'the override is a visible U+FFFD, the line break a space');
      const tooltip = (api.context.tree.getTreeItem(node).tooltip as vscode.MarkdownString).value;
      assert.ok(!tooltip.includes('\u202e') && !tooltip.includes('\n\nsecond'), tooltip.slice(0, 200));

      const requests = sandbox.requestCount;
      ui.picks.push('Name');
      ui.inputs.push('clean\u202egpj.exe');
      await vscode.commands.executeCommand('volumeExplorer.editVolume', node);
      assert.ok(ui.shown.prompts.includes('invalid: The volume name contains a right-to-left override (U+202E) at position 6, which would make it read differently from what it is; remove it.'), ui.shown.prompts.join('\n'));
      assert.equal(sandbox.requestCount - requests, 1, 'only the re-read before the prompt, no PATCH');
      assert.equal(v.name, 'report-\u202eexe.txt\nsecond line');
    } finally {
      v.name = original;
    }
  });

  test('edit snapshot keep-until: a past date is refused as typed; a future one is saved', async () => {
    const snap = sandbox.store.snapshots.find((s) => s.state === 'OK' && sandbox.store.volumes.some((v) => v.uuid === s._source_volume_uuid));
    assert.ok(snap, 'seed has an OK snapshot and its volume');
    const volume = await volumeRow(snap._source_volume_uuid);
    const node = (await children(api, volume)).find((n): n is SnapshotNode => n.kind === 'snapshot' && n.snapshot.id === snap.uuid);
    assert.ok(node, `snapshot ${snap.name} is listed`);
    const stored = () => sandbox.store.snapshots.find((s) => s.uuid === snap.uuid)!;
    const before = { kept: stored().kept_until, modified: stored().modified };
    ui.picks.push('Keep until');
    ui.inputs.push('2001-01-01');
    await vscode.commands.executeCommand('volumeExplorer.editSnapshot', node);
    assert.match(ui.shown.prompts.join('\n'), /invalid: The keep-until date must be in the future/);
    assert.deepEqual({ kept: stored().kept_until, modified: stored().modified }, before, 'nothing sent');

    ui.picks.push('Keep until');
    ui.inputs.push('2031-06-30');
    await vscode.commands.executeCommand('volumeExplorer.editSnapshot', node);
    assert.equal(sandbox.store.snapshots.find((s) => s.uuid === snap.uuid)!.kept_until?.slice(0, 10), '2031-06-30');
    assert.match(row(api, node).description, /kept until 2031-06-30$/);
  });
});
