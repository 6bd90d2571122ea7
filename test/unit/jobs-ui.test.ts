import { recorder, resetRecorder, EventEmitter } from './helpers/vscode-stub';
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, formatGiB, ref, refKey, type Backend, type Snapshot, type Volume } from '../../src/core/index';
import type { Connection, ConnectionManager } from '../../src/connections/manager';
import { JobsController, type JobEndEvent } from '../../src/jobs/controller';
import { showJobs } from '../../src/jobs/list';
import { VolumeTreeProvider } from '../../src/tree/provider';
import { RefreshManager } from '../../src/tree/refresh';
import type { TreeNode, VolumeNode } from '../../src/tree/nodes';
import { anOrganization, aProject, aSnapshot, aVolume, waldur } from './builders/models';
import { FakeClock } from './helpers/fake-clock';

/** The VS Code glue of long jobs, against a stubbed `vscode`, a real tree and a scripted backend. */

type Read<R> = R | ApiError;
const C1 = 'c1';
const key = (kind: 'volume' | 'snapshot' | 'project', id: string, connectionId = C1): string => refKey(ref(connectionId, kind, id));

class ScriptedBackend {
  readonly kind = 'waldur';
  readonly endpoint = 'http://w';
  readonly capabilities = waldur.capabilities;
  readonly rules = waldur.rules;
  volumes: Volume[] = [aVolume(), aVolume({ id: 'vol2', name: 'data-02' })];
  snapshots: Snapshot[] = [aSnapshot({ sourceVolumeId: 'vol1' })];
  private scripts = new Map<string, Array<Read<Volume | Snapshot>>>();
  reads = 0;
  constructor(private readonly connectionId = C1) {}
  script(k: string, steps: Array<Read<Volume | Snapshot>>): void {
    this.scripts.set(k, steps);
  }
  private next(k: string): Volume | Snapshot {
    this.reads++;
    const steps = this.scripts.get(k);
    if (!steps?.length) throw new ApiError({ kind: 'http', status: 404, message: 'Not found' });
    const step = steps.length > 1 ? steps.shift()! : steps[0]!;
    if (step instanceof ApiError) throw step;
    return step;
  }
  listScopes = async (parent?: { kind: string }) => (parent ? [aProject()] : [anOrganization()]);
  listVolumes = async () => this.volumes;
  listSnapshots = async () => this.snapshots;
  getVolume = async (id: string) => this.next(key('volume', id, this.connectionId)) as Volume;
  getSnapshot = async (id: string) => this.next(key('snapshot', id, this.connectionId)) as Snapshot;
}

const noop = (): void => undefined;
const log = { debug: noop, info: noop, warn: noop, error: noop, trace: noop, show: noop } as never;

/** The connection layer as the jobs see it: connections by id and their events. */
function fakeConnections(backend: ScriptedBackend) {
  const changed = new EventEmitter<Connection | undefined>();
  const removed = new EventEmitter<string>();
  const list = new Map<string, Connection>();
  const add = (id: string, label: string, b: unknown): void => {
    list.set(id, { id, record: { id, label, descriptor: { kind: 'waldur', url: 'http://w' }, readOnly: false }, backend: b as Backend, identity: undefined, state: 'ready', url: 'http://w' });
  };
  add(C1, 'w.example', backend);
  const manager = {
    all: () => [...list.values()],
    get: (id: string) => list.get(id),
    get count() { return list.size; },
    viewer: () => ({ isStaff: false }),
    labelWhenSeveral: (id: string) => (list.size > 1 ? list.get(id)?.record.label ?? '' : ''),
    describe: () => 'alice @ w',
    markUnauthorized: noop,
    onDidChange: changed.event,
    onDidRemove: removed.event,
  };
  return {
    manager: manager as unknown as ConnectionManager, add,
    remove: (id: string) => { list.delete(id); removed.fire(id); changed.fire(undefined); },
  };
}

async function setup(options: { visible?: boolean; volumes?: Volume[] } = {}) {
  const clock = new FakeClock();
  const backend = new ScriptedBackend();
  if (options.volumes) backend.volumes = options.volumes;
  const conns = fakeConnections(backend);
  const connections = conns.manager;
  const tree = new VolumeTreeProvider(connections, log);
  const refresh = new RefreshManager(tree, connections);
  const visibility = new EventEmitter<{ visible: boolean }>();
  const revealed: TreeNode[] = [];
  const view = {
    visible: options.visible ?? true,
    onDidChangeVisibility: visibility.event,
    reveal: async (node: TreeNode) => { revealed.push(node); },
  };
  const refreshed: Array<string | undefined> = [];
  const invalidate = tree.invalidate.bind(tree);
  tree.invalidate = (node?: TreeNode) => { refreshed.push(node?.id); invalidate(node); };
  const jobs = new JobsController({ log, connections, tree, refresh, view: view as never, clock });
  const ended: JobEndEvent[] = [];
  jobs.onDidEndJob((e) => ended.push(e));
  const [org] = await tree.getChildren();
  const [project] = await tree.getChildren(org);
  const volumes = await tree.getChildren(project);
  await tree.getChildren(volumes[0]);
  refreshed.length = 0;
  const statusItem = recorder.statusItems[recorder.statusItems.length - 1]!;
  const node = (id: string) => tree.find(key('volume', id)) as VolumeNode | undefined;
  const vref = (id: string) => ref(C1, 'volume', id);
  return { clock, backend, connections, conns, tree, refresh, jobs, view, visibility, revealed, refreshed, ended, statusItem, node, vref };
}

const extendOpts = { title: 'Extending data-01', failureTitle: 'Extend failed', success: (v: Volume) => `${v.name} is now ${formatGiB(v.sizeMiB)}.` };

beforeEach(() => resetRecorder());

test('an extend is followed: spinner row at once, status bar, fresh rows, success notification with Show Details', async () => {
  const t = await setup();
  t.backend.script(key('volume', 'vol1'), [aVolume({ state: 'UPDATING', runtimeState: 'extending' }), aVolume({ sizeMiB: 50 * 1024 })]);
  recorder.answer = 'Show Details';
  t.jobs.follow(t.vref('vol1'), aVolume(), 'extend', extendOpts);

  assert.deepEqual(t.node('vol1')?.volume.status, { category: 'busy', label: 'extending' }, 'the row turns busy (spinner) at once');
  assert.equal(t.jobs.isRunning(t.vref('vol1'), 'extend'), true);
  assert.equal(t.statusItem.visible, true);
  assert.equal(t.statusItem.text, '$(sync~spin) Extending data-01');
  assert.equal(t.statusItem.command, 'volumeExplorer.showJobs');
  assert.deepEqual(recorder.progress.map((p) => [p.title, p.done]), [['Extending data-01', false]]);

  await t.clock.advance(2500);
  assert.equal(t.node('vol1')?.volume.runtimeState, 'extending');
  await t.clock.advance(3750);
  assert.equal(t.node('vol1')?.volume.sizeMiB, 50 * 1024);
  assert.equal(t.node('vol1')?.volume.status.category, 'stable');
  assert.deepEqual(recorder.messages, [{ severity: 'info', text: 'data-01 is now 50 GiB.', buttons: ['Show Details'] }]);
  assert.deepEqual(recorder.executed, [{ command: 'volumeExplorer.showDetails', args: [t.vref('vol1')] }]);
  assert.equal(t.statusItem.visible, false);
  assert.equal(recorder.progress[0]?.done, true);
  assert.equal(t.ended.length, 1);
  assert.deepEqual(t.ended[0]?.ref, t.vref('vol1'));
  assert.equal((t.ended[0]?.resource as Volume).sizeMiB, 50 * 1024);
  await t.clock.advance(100); // the debounced tree scan
  assert.equal(t.clock.pending, 0, 'nothing polled once stable');
});

test('several jobs show a count in the status bar; a failure says "<Action> failed: <API error>"', async () => {
  const t = await setup();
  t.backend.script(key('volume', 'vol1'), [aVolume({ state: 'ERRED', runtimeState: 'error_extending', errorMessage: 'Quota exceeded' })]);
  t.backend.script(key('volume', 'vol2'), [aVolume({ id: 'vol2', name: 'data-02', state: 'UPDATING', runtimeState: 'attaching' })]);
  t.jobs.follow(t.vref('vol1'), aVolume(), 'extend', extendOpts);
  t.jobs.follow(t.vref('vol2'), aVolume({ id: 'vol2', name: 'data-02' }), 'attach', { title: 'Attaching data-02', failureTitle: 'Attach failed', success: () => 'attached' });
  assert.equal(t.statusItem.text, '$(sync~spin) 2 volume jobs');
  await t.clock.advance(2500);
  assert.deepEqual(recorder.messages, [{ severity: 'error', text: 'Extend failed: Quota exceeded', buttons: ['Show Details'] }]);
  assert.equal(t.statusItem.text, '$(sync~spin) Attaching data-02');
  t.jobs.tracker.cancelAll();
  assert.equal(t.statusItem.visible, false);
});

test('a deleted snapshot ends the job as success and refreshes its parent volume', async () => {
  const t = await setup();
  t.backend.script(key('snapshot', 'snap1'), [aSnapshot({ state: 'DELETING' })]);
  t.jobs.followDeletion(ref(C1, 'snapshot', 'snap1'), aSnapshot({ sourceVolumeId: 'vol1' }), { title: 'Deleting data-01-snapshot', failureTitle: 'Delete failed', success: () => 'data-01-snapshot was deleted.' });
  assert.deepEqual((t.tree.find(key('snapshot', 'snap1')) as { snapshot: Snapshot }).snapshot.status, { category: 'busy', label: 'deleting' });
  await t.clock.advance(2500);
  t.backend.script(key('snapshot', 'snap1'), []);
  await t.clock.advance(3750);
  assert.deepEqual(recorder.messages, [{ severity: 'info', text: 'data-01-snapshot was deleted.', buttons: [] }]);
  assert.ok(t.refreshed.includes(key('volume', 'vol1')), `parent refreshed (${t.refreshed.join(', ')})`);
  assert.equal(t.ended[0]?.resource, undefined);
});

test('after a delete nothing is polled any more: the gone row leaves the tree index', async () => {
  const t = await setup();
  t.backend.script(key('snapshot', 'snap1'), [aSnapshot({ state: 'DELETING' })]);
  t.jobs.followDeletion(ref(C1, 'snapshot', 'snap1'), aSnapshot({ sourceVolumeId: 'vol1' }), { title: 'Deleting', failureTitle: 'Delete failed', success: () => 'deleted.' });
  await t.clock.advance(2500);
  t.backend.script(key('snapshot', 'snap1'), []);
  t.backend.snapshots = [];
  await t.clock.advance(3750);
  // VS Code reloads the refreshed parent's children.
  await t.tree.getChildren(t.tree.find(key('volume', 'vol1'))!);
  const reads = t.backend.reads;
  t.refreshed.length = 0;
  await t.clock.advance(60_000);
  assert.equal(t.tree.find(key('snapshot', 'snap1')), undefined, 'the deleted row is forgotten');
  assert.equal(t.backend.reads - reads, 0, 'no reads of a resource that is gone');
  assert.deepEqual(t.refreshed, [], 'no parent reloads');
  assert.deepEqual(t.jobs.tracker.watchedKeys(), []);
});

test('a job past the configured limit stops and says where the resource is', async () => {
  const t = await setup();
  recorder.config.set('jobs.timeoutMinutes', 1);
  t.backend.script(key('volume', 'vol1'), [aVolume({ state: 'UPDATING', runtimeState: 'extending' })]);
  t.jobs.follow(t.vref('vol1'), aVolume(), 'extend', extendOpts);
  await t.clock.advance(60_000);
  assert.deepEqual(recorder.messages.map((m) => [m.severity, m.text]), [['warning', 'Stopped following extend of data-01 after 1 min; it is still extending on the server.']]);
  await t.clock.advance(100);
  assert.equal(t.jobs.tracker.isWatching(key('volume', 'vol1')), false, 'not picked up again by a watcher until refreshed');
  assert.equal(t.clock.pending, 0);
});

test('transitional rows without a job are watched while the view is visible, until stable', async () => {
  const creating = aVolume({ id: 'vol3', name: 'new-01', state: 'CREATING', runtimeState: 'creating' });
  const t = await setup({ volumes: [aVolume(), creating] });
  await t.clock.advance(50);
  assert.deepEqual(t.jobs.tracker.watchedKeys(), [key('volume', 'vol3')]);
  t.backend.script(key('volume', 'vol3'), [creating, aVolume({ id: 'vol3', name: 'new-01' })]);
  t.visibility.fire({ visible: false });
  await t.clock.advance(60_000);
  assert.equal(t.backend.reads, 0, 'nothing read while the view is hidden');
  t.visibility.fire({ visible: true });
  await t.clock.advance(2500 + 3750 + 50);
  assert.equal(t.node('vol3')?.volume.status.category, 'stable');
  assert.equal(t.jobs.tracker.isWatching(key('volume', 'vol3')), false);
  assert.equal(t.clock.pending, 0, 'nothing moves, nothing is polled');
  assert.deepEqual(recorder.messages, [], 'watchers do not notify');
});

test('a second identical action is recognised; removing the connection stops following', async () => {
  const t = await setup();
  t.backend.script(key('volume', 'vol1'), [aVolume({ state: 'UPDATING' })]);
  const first = t.jobs.follow(t.vref('vol1'), aVolume(), 'extend', extendOpts);
  const second = t.jobs.follow(t.vref('vol1'), aVolume(), 'extend', extendOpts);
  assert.equal(second?.id, first?.id);
  assert.equal(recorder.progress.length, 1);
  t.conns.remove(C1);
  assert.equal(first?.state, 'cancelled');
  assert.equal(t.jobs.isRunning(t.vref('vol1')), false);
  await t.clock.advance(100); // the debounced tree scan
  assert.equal(t.clock.pending, 0);
  assert.deepEqual(recorder.messages, []);
});

test('a restored volume is followed until OK, then its project is reloaded and the row revealed', async () => {
  const t = await setup();
  const restored = aVolume({ id: 'vol9', name: 'restored-01', state: 'CREATION_SCHEDULED', runtimeState: '', projectId: 'prj1' });
  t.backend.volumes = [...t.backend.volumes, restored];
  t.backend.script(key('volume', 'vol9'), [aVolume({ id: 'vol9', name: 'restored-01', state: 'CREATING', projectId: 'prj1' }), aVolume({ id: 'vol9', name: 'restored-01', projectId: 'prj1' })]);
  t.jobs.followNew(t.vref('vol9'), restored, 'restore', { title: 'Restoring data-01-snapshot to restored-01', failureTitle: 'Restore failed', success: (v) => `${v.name} was restored.` });
  assert.deepEqual(t.refreshed, [key('project', 'prj1')], 'the project reloads so the new row shows up');
  await t.clock.advance(2500 + 3750);
  assert.equal(t.revealed[t.revealed.length - 1]?.id, key('volume', 'vol9'));
  assert.deepEqual(recorder.messages.map((m) => m.text), ['restored-01 was restored.']);
});

test('showJobs with nothing to show says so', async () => {
  const t = await setup();
  await showJobs({ jobs: t.jobs, connections: t.connections, tree: t.tree, view: t.view as never });
  assert.match(recorder.messages[0]?.text ?? '', /No volume jobs yet/);
  t.jobs.dispose();
});

test('with several connections, removing one stops only its jobs; the status bar names the connection', async () => {
  const t = await setup();
  const other = new ScriptedBackend('c2');
  t.conns.add('c2', 'lab', other);
  other.script(key('volume', 'vol1', 'c2'), [aVolume({ state: 'UPDATING', runtimeState: 'extending' })]);
  t.backend.script(key('volume', 'vol1'), [aVolume({ state: 'UPDATING', runtimeState: 'extending' })]);
  const mine = t.jobs.follow(t.vref('vol1'), aVolume(), 'extend', extendOpts);
  const theirs = t.jobs.follow(ref('c2', 'volume', 'vol1'), aVolume(), 'extend', extendOpts);
  assert.notEqual(mine?.id, theirs?.id, 'the same volume id in two connections is two jobs');
  assert.equal(t.statusItem.text, '$(sync~spin) 2 volume jobs');
  t.conns.remove(C1);
  assert.equal(mine?.state, 'cancelled');
  assert.equal(theirs?.state, 'running');
  t.conns.add('c3', 'prod', other);
  await t.clock.advance(2500);
  assert.equal(t.statusItem.text, '$(sync~spin) lab: Extending data-01', 'named by its connection when there are several');
  assert.ok(other.reads > 0, 'the job reads through its own connection');
  t.jobs.tracker.cancelAll();
});

test('a 401 while following ends the job without a message of its own: the connection layer offers to reconnect', async () => {
  const t = await setup();
  t.backend.script(key('volume', 'vol1'), [new ApiError({ kind: 'http', status: 401, message: 'Invalid token.' })]);
  const job = t.jobs.follow(t.vref('vol1'), aVolume(), 'extend', extendOpts);
  await t.clock.advance(2500);
  assert.equal(job?.state, 'failed');
  assert.equal(job?.unauthorized, true);
  assert.deepEqual(recorder.messages, []);
});
