import * as vscode from 'vscode';
import type { Backend } from '../core/backend';
import type { Resource } from '../core/model';
import { parseRefKey, refKey, type ResourceRef } from '../core/ref';
import type { ConnectionManager } from '../connections/manager';
import type { TreeNode } from './nodes';
import type { VolumeTreeProvider } from './provider';

/** A resource was read fresh, is gone, or its children (snapshots, restorations) changed. */
export type ResourceChange =
  | { what: 'read'; ref: ResourceRef; resource: Resource }
  | { what: 'gone' | 'children'; ref: ResourceRef };

/**
 * Every refresh trigger in one place (as vscode-docker's RefreshManager): connection changes,
 * the title-bar and row Refresh, Retry, job reads, resources that appeared or disappeared. It
 * redraws the tree and tells listeners (the detail panels) what changed, so nobody else needs a
 * timer of their own.
 */
export class RefreshManager implements vscode.Disposable {
  private readonly resourceChanged = new vscode.EventEmitter<ResourceChange>();
  /** A resource was read or is gone (jobs, watchers, edits). */
  readonly onDidChangeResource = this.resourceChanged.event;
  private readonly reloaded = new vscode.EventEmitter<string | undefined>();
  /** A connection's rows (its id) or the whole tree (undefined) were reloaded. */
  readonly onDidReload = this.reloaded.event;
  private readonly backends = new Map<string, Backend | undefined>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly tree: VolumeTreeProvider, connections: ConnectionManager) {
    this.subscriptions = [
      connections.onDidChange((c) => {
        if (!c) {
          // The list changed: roots appear or go (and the single root is left out).
          for (const added of connections.all()) if (!this.backends.has(added.id)) this.backends.set(added.id, added.backend);
          this.tree.fire(undefined);
          return;
        }
        const root = this.tree.root(c.id);
        if (this.backends.has(c.id) && this.backends.get(c.id) === c.backend) {
          // State, identity, label or read-only changed: redraw its rows, no request.
          this.redrawConnection(c.id);
          return;
        }
        this.backends.set(c.id, c.backend);
        if (root) this.tree.invalidate(root);
        this.reloaded.fire(c.id);
      }),
      connections.onDidRemove((id) => {
        this.backends.delete(id);
        this.tree.forgetConnection(id);
        this.reloaded.fire(id);
      }),
    ];
  }

  /** The title bar's Refresh: everything reloads. */
  all(): void {
    this.tree.invalidate();
    this.reloaded.fire(undefined);
  }

  /** A row's Refresh, or Retry on a "Couldn't load" row (which reloads its parent). */
  node(node: TreeNode | undefined): void {
    if (!node) return this.all();
    const target = node.kind === 'message' ? node.parent : node;
    this.tree.invalidate(target);
    if (target.kind === 'connection') this.reloaded.fire(target.connectionId);
  }

  /** A connection's rows reload (Refresh on its root, after a reconnect). */
  connection(connectionId: string): void {
    const root = this.tree.root(connectionId);
    if (root) this.tree.invalidate(root);
    this.reloaded.fire(connectionId);
  }

  /** Menus and labels depend on the connection (read-only, staff): redraw its loaded rows. */
  private redrawConnection(connectionId: string): void {
    const root = this.tree.root(connectionId);
    this.tree.fire(root);
    for (const node of this.tree.loadedResources()) if (node.ref.connectionId === connectionId) this.tree.fire(node);
  }

  /** A fresh read of a resource: its row repaints in place; panels hear of it. */
  resource(ref: ResourceRef, resource: Resource): void {
    this.tree.updateResource(ref, resource);
    this.resourceChanged.fire({ what: 'read', ref, resource });
  }

  /** A resource is gone: its loaded parent reloads (`parentKey` when its row is not loaded). */
  gone(ref: ResourceRef, parentKey?: string): void {
    const parent = this.tree.find(ref)?.parent ?? (parentKey ? this.tree.find(parentKey) : undefined);
    if (parent) this.tree.invalidate(parent);
    this.resourceChanged.fire({ what: 'gone', ref });
  }

  /** A new resource (a snapshot, a restored volume): its loaded parent reloads so the row shows up. */
  added(parent: ResourceRef | string | undefined): TreeNode | undefined {
    if (!parent) return undefined;
    const node = this.tree.find(typeof parent === 'string' ? parent : refKey(parent));
    if (node) this.tree.invalidate(node);
    const r = typeof parent === 'string' ? parseRefKey(parent) : parent;
    if (r) this.resourceChanged.fire({ what: 'children', ref: r });
    return node;
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.resourceChanged.dispose();
    this.reloaded.dispose();
  }
}
