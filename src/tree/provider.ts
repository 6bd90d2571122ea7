import * as vscode from 'vscode';
import { ApiError, describeError } from '../api/errors';
import type { Backend } from '../backend/types';
import {
  childrenOrEmpty, errorNode, organizationNode, present, projectNode, snapshotNode, volumeNode,
  type ParentNode, type SnapshotNode, type TreeNode, type VolumeNode,
} from './nodes';
import type { Snapshot, Volume } from '../model/types';

/**
 * The browse tree: organization → project → volume → snapshot. Each level is loaded when it is
 * expanded and cached until refreshed; failures and empty results become child nodes.
 */
export class VolumeTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Children by parent id ('' = root); promises so concurrent expansions share one request. */
  private readonly cache = new Map<string, Promise<TreeNode[]>>();
  private backend: Backend | undefined;
  private readonly unauthorized = new vscode.EventEmitter<ApiError>();
  /** Fires when a load failed with 401, so the extension can offer to reconnect. */
  readonly onUnauthorized = this.unauthorized.event;
  private readonly loadedChildren = new vscode.EventEmitter<TreeNode[]>();
  /** Fires with the children of every finished load (the job follower watches moving rows). */
  readonly onDidLoadChildren = this.loadedChildren.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  setBackend(backend: Backend | undefined): void {
    this.backend = backend;
    this.refresh();
  }

  /** Forgets cached children of `node` (and everything below it), or of the whole tree. */
  refresh(node?: TreeNode): void {
    if (!node) {
      this.cache.clear();
      this.byId.clear();
    } else {
      // Everything below `node` is forgotten: its cached children and the nodes themselves, so a
      // row that is gone after the reload is not found (and polled) any more.
      for (const [id, known] of [...this.byId]) {
        if (ancestorIds(known).includes(node.id)) {
          this.byId.delete(id);
          this.cache.delete(id);
        }
      }
      this.cache.delete(node.id);
    }
    this.changed.fire(node);
  }
  /** Every node loaded so far, by id (for refresh, reveal and job updates). */
  private readonly byId = new Map<string, TreeNode>();

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const p = present(node);
    const item = new vscode.TreeItem(p.label, p.collapsible === 'collapsed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = p.id;
    item.description = p.description;
    item.contextValue = p.contextValue;
    item.iconPath = new vscode.ThemeIcon(p.icon.id, p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined);
    if (p.tooltip) {
      // API text is escaped in `present`; untrusted and without HTML on top.
      const md = new vscode.MarkdownString(p.tooltip);
      md.isTrusted = false;
      md.supportHtml = false;
      item.tooltip = md;
    }
    if (node.kind === 'volume' || node.kind === 'snapshot') {
      item.command = { command: 'volumeExplorer.showDetails', title: 'Show Details', arguments: [node] };
    }
    if (node.kind === 'message' && node.severity === 'error') {
      item.command = { command: 'volumeExplorer.retry', title: 'Retry', arguments: [node] };
    }
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> | TreeNode[] {
    const backend = this.backend;
    if (!backend) return [];
    if (node && (node.kind === 'snapshot' || node.kind === 'message')) return [];
    const key = node?.id ?? '';
    let children = this.cache.get(key);
    if (!children) {
      children = this.load(backend, node as ParentNode | undefined);
      this.cache.set(key, children);
      const load = children;
      void load.then((c) => {
        // A load that finished after a refresh (or a disconnect) is stale: keep nothing of it.
        if (this.cache.get(key) !== load) return;
        c.forEach((child) => this.byId.set(child.id, child));
        this.loadedChildren.fire(c);
      });
    }
    return children;
  }

  private async load(backend: Backend, node: ParentNode | undefined): Promise<TreeNode[]> {
    try {
      if (!node) return childrenOrEmpty(node, (await backend.listOrganizations()).map(organizationNode));
      switch (node.kind) {
        case 'organization':
          return childrenOrEmpty(node, (await backend.listProjects(node.organization.id)).map((p) => projectNode(p, node)));
        case 'project':
          return childrenOrEmpty(node, (await backend.listVolumes(node.project.id)).map((v) => volumeNode(v, node)));
        case 'volume':
          return childrenOrEmpty(node, (await backend.listSnapshots(node.volume.id)).map((s) => snapshotNode(s, node)));
      }
    } catch (err) {
      this.log.error(`[tree] loading children of ${node?.id ?? 'root'} failed: ${describeError(err)}`);
      if (err instanceof ApiError && err.isUnauthorized) this.unauthorized.fire(err);
      return [errorNode(node, describeError(err))];
    }
  }

  /**
   * Replaces a loaded volume's data in place (same node object, so VS Code repaints that row)
   * and returns the node, or undefined when the volume is not in the tree.
   */
  updateVolume(volume: Volume): VolumeNode | undefined {
    const node = this.byId.get(`volume/${volume.id}`);
    if (node?.kind !== 'volume') return undefined;
    node.volume = volume;
    this.changed.fire(node);
    return node;
  }

  /** Like {@link updateVolume}, for snapshots. */
  updateSnapshot(snapshot: Snapshot): SnapshotNode | undefined {
    const node = this.byId.get(`snapshot/${snapshot.id}`);
    if (node?.kind !== 'snapshot') return undefined;
    node.snapshot = snapshot;
    this.changed.fire(node);
    return node;
  }

  /** Every loaded volume and snapshot node (for pollers and pickers; no request). */
  loadedResources(): Array<VolumeNode | SnapshotNode> {
    return [...this.byId.values()].filter((n): n is VolumeNode | SnapshotNode => n.kind === 'volume' || n.kind === 'snapshot');
  }

  /** A node loaded earlier (no request), e.g. `volume/<uuid>`. */
  find(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  dispose(): void {
    this.changed.dispose();
    this.unauthorized.dispose();
    this.loadedChildren.dispose();
  }
}

function ancestorIds(node: TreeNode): string[] {
  const ids: string[] = [];
  for (let n: TreeNode | undefined = node.parent; n; n = n.parent) ids.push(n.id);
  return ids;
}
