import * as vscode from 'vscode';
import type { Resource } from '../core/model';
import { refKey, type ResourceRef } from '../core/ref';
import type { ResourceNode } from '../tree/nodes';
import type { JobsController, JobsDeps } from './controller';
import { isStable, stillText } from './judge';
import type { Clock, WatchSpec } from './tracker';

/**
 * Busy resources without a job, followed by the tracker's watchers until they are stable: the
 * loaded tree rows (while the view is visible) and the resources a detail panel shows (while it
 * is open). Nothing else polls.
 */
export class RowWatcher implements vscode.Disposable {
  /** Rows given up on (timed out); a refresh makes new node objects, which are watched again. */
  private readonly givenUp = new WeakSet<ResourceNode>();
  /** Resource keys a panel asked to follow, with how many panels asked. */
  private readonly requested = new Map<string, number>();
  private scanTimer: unknown;
  private readonly clock: Clock;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly jobs: JobsController, private readonly deps: JobsDeps) {
    this.clock = jobs.clock;
    const { view, tree } = deps;
    if (!view.visible) jobs.tracker.pause();
    this.disposables = [
      view.onDidChangeVisibility((e) => {
        if (e.visible) {
          jobs.tracker.resume();
          this.scheduleScan();
        } else {
          jobs.tracker.pause();
        }
      }),
      tree.onDidChangeTreeData(() => this.scheduleScan()),
      tree.onDidLoadChildren(() => this.scheduleScan()),
    ];
  }

  /** A timed-out or cancelled job's row is not read again until it is refreshed. */
  giveUp(r: ResourceRef): void {
    const node = this.deps.tree.find(r);
    if (node?.kind === 'volume' || node?.kind === 'snapshot') this.givenUp.add(node);
  }

  /**
   * A panel shows `r` busy: follow it while the panel is open, even when the tree is hidden.
   * Dispose to release.
   */
  follow(r: ResourceRef, current: Resource): vscode.Disposable {
    const key = refKey(r);
    this.requested.set(key, (this.requested.get(key) ?? 0) + 1);
    if (current.status.category === 'busy' && !this.jobs.tracker.isRunning(key)) this.jobs.tracker.watch(key, this.spec(r, true));
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        const n = (this.requested.get(key) ?? 1) - 1;
        if (n > 0) this.requested.set(key, n);
        else {
          this.requested.delete(key);
          if (!this.deps.tree.find(r)) this.jobs.tracker.unwatch(key);
        }
      },
    };
  }

  scheduleScan(): void {
    if (this.scanTimer !== undefined) return;
    this.scanTimer = this.clock.setTimeout(() => {
      this.scanTimer = undefined;
      this.scan();
    }, 50);
  }

  /** Watches loaded busy rows without a job; forgets rows no longer in the tree (unless a panel follows them). */
  scan(): void {
    const { tracker } = this.jobs;
    const nodes = this.deps.tree.loadedResources();
    const present = new Set(nodes.map((n) => n.id));
    for (const key of tracker.watchedKeys()) {
      if (!present.has(key) && !this.requested.has(key)) tracker.unwatch(key);
    }
    for (const node of nodes) {
      const r: Resource = node.kind === 'volume' ? node.volume : node.snapshot;
      if (r.status.category !== 'busy' || this.givenUp.has(node)) continue;
      if (!this.deps.connections.get(node.ref.connectionId)?.backend) continue;
      if (tracker.isRunning(node.id) || tracker.isWatching(node.id)) continue;
      tracker.watch(node.id, this.spec(node.ref, false));
    }
  }

  private spec(r: ResourceRef, forPanel: boolean): WatchSpec<Resource> {
    const key = refKey(r);
    return {
      read: (signal) => this.jobs.read(r, signal),
      isStable,
      onUpdate: (x) => this.deps.refresh.resource(r, x),
      timeoutMs: this.jobs.timeoutMs(),
      keepWhenPaused: forPanel || this.requested.has(key),
      onGone: () => this.deps.refresh.gone(r),
      onTimeout: () => {
        this.giveUp(r);
        const node = this.deps.tree.find(r);
        const last = node?.kind === 'volume' ? node.volume : node?.kind === 'snapshot' ? node.snapshot : undefined;
        this.deps.log.info(`[jobs] ${key} is still ${stillText(last)} after ${this.jobs.timeoutMinutes()} min; no longer reading it until it is refreshed`);
      },
    };
  }

  dispose(): void {
    if (this.scanTimer !== undefined) this.clock.clearTimeout(this.scanTimer);
    this.scanTimer = undefined;
    this.disposables.forEach((d) => d.dispose());
  }
}
