import { recorder, resetRecorder, EventEmitter } from './helpers/vscode-stub';
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors';
import type { Backend } from '../../src/backend/types';
import type { ConnectionManager } from '../../src/connection';
import { JobsController, type JobEndEvent } from '../../src/jobs/ui';
import type { Snapshot, Volume } from '../../src/model/types';
import { formatGiB } from '../../src/model/types';
import { VolumeTreeProvider } from '../../src/tree/provider';
import type { TreeNode, VolumeNode } from '../../src/tree/nodes';
import { anOrganization, aProject, aSnapshot, aVolume } from './builders/models';
import { FakeClock } from './helpers/fake-clock';

/** The VS Code glue of long jobs, against a stubbed `vscode`, a real tree and a scripted backend. */

type Read<R> = R | ApiError;

class ScriptedBackend {
  volumes: Volume[] = [aVolume(), aVolume({ id: 'vol2', name: 'data-02', url: 'u2' })];
  snapshots: Snapshot[] = [aSnapshot({ sourceVolumeId: 'vol1' })];
  private scripts = new Map<string, Array<Read<Volume | Snapshot>>>();
  reads = 0;
  script(key: string, steps: Array<Read<Volume | Snapshot>>): void {
    this.scripts.set(key, steps);
  }
  private next(key: string): Volume | Snapshot {
    this.reads++;
    const steps = this.scripts.get(key);
    if (!steps?.length) throw new ApiError({ kind: 'http', status: 404, message: 'Not found' });
    const step = steps.length > 1 ? steps.shift()! : steps[0]!;
    if (step instanceof ApiError) throw step;
    return step;
  }
  listOrganizations = async () => [anOrganization()];
  listProjects = async () => [aProject()];
  listVolumes = async () => this.volumes;
  listSnapshots = async () => this.snapshots;
  getVolume = async (id: string) => this.next(`volume/${id}`) as Volume;
  getSnapshot = async (id: string) => this.next(`snapshot/${id}`) as Snapshot;
}

const noop = (): void => undefined;
const log = { debug: noop, info: noop, warn: noop, error: noop, trace: noop, show: noop } as never;

async function setup(options: { visible?: boolean; volumes?: Volume[] } = {}) {
  const clock = new FakeClock();
  const backend = new ScriptedBackend();
  if (options.volumes) backend.volumes = options.volumes;
  const connectionChanged = new EventEmitter<unknown>();
  const connections = { connection: { backend: backend as unknown as Backend, url: 'http://w' }, onDidChange: connectionChanged.event } as unknown as ConnectionManager;
  const tree = new VolumeTreeProvider(log);
  const visibility = new EventEmitter<{ visible: boolean }>();
  const revealed: TreeNode[] = [];
  const view = {
    visible: options.visible ?? true,
    onDidChangeVisibility: visibility.event,
    reveal: async (node: TreeNode) => { revealed.push(node); },
  };
  const refreshed: Array<string | undefined> = [];
  const refresh = tree.refresh.bind(tree);
  tree.refresh = (node?: TreeNode) => { refreshed.push(node?.id); refresh(node); };
  const jobs = new JobsController({ log, connections, tree, view: view as never, clock });
  const ended: JobEndEvent[] = [];
  jobs.onDidEndJob((e) => ended.push(e));
  tree.setBackend(backend as unknown as Backend);
  const [org] = await tree.getChildren();
  const [project] = await tree.getChildren(org);
  const volumes = await tree.getChildren(project);
  await tree.getChildren(volumes[0]);
  refreshed.length = 0;
  const statusItem = recorder.statusItems[recorder.statusItems.length - 1]!;
  const node = (id: string) => tree.find(id) as VolumeNode | undefined;
  return { clock, backend, connections, tree, jobs, view, visibility, revealed, refreshed, ended, statusItem, node, connectionChanged };
}

const extendOpts = { title: 'Extending data-01', failureTitle: 'Extend failed', success: (v: Volume) => `${v.name} is now ${formatGiB(v.sizeMiB)}.` };

beforeEach(() => resetRecorder());

test('an extend is followed: spinner row at once, status bar, fresh rows, success notification with Show Details', async () => {
  const t = await setup();
  t.backend.script('volume/vol1', [aVolume({ state: 'UPDATING', runtimeState: 'extending' }), aVolume({ sizeMiB: 50 * 1024 })]);
  recorder.answer = 'Show Details';
  t.jobs.followVolume(aVolume(), 'extend', extendOpts);

  assert.equal(t.node('volume/vol1')?.volume.state, 'UPDATE_SCHEDULED', 'the row turns transitional (spinner) at once');
  assert.equal(t.jobs.isRunning('volume/vol1', 'extend'), true);
  assert.equal(t.statusItem.visible, true);
  assert.equal(t.statusItem.text, '$(sync~spin) Extending data-01');
  assert.equal(t.statusItem.command, 'volumeExplorer.showJobs');
  assert.deepEqual(recorder.progress.map((p) => [p.title, p.done]), [['Extending data-01', false]]);

  await t.clock.advance(2500);
  assert.equal(t.node('volume/vol1')?.volume.runtimeState, 'extending');
  await t.clock.advance(3750);
  assert.equal(t.node('volume/vol1')?.volume.sizeMiB, 50 * 1024);
  assert.equal(t.node('volume/vol1')?.volume.state, 'OK');
  assert.deepEqual(recorder.messages, [{ severity: 'info', text: 'data-01 is now 50 GiB.', buttons: ['Show Details'] }]);
  assert.deepEqual(recorder.executed, [{ command: 'volumeExplorer.showDetails', args: [t.node('volume/vol1')] }]);
  assert.equal(t.statusItem.visible, false);
  assert.equal(recorder.progress[0]?.done, true);
  assert.equal(t.ended.length, 1);
  assert.equal(t.ended[0]?.id, 'vol1');
  assert.equal((t.ended[0]?.resource as Volume).sizeMiB, 50 * 1024);
  await t.clock.advance(100); // the debounced tree scan
  assert.equal(t.clock.pending, 0, 'nothing polled once stable');
});

test('several jobs show a count in the status bar; a failure says "<Action> failed: <API error>"', async () => {
  const t = await setup();
  t.backend.script('volume/vol1', [aVolume({ state: 'ERRED', runtimeState: 'error_extending', errorMessage: 'Quota exceeded' })]);
  t.backend.script('volume/vol2', [aVolume({ id: 'vol2', name: 'data-02', state: 'UPDATING', runtimeState: 'attaching' })]);
  t.jobs.followVolume(aVolume(), 'extend', extendOpts);
  t.jobs.followVolume(aVolume({ id: 'vol2', name: 'data-02' }), 'attach', { title: 'Attaching data-02', failureTitle: 'Attach failed', success: () => 'attached' });
  assert.equal(t.statusItem.text, '$(sync~spin) 2 volume jobs');
  await t.clock.advance(2500);
  assert.deepEqual(recorder.messages, [{ severity: 'error', text: 'Extend failed: Quota exceeded', buttons: ['Show Details'] }]);
  assert.equal(t.statusItem.text, '$(sync~spin) Attaching data-02');
  t.jobs.tracker.cancelAll();
  assert.equal(t.statusItem.visible, false);
});

test('a deleted snapshot ends the job as success and refreshes its parent volume', async () => {
  const t = await setup();
  t.backend.script('snapshot/snap1', [aSnapshot({ state: 'DELETING' })]);
  t.jobs.followDeletion('snapshot', aSnapshot({ sourceVolumeId: 'vol1' }), { title: 'Deleting data-01-snapshot', failureTitle: 'Delete failed', success: () => 'data-01-snapshot was deleted.' });
  assert.equal((t.tree.find('snapshot/snap1') as { snapshot: Snapshot }).snapshot.state, 'DELETION_SCHEDULED');
  await t.clock.advance(2500);
  t.backend.script('snapshot/snap1', []);
  await t.clock.advance(3750);
  assert.deepEqual(recorder.messages, [{ severity: 'info', text: 'data-01-snapshot was deleted.', buttons: [] }]);
  assert.ok(t.refreshed.includes('volume/vol1'), `parent refreshed (${t.refreshed.join(', ')})`);
  assert.equal(t.ended[0]?.resource, undefined);
});

test('after a delete nothing is polled any more: the gone row leaves the tree index', async () => {
  const t = await setup();
  t.backend.script('snapshot/snap1', [aSnapshot({ state: 'DELETING' })]);
  t.jobs.followDeletion('snapshot', aSnapshot({ sourceVolumeId: 'vol1' }), { title: 'Deleting', failureTitle: 'Delete failed', success: () => 'deleted.' });
  await t.clock.advance(2500);
  t.backend.script('snapshot/snap1', []);
  t.backend.snapshots = [];
  await t.clock.advance(3750);
  // VS Code reloads the refreshed parent's children.
  await t.tree.getChildren(t.tree.find('volume/vol1')!);
  const reads = t.backend.reads;
  t.refreshed.length = 0;
  await t.clock.advance(60_000);
  assert.equal(t.tree.find('snapshot/snap1'), undefined, 'the deleted row is forgotten');
  assert.equal(t.backend.reads - reads, 0, 'no reads of a resource that is gone');
  assert.deepEqual(t.refreshed, [], 'no parent reloads');
  assert.deepEqual(t.jobs.tracker.watchedKeys(), []);
});

test('a job past the configured limit stops and says where the resource is', async () => {
  const t = await setup();
  recorder.config.set('jobs.timeoutMinutes', 1);
  t.backend.script('volume/vol1', [aVolume({ state: 'UPDATING', runtimeState: 'extending' })]);
  t.jobs.followVolume(aVolume(), 'extend', extendOpts);
  await t.clock.advance(60_000);
  assert.deepEqual(recorder.messages.map((m) => [m.severity, m.text]), [['warning', 'Stopped following extend of data-01 after 1 min; it is still Updating on the server.']]);
  await t.clock.advance(100);
  assert.equal(t.jobs.tracker.isWatching('volume/vol1'), false, 'not picked up again by a watcher until refreshed');
  assert.equal(t.clock.pending, 0);
});

test('transitional rows without a job are watched while the view is visible, until stable', async () => {
  const creating = aVolume({ id: 'vol3', name: 'new-01', state: 'CREATING', runtimeState: 'creating' });
  const t = await setup({ volumes: [aVolume(), creating] });
  await t.clock.advance(50);
  assert.deepEqual(t.jobs.tracker.watchedKeys(), ['volume/vol3']);
  t.backend.script('volume/vol3', [creating, aVolume({ id: 'vol3', name: 'new-01' })]);
  t.visibility.fire({ visible: false });
  await t.clock.advance(60_000);
  assert.equal(t.backend.reads, 0, 'nothing read while the view is hidden');
  t.visibility.fire({ visible: true });
  await t.clock.advance(2500 + 3750 + 50);
  assert.equal(t.node('volume/vol3')?.volume.state, 'OK');
  assert.equal(t.jobs.tracker.isWatching('volume/vol3'), false);
  assert.equal(t.clock.pending, 0, 'nothing moves, nothing is polled');
  assert.deepEqual(recorder.messages, [], 'watchers do not notify');
});

test('a second identical action is recognised; a changed connection stops following', async () => {
  const t = await setup();
  t.backend.script('volume/vol1', [aVolume({ state: 'UPDATING' })]);
  const first = t.jobs.followVolume(aVolume(), 'extend', extendOpts);
  const second = t.jobs.followVolume(aVolume(), 'extend', extendOpts);
  assert.equal(second?.id, first?.id);
  assert.equal(recorder.progress.length, 1);
  (t.connections as { connection: unknown }).connection = undefined;
  t.connectionChanged.fire(undefined);
  assert.equal(first?.state, 'cancelled');
  assert.equal(t.jobs.isRunning('volume/vol1'), false);
  await t.clock.advance(100); // the debounced tree scan
  assert.equal(t.clock.pending, 0);
  assert.deepEqual(recorder.messages, []);
});

test('a restored volume is followed until OK, then its project is reloaded and the row revealed', async () => {
  const t = await setup();
  const restored = aVolume({ id: 'vol9', name: 'restored-01', state: 'CREATION_SCHEDULED', runtimeState: '', projectId: 'prj1' });
  t.backend.volumes = [...t.backend.volumes, restored];
  t.backend.script('volume/vol9', [aVolume({ id: 'vol9', name: 'restored-01', state: 'CREATING', projectId: 'prj1' }), aVolume({ id: 'vol9', name: 'restored-01', projectId: 'prj1' })]);
  t.jobs.followNewVolume(restored, 'restore', { title: 'Restoring data-01-snapshot to restored-01', failureTitle: 'Restore failed', success: (v) => `${v.name} was restored.` });
  assert.deepEqual(t.refreshed, ['project/prj1'], 'the project reloads so the new row shows up');
  await t.clock.advance(2500 + 3750);
  assert.equal(t.revealed[t.revealed.length - 1]?.id, 'volume/vol9');
  assert.deepEqual(recorder.messages.map((m) => m.text), ['restored-01 was restored.']);
});

test('showJobs with nothing to show says so', async () => {
  const t = await setup();
  await recorder.registered.get('volumeExplorer.showJobs')!();
  assert.match(recorder.messages[0]?.text ?? '', /No volume jobs yet/);
  t.jobs.dispose();
  assert.equal(recorder.registered.has('volumeExplorer.showJobs'), false);
});
