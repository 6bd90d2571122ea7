import * as vscode from 'vscode';
import type { Backend, OrderProgress, VolumeOrder } from '../core/backend';
import { ApiError } from '../core/errors';
import type { Resource, Scope, Snapshot, Volume } from '../core/model';
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
  /** No notification when it ends: the caller reports (clean-up's summary). */
  quiet?: boolean;
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

/** What following an order reads: the order, and the volume once it made one. */
interface OrderRead {
  order: OrderProgress;
  volume?: Volume;
}

interface JobMeta {
  ref: ResourceRef;
  /** Key of the parent row to reload when the resource disappears. */
  parentKey: string | undefined;
  finishProgress?: () => void;
  /** No notification of its own (a clean-up says how it went in one summary). */
  quiet?: boolean;
  afterSuccess?: (parentKey: string | undefined) => Promise<void>;
}

interface StartExtra {
  /** A new resource: reload its loaded parent so the moving row shows up. */
  refreshParent?: boolean;
  /** Shown in the row at once (the server flips the status when it accepts). */
  optimistic?: boolean;
  quiet?: boolean;
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
    return this.startJob(r, resource, spec, { optimistic: r.kind === 'snapshot', quiet: opts.quiet });
  }

  /**
   * Follows a creation order (a Waldur marketplace order) until the volume it makes is stable,
   * then reveals it: pending approval and executing are "still going", an erred, rejected or
   * canceled order is the failure, in the server's words. Keyed by the project with the order's
   * id, so two orders are two jobs.
   */
  followOrder(connectionId: string, scope: Scope, order: VolumeOrder, opts: FollowOptions<Volume> & { waitingNote?: string }): Job | undefined {
    const backend = this.deps.connections.get(connectionId)?.backend;
    if (!backend?.readOrder) {
      this.deps.log.warn(`[jobs] not following order ${order.orderId}: not connected or no orders`);
      return undefined;
    }
    const projectKey = refKey(makeRef(connectionId, 'project', scope.id));
    let meta: JobMeta | undefined;
    let volumeRef: ResourceRef | undefined;
    const spec: JobSpec<OrderRead> = {
      resourceKey: projectKey,
      action: `order:${order.orderId}`,
      title: opts.title,
      read: async (signal) => {
        const live = this.deps.connections.get(connectionId)?.backend;
        if (!live?.readOrder) throw new Error('Not connected.');
        const progress = await live.readOrder(order.orderId, signal);
        if (!progress.volumeId) return { order: progress };
        const r = makeRef(connectionId, 'volume', progress.volumeId);
        const volume = (await this.read(r, signal)) as Volume | undefined;
        return { order: progress, volume };
      },
      isStable: (x) => x.order.state === 'done' && !!x.volume && isStable(x.volume),
      isFailed: (x) => (x.order.state === 'failed' ? `the order ${x.order.label}${x.order.error ? `: ${x.order.error}` : ''}` : x.volume ? failureOf(x.volume) : undefined),
      successMessage: (x) => (x?.volume ? opts.success(x.volume) : opts.title),
      failureTitle: opts.failureTitle,
      goneMessage: `The order ${order.orderId} no longer exists on the server.`,
      onUpdate: (x) => {
        if (!x.volume) return;
        const r = makeRef(connectionId, 'volume', x.volume.id);
        if (!volumeRef) {
          // The volume exists now: its project shows it (moving), and the job's end names it.
          volumeRef = r;
          if (meta) meta.ref = r;
          this.deps.refresh.added(projectKey);
        }
        this.deps.refresh.resource(r, x.volume);
      },
      timeoutMs: opts.timeoutMs ?? this.timeoutMs(),
      timeoutMessage: (last, elapsed) => `Stopped following the order for ${opts.title.replace(/^Creating /, '')} after ${formatDuration(elapsed)}; it is still ${last?.order.label ?? 'pending'} on the server${last?.order.state === 'pending' && opts.waitingNote ? ` (${opts.waitingNote})` : ''}.`,
    };
    const existing = this.tracker.runningJob(spec.resourceKey, spec.action);
    if (existing) return existing;
    const job = this.tracker.start(spec);
    if (job.state === 'running' && !this.meta.has(job.id)) {
      meta = {
        ref: volumeRef ?? makeRef(connectionId, 'project', scope.id), parentKey: projectKey,
        afterSuccess: async () => { if (volumeRef) await this.revealNew(volumeRef, projectKey); },
      };
      const mine = meta;
      this.meta.set(job.id, mine);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: job.title }, () => new Promise<void>((resolve) => {
        if (this.meta.get(job.id) === mine) mine.finishProgress = resolve;
        else resolve();
      }));
    }
    return job;
  }

  /** Resolves when `job` has ended (at once when it already has). */
  whenEnded(job: Job): Promise<Job> {
    if (job.state !== 'running') return Promise.resolve(job);
    return new Promise((resolve) => {
      const sub = this.endEmitter.event((e) => {
        if (e.job.id !== job.id) return;
        sub.dispose();
        resolve(e.job);
      });
    });
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
      const meta: JobMeta = { ref: r, parentKey, afterSuccess: extra.afterSuccess, quiet: extra.quiet };
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
    const isOrder = job.action.startsWith('order:');
    const last = isOrder ? (job.last as OrderRead | undefined)?.volume : (job.last as Resource | undefined);
    this.endEmitter.fire({ job, ref: r, resource: job.gone ? undefined : last });
    if (job.gone && !isOrder) this.deps.refresh.gone(r, meta?.parentKey);
    if (job.state === 'timed-out' || job.state === 'cancelled') this.watcher.giveUp(r);
    if (job.state === 'cancelled' || !job.message || meta?.quiet) return;
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
