import { EventEmitter } from './helpers/vscode-stub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type Backend, type Scope, type Volume } from '../../src/core/index';
import type { Connection, ConnectionManager } from '../../src/connections/manager';
import { VolumeTreeProvider } from '../../src/tree/provider';
import { RefreshManager } from '../../src/tree/refresh';
import { present, type ConnectionNode, type ScopeNode, type TreeNode } from '../../src/tree/nodes';
import { anOrganization, aProject, aVolume, waldur } from './builders/models';

/** The tree with several connections at once, against a fake connection layer and simple backends. */

const noop = (): void => undefined;
const log = { debug: noop, info: noop, warn: noop, error: noop, trace: noop, show: noop } as never;

function backendWith(volumes: Volume[], fail?: ApiError): Backend {
  return {
    kind: 'waldur', endpoint: 'http://w', capabilities: waldur.capabilities, rules: waldur.rules,
    listScopes: async (parent?: Scope) => {
      if (fail) throw fail;
      return parent ? [aProject(), aProject({ id: 'prj2', name: 'Empty' })] : [anOrganization()];
    },
    listVolumes: async (scope?: Scope) => (scope?.id === 'prj1' ? volumes : []),
    listSnapshots: async () => [],
  } as unknown as Backend;
}

function setup() {
  const changed = new EventEmitter<Connection | undefined>();
  const removed = new EventEmitter<string>();
  const list = new Map<string, Connection>();
  const manager = {
    all: () => [...list.values()],
    get: (id: string) => list.get(id),
    get count() { return list.size; },
    viewer: (id: string) => ({ isStaff: false, readOnly: list.get(id)?.record.readOnly ?? false }),
    labelWhenSeveral: () => '',
    describe: (c: Connection) => `alice @ ${c.id}`,
    markUnauthorized: noop,
    onDidChange: changed.event,
    onDidRemove: removed.event,
  } as unknown as ConnectionManager;
  const add = (id: string, backend: Backend | undefined, extra: Partial<Connection> = {}): void => {
    list.set(id, { id, record: { id, label: `label-${id}`, descriptor: { kind: 'waldur', url: `https://${id}` }, readOnly: false }, backend, identity: undefined, state: 'ready', url: `https://${id}`, ...extra });
    changed.fire(undefined);
  };
  const tree = new VolumeTreeProvider(manager, log);
  const refresh = new RefreshManager(tree, manager);
  const fired: Array<TreeNode | undefined> = [];
  tree.onDidChangeTreeData((n) => fired.push(n));
  return { tree, refresh, add, list, changed, removed, fired };
}

const pc = { backend: waldur, viewer: { isStaff: false } };
const label = (n: TreeNode): string => present(n, pc).label;

test('one connection: its root row is left out; two: a root row each, ids scoped by connection', async () => {
  const t = setup();
  t.add('a', backendWith([aVolume()]));
  const single = await t.tree.getChildren();
  assert.deepEqual(single.map((n) => [n.kind, label(n)]), [['scope', 'Acme Research']]);
  assert.equal(t.tree.getParent(single[0]!), undefined, 'reveal stops at the hidden root');

  t.add('b', backendWith([aVolume(), aVolume({ id: 'vol2', name: 'data-02' })]));
  const roots = await t.tree.getChildren() as ConnectionNode[];
  assert.deepEqual(roots.map((r) => [r.kind, r.info.label]), [['connection', 'label-a'], ['connection', 'label-b']]);
  const [orgA] = await t.tree.getChildren(roots[0]);
  const [orgB] = await t.tree.getChildren(roots[1]);
  assert.notEqual(orgA!.id, orgB!.id, 'the same organization id in two connections is two rows');
  assert.equal(t.tree.getParent(orgA!), roots[0]);
});

test('a project row counts what its load found; an erred load shows no count', async () => {
  const t = setup();
  t.add('a', backendWith([aVolume(), aVolume({ id: 'v2', name: 'b' })]));
  const [org] = await t.tree.getChildren();
  const projects = await t.tree.getChildren(org) as ScopeNode[];
  assert.equal(present(org!, pc).description, '2 projects');
  await t.tree.getChildren(projects[0]);
  await t.tree.getChildren(projects[1]);
  assert.equal(present(projects[0]!, pc).description, '2 volumes');
  assert.equal(present(projects[1]!, pc).description, '0 volumes');
  assert.ok(t.fired.includes(projects[0]), 'the row is redrawn with its count');
});

test('one failing connection shows its own error row and leaves the other untouched', async () => {
  const t = setup();
  t.add('bad', backendWith([], new ApiError({ kind: 'network', message: 'Could not reach bad: ECONNREFUSED' })));
  t.add('good', backendWith([aVolume()]));
  const [bad, good] = await t.tree.getChildren() as ConnectionNode[];
  const [failure] = await t.tree.getChildren(bad);
  assert.equal(failure?.kind, 'message');
  assert.match(label(failure!), /^Couldn't load organizations: Could not reach bad/);
  const [org] = await t.tree.getChildren(good);
  const [project] = await t.tree.getChildren(org);
  assert.deepEqual((await t.tree.getChildren(project)).map(label), ['data-01']);
});

test('a connection without a backend (no token) says why under its root; the others load', async () => {
  const t = setup();
  t.add('notoken', undefined, { state: 'unauthorized', problem: 'No token saved — Reconnect' });
  t.add('good', backendWith([aVolume()]));
  const [root] = await t.tree.getChildren() as ConnectionNode[];
  assert.equal(present(root!, pc).description, 'No token saved — Reconnect');
  assert.match(label((await t.tree.getChildren(root))[0]!), /No token saved/);
});

test('a new backend for a connection reloads only that connection; removing one forgets its rows', async () => {
  const t = setup();
  t.add('a', backendWith([aVolume()]));
  t.add('b', backendWith([aVolume()]));
  const [a, b] = await t.tree.getChildren() as ConnectionNode[];
  const [orgA] = await t.tree.getChildren(a);
  const [orgB] = await t.tree.getChildren(b);
  await t.tree.getChildren(orgA);
  await t.tree.getChildren(orgB);
  t.fired.length = 0;
  t.list.get('a')!.backend = backendWith([]);
  t.changed.fire(t.list.get('a'));
  assert.deepEqual(t.fired.map((n) => n?.id), [a!.id], 'only its root reloads');
  assert.equal(t.tree.find(orgA!.id), undefined);
  assert.ok(t.tree.find(orgB!.id), 'the other connection keeps its rows');
  t.list.delete('b');
  t.removed.fire('b');
  assert.equal(t.tree.find(orgB!.id), undefined);
});
