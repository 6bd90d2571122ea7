import * as vscode from 'vscode';
import type { Backend } from '../core/backend';
import { ApiError } from '../core/errors';
import type { Resource, Snapshot, Volume } from '../core/model';
import { connectionOfKey, parseRefKey, ref as makeRef, refKey, type ResourceRef } from '../core/ref';
import { actionGerund } from '../core/status';
import type { ConnectionManager } from '../connections/manager';
import type { RefreshManager } from '../tree/refresh';
import type { VolumeTreeProvider } from '../tree/provider';
import type { TreeNode } from '../tree/nodes';
import { plainText, uiText } from '../util/escape';
import { failureOf, isStable, stillText } from './judge';
import { JobNotifier } from './notify';
import { formatDuration, type PollSchedule } from './schedule';
import { JobsStatusBar } from './statusbar';
import { JobTracker, realClock, type Clock, type Job, type JobEvent, type JobSpec } from './tracker';
import { RowWatcher } from './watch';

/** What a command passes when it follows an accepted action. */
export interface FollowOptions<R> {
  /** `Extending data-01 to 40 GiB` (status bar, progress, job list). */
  title: string;
  /** The success notification, from the final resource: `data-01 is now 40 GiB.` */
  success: (r: R) => string;
  /** `Extend failed` → `Extend failed: <the API's error message>`. */
  failureTitle: string;
  /** Overrides `volumeExplorer.jobs.timeoutMinutes`. */
  timeoutMs?: number;
}

export interface DeletionOptions {
  title: string;
  success: () => string;
  failureTitle: string;
  timeoutMs?: number;
  /** Said when it times out without ever moving (a Waldur order waiting for approval). */
  waitingNote?: string;
}

/** Fired when a job ends, for the detail panel and others. */
export interface JobEndEvent {
  job: Job;
  ref: ResourceRef;
  /** The last state read, when any (undefined when it is gone). */
  resource: Resource | undefined;
}

export interface JobsDeps {
  log: vscode.LogOutputChannel;
  connections: ConnectionManager;
  tree: VolumeTreeProvider;
  refresh: RefreshManager;
  view: vscode.TreeView<TreeNode>;
  /** Tests: a fake clock and a short schedule. */
  clock?: Clock;
  schedule?: PollSchedule;
}

interface JobMeta {
  ref: ResourceRef;
  /** Key of the parent row to reload when the resource disappears. */
  parentKey: string | undefined;
  finishProgress?: () => void;
  afterSuccess?: (parentKey: string | undefined) => Promise<void>;
}

interface StartExtra {
  /** A new resource: reload its loaded parent so the moving row shows up. */
  refreshParent?: boolean;
  /** Shown in the row at once (the server flips the status when it accepts). */
  optimistic?: boolean;
  afterSuccess?: (parentKey: string | undefined) => Promise<void>;
}

const name = (r: Resource): string => uiText(r.name, 80) || '(unnamed)';


/**
 * Long jobs in VS Code: owns the {@link JobTracker} (the one poller), starts a job per accepted
 * action, feeds every read to the {@link RefreshManager}, and wires the status bar, the end
 * notifications and the watcher of busy rows. Jobs of a removed connection stop.
 */
export class JobsController implements vscode.Disposable {
  readonly tracker: JobTracker;
  private readonly meta = new Map<number, JobMeta>();
  private readonly endEmitter = new vscode.EventEmitter<JobEndEvent>();
  /** A job ended (succeeded, failed, timed out or was cancelled). */
  readonly onDidEndJob = this.endEmitter.event;
  private readonly changeEmitter = new vscode.EventEmitter<JobEvent>();
  /** Any job started, was read, or ended. */
  readonly onDidChangeJobs = this.changeEmitter.event;
  readonly clock: Clock;
  private readonly statusBar: JobsStatusBar;
  private readonly notifier: JobNotifier;
  readonly watcher: RowWatcher;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly deps: JobsDeps) {
    const { log, connections } = deps;
    this.clock = deps.clock ?? realClock;
    this.tracker = new JobTracker({
      clock: deps.clock,
      schedule: deps.schedule,
      defaultTimeoutMs: this.timeoutMs(),
      log: (level, message) => (level === 'debug' ? log.debug(message) : level === 'warn' ? log.warn(message) : log.error(message)),
    });
    this.statusBar = new JobsStatusBar(this.tracker, this.clock, (key) => connections.labelWhenSeveral(connectionOfKey(key)));
    this.notifier = new JobNotifier(connections);
    this.watcher = new RowWatcher(this, deps);
    const trackerSub = this.tracker.onDidChange((e) => this.onJobEvent(e));
    this.disposables.push(
      { dispose: () => trackerSub.dispose() },
      this.statusBar,
      this.watcher,
      this.endEmitter,
      this.changeEmitter,
      connections.onDidRemove((id) => this.stopConnection(id, 'its connection was removed')),
      connections.onDidChange((c) => {
        // A reconnect gives the connection a new backend: what was followed with the old one stops.
        if (c && this.backends.has(c.id) && this.backends.get(c.id) !== c.backend) this.stopConnection(c.id, 'the connection changed');
        if (c) this.backends.set(c.id, c.backend);
      }),
    );
  }
  private readonly backends = new Map<string, Backend | undefined>();

  private stopConnection(connectionId: string, why: string): void {
    const mine = (key: string): boolean => connectionOfKey(key) === connectionId;
    const n = this.tracker.cancelWhere(mine, `Stopped following: ${why}.`);
    this.tracker.unwatchWhere(mine);
    if (n) this.deps.log.info(`[jobs] stopped following ${n} job(s) of ${connectionId}: ${why}`);
  }

  // --- API for commands ---------------------------------------------------------------------

  /** Is `action` (or any action) running on the resource? Commands refuse a second one. */
  isRunning(r: ResourceRef, action?: string): boolean {
    return this.tracker.isRunning(refKey(r), action);
  }

  /** The running job on a resource (for `action`, or any), e.g. for the detail panel. */
  runningJob(r: ResourceRef, action?: string): Job | undefined {
    return this.tracker.runningJob(refKey(r), action);
  }

  /** Running jobs (oldest first) and recently ended ones (newest first). */
  jobs(): { running: Job[]; recent: Job[] } {
    return { running: this.tracker.runningJobs(), recent: this.tracker.recentJobs() };
  }

  /** The status-bar text while jobs run, undefined when the item is hidden (tests, diagnostics). */
  get statusBarText(): string | undefined {
    return this.statusBar.text;
  }

  /** Follows a resource after an accepted action until it is stable again. */
  follow<R extends Resource>(r: ResourceRef, resource: R, action: string, opts: FollowOptions<R>): Job | undefined {
    const spec = this.resourceSpec(r, resource, action, opts);
    return spec && this.startJob(r, resource, spec, { optimistic: action !== 'create' });
  }

  /**
   * Follows a resource that was just created (restore, snapshot) until it is stable, then
   * reveals it in the tree (its parent reloads at the start so the new row shows up moving).
   */
  followNew<R extends Resource>(r: ResourceRef, resource: R, action: string, opts: FollowOptions<R>, reveal = true): Job | undefined {
    const spec = this.resourceSpec(r, resource, action, opts);
    return spec && this.startJob(r, resource, spec, {
      refreshParent: true,
      afterSuccess: reveal ? (parentKey) => this.revealNew(r, parentKey) : undefined,
    });
  }

  /** Follows a delete until the resource is gone (success) or back to a stable state (failure). */
  followDeletion(r: ResourceRef, resource: Resource, opts: DeletionOptions): Job | undefined {
    let seenMoving = false;
    const base = this.resourceSpec(r, resource, 'delete', { title: opts.title, failureTitle: opts.failureTitle, timeoutMs: opts.timeoutMs, success: () => opts.success() });
    if (!base) return undefined;
    const spec: JobSpec<Resource> = {
      ...base,
      goneIsSuccess: true,
      successMessage: () => opts.success(),
      onUpdate: (x) => {
        if (x.status.category === 'busy') seenMoving = true;
        base.onUpdate?.(x);
      },
      // Only disappearing ends a delete well; back to stable after moving means it did not happen.
      isStable: () => false,
      isFailed: (x) => {
        const failure = failureOf(x);
        if (failure) return failure;
        if (seenMoving && x.status.category === 'stable') return `${name(x)} is still there (${x.status.label}).`;
        return undefined;
      },
      timeoutMessage: (last, elapsed) => `Stopped following delete of ${name(last ?? resource)} after ${formatDuration(elapsed)}; it is still ${stillText(last)} on the server${!seenMoving && opts.waitingNote ? ` (${opts.waitingNote})` : ''}.`,
    };
    return this.startJob(r, resource, spec, { optimistic: r.kind === 'snapshot' });
  }

  // --- following ----------------------------------------------------------------------------

  /** The spec every resource job shares: read through the connection's backend, judge by status, feed the tree. */
  private resourceSpec<R extends Resource>(r: ResourceRef, resource: R, action: string, opts: FollowOptions<R>): JobSpec<R> | undefined {
    if (!this.deps.connections.get(r.connectionId)?.backend) {
      this.deps.log.warn(`[jobs] not following ${action} of ${refKey(r)}: not connected`);
      return undefined;
    }
    return {
      resourceKey: refKey(r),
      action,
      title: opts.title,
      read: (signal) => this.read(r, signal) as Promise<R | undefined>,
      isStable,
      isFailed: failureOf,
      successMessage: (x) => opts.success(x ?? resource),
      failureTitle: opts.failureTitle,
      goneMessage: `${name(resource)} no longer exists on the server.`,
      onUpdate: (x) => this.deps.refresh.resource(r, x),
      timeoutMs: opts.timeoutMs ?? this.timeoutMs(),
      timeoutMessage: (last, elapsed) => `Stopped following ${action} of ${name(last ?? resource)} after ${formatDuration(elapsed)}; it is still ${stillText(last)} on the server.`,
    };
  }

  /** The parent row of a resource: its loaded row's parent, else its project or source volume. */
  private parentKeyOf(r: ResourceRef, resource: Resource): string | undefined {
    const node = this.deps.tree.find(r);
    if (node?.parent) return node.parent.id;
    if (r.kind === 'volume') {
      const projectId = (resource as Volume).projectId;
      return projectId ? refKey(makeRef(r.connectionId, 'project', projectId)) : undefined;
    }
    const volumeId = (resource as Snapshot).sourceVolumeId;
    return volumeId ? refKey(makeRef(r.connectionId, 'volume', volumeId)) : undefined;
  }

  private startJob<R extends Resource>(r: ResourceRef, resource: R, spec: JobSpec<R>, extra: StartExtra): Job {
    const existing = this.tracker.runningJob(spec.resourceKey, spec.action);
    if (existing) return existing;
    const node = this.deps.tree.find(r);
    const parentKey = this.parentKeyOf(r, resource);
    if (node && extra.optimistic && resource.status.category !== 'busy') {
      // The server flips the status when it accepts; show that now rather than in 2.5 s.
      this.deps.refresh.resource(r, { ...resource, status: { category: 'busy', label: actionGerund(spec.action) } });
    } else if (!node && extra.refreshParent) {
      this.deps.refresh.added(parentKey);
    }
    const job = this.tracker.start(spec);
    if (job.state === 'running' && !this.meta.has(job.id)) {
      const meta: JobMeta = { ref: r, parentKey, afterSuccess: extra.afterSuccess };
      this.meta.set(job.id, meta);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: job.title }, () => new Promise<void>((resolve) => {
        if (this.meta.get(job.id) === meta) meta.finishProgress = resolve;
        else resolve();
      }));
    }
    return job;
  }

  /** After a restore: the new volume's row, loaded if need be (reloading its parent), revealed. */
  private async revealNew(r: ResourceRef, parentKey: string | undefined): Promise<void> {
    const { tree, view } = this.deps;
    let node = tree.find(r);
    if (!node && parentKey) {
      const parent = this.deps.refresh.added(parentKey);
      if (parent) {
        await tree.getChildren(parent);
        node = tree.find(r);
      }
    }
    if (node) await view.reveal(node, { select: true, focus: false, expand: false });
  }

  /** Reads a resource through its connection's current backend; a 404 means it is gone. */
  async read(r: ResourceRef, signal: AbortSignal): Promise<Resource | undefined> {
    const backend = this.deps.connections.get(r.connectionId)?.backend;
    if (!backend) throw new Error('Not connected.');
    try {
      return r.kind === 'volume' ? await backend.getVolume(r.id, signal) : await backend.getSnapshot(r.id, signal);
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) return undefined;
      throw err;
    }
  }

  // --- job events ---------------------------------------------------------------------------

  private onJobEvent(e: JobEvent): void {
    const j = e.job;
    if (e.type === 'started') this.deps.log.info(`[jobs] #${j.id} ${j.title}: accepted; following ${j.resourceKey}`);
    else if (e.type === 'ended') {
      const line = `[jobs] #${j.id} ${j.title}: ${j.state} after ${formatDuration((j.endedAt ?? Date.now()) - j.startedAt)}, ${j.reads} read(s)${j.message ? ` — ${plainText(j.message, 300)}` : ''}`;
      if (j.state === 'succeeded') this.deps.log.info(line);
      else this.deps.log.warn(line);
    }
    this.changeEmitter.fire(e);
    if (e.type === 'ended') void this.onJobEnded(e.job);
  }

  private async onJobEnded(job: Job): Promise<void> {
    const meta = this.meta.get(job.id);
    this.meta.delete(job.id);
    meta?.finishProgress?.();
    const r = meta?.ref ?? parseRefKey(job.resourceKey);
    if (!r) return;
    this.endEmitter.fire({ job, ref: r, resource: job.gone ? undefined : (job.last as Resource | undefined) });
    if (job.gone) this.deps.refresh.gone(r, meta?.parentKey);
    if (job.state === 'timed-out' || job.state === 'cancelled') this.watcher.giveUp(r);
    if (job.state === 'cancelled' || !job.message) return;
    if (job.state === 'succeeded' && meta?.afterSuccess) {
      try {
        await meta.afterSuccess(meta.parentKey);
      } catch (err) {
        this.deps.log.warn(`[jobs] revealing ${job.resourceKey} failed: ${String(err)}`);
      }
    }
    // A 401 marked the connection already (the connection layer offers to reconnect).
    if (job.state === 'failed' && job.unauthorized) return;
    await this.notifier.jobEnded(job, r);
  }

  timeoutMinutes(): number {
    const minutes = vscode.workspace.getConfiguration('volumeExplorer').get<number>('jobs.timeoutMinutes', 30);
    return Number.isFinite(minutes) && minutes > 0 ? minutes : 30;
  }

  timeoutMs(): number {
    return this.timeoutMinutes() * 60_000;
  }

  dispose(): void {
    for (const meta of this.meta.values()) meta.finishProgress?.();
    this.tracker.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
