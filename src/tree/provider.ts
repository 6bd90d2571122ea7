import * as vscode from 'vscode';
import { childLevel, holdsVolumes } from '../core/capabilities';
import { describeError, describeForLog } from '../core/errors';
import { usageText } from '../core/capacity';
import type { Snapshot, Volume } from '../core/model';
import { refKey, type ResourceRef } from '../core/ref';
import type { Connection, ConnectionManager } from '../connections/manager';
import { escapeMarkdown, plainText } from '../util/escape';
import type { TreeFilters } from './filters';
import {
  childrenOrEmpty, connectionIdOf, connectionNode, countText, errorNode, loadingNode, present, scopeNode, snapshotNode, volumeNode,
  type ChildNoun, type ConnectionInfo, type ConnectionNode, type ParentNode, type PresentContext, type ResourceNode, type ScopeNode,
  type SnapshotNode, type TreeNode, type VolumeNode,
} from './nodes';

/**
 * The browse tree: a root row per connection (left out when there is only one, as
 * vscode-pull-request-github does for a single repository), then the backend's scope levels
 * (organization → project, or just project), volumes and snapshots. Each level is loaded when
 * expanded and cached until refreshed; failures and empty results become child rows; one
 * connection failing never touches another's rows. Refreshes are asked for through
 * {@link RefreshManager} (src/tree/refresh.ts), not here.
 */
export class VolumeTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Children by parent id; promises so concurrent expansions share one request. */
  private readonly cache = new Map<string, Promise<TreeNode[]>>();
  /** Every node loaded so far, by id (for refresh, reveal and job updates). */
  private readonly byId = new Map<string, TreeNode>();
  private readonly roots = new Map<string, ConnectionNode>();
  private readonly loadedChildren = new vscode.EventEmitter<TreeNode[]>();
  /** Fires with the children of every finished load (the job follower watches moving rows). */
  readonly onDidLoadChildren = this.loadedChildren.event;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
    /** Each connection's volume filter (none in tests that don't ask). */
    private readonly filters?: Pick<TreeFilters, 'get' | 'describe'>,
  ) {}

  /** Is the connection's root row shown (more than one connection)? */
  get showsRoots(): boolean {
    return this.connections.count > 1;
  }

  /** The root node of a connection (a row when {@link showsRoots}). */
  root(connectionId: string): ConnectionNode | undefined {
    const c = this.connections.get(connectionId);
    if (!c) {
      this.roots.delete(connectionId);
      return undefined;
    }
    let node = this.roots.get(connectionId);
    const info = this.infoOf(c);
    if (node) node.info = info;
    else {
      node = connectionNode(connectionId, info);
      this.roots.set(connectionId, node);
    }
    return node;
  }

  private infoOf(c: Connection): ConnectionInfo {
    return {
      label: c.record.label, kind: c.record.descriptor.kind, state: c.state, problem: c.problem,
      who: this.connections.describe(c), readOnly: c.record.readOnly, notice: c.backend?.notice,
      ...(c.backend?.capabilities.volumeTypeAdmin && c.identity?.isStaff && !c.record.readOnly ? { typeAdmin: true } : {}),
    };
  }

  /** Forgets cached children of `node` (and everything below it), or of the whole tree, and redraws. */
  invalidate(node?: TreeNode): void {
    this.capacityCache.clear();
    if (!node) {
      this.cache.clear();
      this.byId.clear();
    } else {
      for (const [id, known] of [...this.byId]) {
        if (ancestorIds(known).includes(node.id)) {
          this.byId.delete(id);
          this.cache.delete(id);
        }
      }
      this.cache.delete(node.id);
    }
    this.fire(node);
  }

  /** Forgets what is cached of a connection (all of it when it was removed). */
  forgetConnection(connectionId: string): void {
    const root = this.roots.get(connectionId);
    if (root) this.invalidate(root);
    if (!this.connections.get(connectionId)) this.roots.delete(connectionId);
  }

  /** Redraws a row; a hidden root (single connection) redraws the whole tree. */
  fire(node: TreeNode | undefined): void {
    if (node?.kind === 'connection' && !this.showsRoots) node = undefined;
    this.changed.fire(node);
  }

  private presentContext(node: TreeNode): PresentContext {
    const id = connectionIdOf(node);
    return { backend: this.connections.get(id)?.backend, viewer: this.connections.viewer(id) };
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const p = present(node, this.presentContext(node));
    const item = new vscode.TreeItem(p.label, p.collapsible === 'collapsed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = p.id;
    item.description = p.description;
    item.contextValue = p.contextValue;
    item.iconPath = new vscode.ThemeIcon(p.icon.id, p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined);
    if (p.tooltip && !this.hasCapacity(node)) {
      // API text is escaped in `present`; untrusted and without HTML on top.
      const md = new vscode.MarkdownString(p.tooltip);
      md.isTrusted = false;
      md.supportHtml = false;
      item.tooltip = md;
    }
    if (node.kind === 'volume' || node.kind === 'snapshot') {
      item.command = { command: 'volumeExplorer.openRow', title: 'Show Details', arguments: [node] };
    }
    if (node.kind === 'message' && node.severity === 'error') {
      item.command = { command: 'volumeExplorer.retry', title: 'Retry', arguments: [node] };
    }
    return item;
  }

  /** A project row whose quota can be read: its tooltip is resolved on hover (one request), with the usage line. */
  private hasCapacity(node: TreeNode): node is ScopeNode {
    if (node.kind !== 'scope' || node.scope.kind !== 'project') return false;
    const backend = this.connections.get(connectionIdOf(node))?.backend;
    return !!backend?.capabilities.capacity && !!backend.capacity;
  }

  /** Quotas read for tooltips, by project row id, kept for a minute (a hover never sends twice in a row). */
  private readonly capacityCache = new Map<string, { at: number; text: Promise<string> }>();

  /**
   * On hover only: a project's tooltip with its quota usage ("Storage 420 of 1000 GiB (42%) ·
   * Volumes 7 of 10 (70%)"), so nothing is read for rows nobody looks at.
   */
  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (!this.hasCapacity(node)) return item;
    const backend = this.connections.get(connectionIdOf(node))?.backend;
    const p = present(node, this.presentContext(node));
    let cached = this.capacityCache.get(node.id);
    if (!cached || Date.now() - cached.at > 60_000) {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const text = (async (): Promise<string> => {
        try {
          const all = await backend!.capacity!({ scope: node.scope }, abort.signal);
          if (!all.length) return 'No quota is known for this project.';
          return all.map((c) => `${all.length > 1 || c.owner.startsWith('tenant') ? `**Quota of ${escapeMarkdown(plainText(c.owner, 120))}:** ` : '**Quota:** '}${escapeMarkdown(plainText(usageText(c), 1000) || 'no block-storage quota reported')}`).join('\n\n');
        } catch (err) {
          this.log.warn(`[tree] quota of ${node.id} for its tooltip: ${describeForLog(err)}`);
          return `Couldn't read the quota: ${escapeMarkdown(describeError(err))}`;
        } finally {
          sub.dispose();
        }
      })();
      cached = { at: Date.now(), text };
      this.capacityCache.set(node.id, cached);
      // A failed or cancelled read is not kept.
      void text.then((t) => { if (t.startsWith("Couldn't")) this.capacityCache.delete(node.id); });
    }
    const usage = await cached.text;
    const md = new vscode.MarkdownString(`${p.tooltip ?? ''}\n\n${usage}\n\n_Show Details (context menu) opens the project with its quota bars._`);
    md.isTrusted = false;
    md.supportHtml = false;
    item.tooltip = md;
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    const parent = node.parent;
    return parent?.kind === 'connection' && !this.showsRoots ? undefined : parent;
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> | TreeNode[] {
    if (!node) {
      const roots = this.connections.all().map((c) => this.root(c.id)!);
      if (roots.length === 1) return this.getChildren(roots[0]);
      return roots;
    }
    if (node.kind === 'snapshot' || node.kind === 'message') return [];
    const key = node.id;
    let children = this.cache.get(key);
    if (!children) {
      // A big list shows its first page (and a "Loading the rest…" row) as soon as it is in; the
      // whole checked list replaces it — or an error row, never the partial list on its own.
      let showEarly: (nodes: TreeNode[]) => void = () => undefined;
      const early = new Promise<TreeNode[]>((resolve) => { showEarly = resolve; });
      const full = this.load(node, (nodes) => showEarly(nodes));
      const shown = Promise.race([full, early]);
      children = shown;
      this.cache.set(key, shown);
      void early.then((nodes) => {
        if (this.cache.get(key) === shown) nodes.forEach((child) => this.byId.set(child.id, child));
      });
      void full.then((c) => {
        // A load that finished after a refresh (or a disconnect) is stale: keep nothing of it.
        if (this.cache.get(key) !== shown) return;
        const done = Promise.resolve(c);
        this.cache.set(key, done);
        c.forEach((child) => this.byId.set(child.id, child));
        void shown.then((first) => {
          // The first page was shown: VS Code asks again and gets the whole list.
          if (first !== c && this.cache.get(key) === done) this.fire(node);
        });
        this.countChildren(node, c);
        this.loadedChildren.fire(c);
      });
    }
    return children;
  }

  /** "Data Lake · 13 volumes": the count from the list just loaded, no extra request. */
  private countChildren(node: ParentNode, children: TreeNode[]): void {
    if (node.kind !== 'scope') return;
    const items = children.filter((c) => c.kind !== 'message');
    if (children.some((c) => c.kind === 'message' && c.severity === 'error')) return;
    const noun = this.nounOf(node);
    const singular = noun.plural === 'volumes' ? 'volume' : noun.singular;
    const count = countText(items.length, singular, noun.plural);
    const filtered = noun.plural === 'volumes' && this.filters?.get(connectionIdOf(node));
    node.count = filtered ? { n: count.n, noun: `${count.noun} (filtered)` } : count;
    this.changed.fire(node);
  }

  private nounOf(node: ParentNode): ChildNoun & { singular: string } {
    if (node.kind === 'volume') return { singular: 'snapshot', plural: 'snapshots', where: 'of this volume' };
    const backend = this.connections.get(connectionIdOf(node))?.backend;
    const level = backend ? childLevel(backend.capabilities, node.kind === 'connection' ? undefined : node.scope.kind) : undefined;
    if (level) return { singular: level.singular, plural: level.plural, where: node.kind === 'connection' ? 'for this account' : `in this ${node.level.singular}` };
    return { singular: 'volume', plural: 'volumes', where: node.kind === 'scope' ? `in this ${node.level.singular}` : 'here' };
  }

  private async load(node: ParentNode, showEarly?: (nodes: TreeNode[]) => void): Promise<TreeNode[]> {
    const connectionId = connectionIdOf(node);
    let connection = this.connections.get(connectionId);
    // A restored connection may still be opening (a demo server starting): wait for it rather than show an error.
    const backend = connection?.backend ?? (connection?.state === 'connecting' ? await this.connections.waitForBackend(connectionId) : undefined);
    connection = this.connections.get(connectionId);
    const noun = this.nounOf(node);
    try {
      if (!backend) throw new Error(connection?.problem ?? (connection ? 'not connected; try Reconnect' : 'the connection was removed'));
      const caps = backend.capabilities;
      switch (node.kind) {
        case 'connection': {
          const level = childLevel(caps, undefined)!;
          return childrenOrEmpty(node, noun, (await backend.listScopes()).map((s) => scopeNode(s, level, node)));
        }
        case 'scope': {
          if (holdsVolumes(caps, node.scope.kind)) {
            const filter = this.filters?.get(connectionId);
            const volumes = await backend.listVolumes(node.scope, undefined, filter, showEarly && ((first, total) => {
              showEarly([...first.map((v) => volumeNode(v, node)), loadingNode(node, noun, first.length, total)]);
            }));
            return childrenOrEmpty(node, filter ? { ...noun, where: `${noun.where} match the filter (${this.filters?.describe(connectionId)})` } : noun, volumes.map((v) => volumeNode(v, node)));
          }
          const level = childLevel(caps, node.scope.kind)!;
          return childrenOrEmpty(node, noun, (await backend.listScopes(node.scope)).map((s) => scopeNode(s, level, node)));
        }
        case 'volume':
          return childrenOrEmpty(node, noun, (await backend.listSnapshots(node.volume.id)).map((s) => snapshotNode(s, node)));
      }
    } catch (err) {
      this.log.error(`[tree] loading children of ${node.id} failed: ${describeForLog(err)}`);
      return [errorNode(node, noun, describeError(err))];
    }
  }

  /**
   * Replaces a loaded resource's data in place (same node object, so VS Code repaints that row)
   * and returns the node, or undefined when it is not in the tree.
   */
  updateResource(r: ResourceRef, resource: Volume | Snapshot): ResourceNode | undefined {
    const node = this.byId.get(refKey(r));
    if (node?.kind === 'volume') node.volume = resource as Volume;
    else if (node?.kind === 'snapshot') node.snapshot = resource as Snapshot;
    else return undefined;
    this.changed.fire(node);
    return node;
  }

  /** Every loaded volume and snapshot node (for pollers and pickers; no request). */
  loadedResources(): ResourceNode[] {
    return [...this.byId.values()].filter((n): n is VolumeNode | SnapshotNode => n.kind === 'volume' || n.kind === 'snapshot');
  }

  /** A node loaded earlier (no request), by resource or by key. */
  find(r: ResourceRef | string): TreeNode | undefined {
    return this.byId.get(typeof r === 'string' ? r : refKey(r));
  }

  /** A loaded scope node (a volume's project), for refreshing it. */
  findScope(r: ResourceRef): ScopeNode | undefined {
    const node = this.find(r);
    return node?.kind === 'scope' ? node : undefined;
  }

  dispose(): void {
    this.changed.dispose();
    this.loadedChildren.dispose();
  }
}

function ancestorIds(node: TreeNode): string[] {
  const ids: string[] = [];
  for (let n: TreeNode | undefined = node.parent; n; n = n.parent) ids.push(n.id);
  return ids;
}
