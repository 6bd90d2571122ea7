import * as vscode from 'vscode';
import { ApiError } from '../api/errors';
import type { Backend } from '../backend/types';
import { offerReconnect } from '../commands/registry';
import type { ConnectionManager } from '../connection';
import { displayState, isErred, isTransitional } from '../model/state';
import type { Snapshot, Volume } from '../model/types';
import type { VolumeTreeProvider } from '../tree/provider';
import type { SnapshotNode, TreeNode, VolumeNode } from '../tree/nodes';
import { uiText } from '../util/escape';
import { formatDuration, type PollSchedule } from './schedule';
import { JobTracker, realClock, type Clock, type Job, type JobEvent, type JobSpec, type JobState, type WatchSpec } from './tracker';

export type ResourceKind = 'volume' | 'snapshot';
type Resource = Volume | Snapshot;

/** What a command passes when it follows an accepted action. */
export interface FollowOptions<R> {
  /** `Extending data-01 to 40 GiB` (status bar, progress, job list). */
  title: string;
  /** The success notification, from the final resource: `data-01 is now 40 GiB.` */
  success: (r: R) => string;
  /** `Extend failed` → `Extend failed: <error_message from the API>`. */
  failureTitle: string;
  /** Overrides `volumeExplorer.jobs.timeoutMinutes`. */
  timeoutMs?: number;
}

export interface DeletionOptions {
  title: string;
  success: () => string;
  failureTitle: string;
  timeoutMs?: number;
}

/** Fired when a job ends, for the detail panel and others. */
export interface JobEndEvent {
  job: Job;
  kind: ResourceKind;
  /** The resource's id (uuid). */
  id: string;
  /** The last state read, when any (undefined when it is gone). */
  resource: Resource | undefined;
}

export interface JobsDeps {
  log: vscode.LogOutputChannel;
  connections: ConnectionManager;
  tree: VolumeTreeProvider;
  view: vscode.TreeView<TreeNode>;
  /** Tests: a fake clock and a short schedule. */
  clock?: Clock;
  schedule?: PollSchedule;
}

interface JobMeta {
  kind: ResourceKind;
  id: string;
  /** Tree node id of the parent to refresh when the resource disappears. */
  parentKey: string | undefined;
  finishProgress?: () => void;
  afterSuccess?: (parentKey: string | undefined) => Promise<void>;
}

interface StartExtra {
  /** A new resource: reload its loaded parent so the moving row shows up. */
  refreshParent?: boolean;
  /** Shown in the row at once (the server flips the state when it accepts). */
  optimisticState?: string;
  afterSuccess?: (parentKey: string | undefined) => Promise<void>;
}

const SHOW_DETAILS = 'Show Details';
const STATE_ICONS: Record<JobState, string> = {
  running: '$(sync~spin)', succeeded: '$(check)', failed: '$(error)', 'timed-out': '$(watch)', cancelled: '$(circle-slash)',
};
const STATE_WORDS: Record<JobState, string> = {
  running: 'running', succeeded: 'done', failed: 'failed', 'timed-out': 'no longer followed', cancelled: 'stopped',
};

const name = (r: Resource): string => uiText(r.name, 80) || '(unnamed)';

/** `Updating`, or the runtime state (`extending`) when only that moves. */
function stillText(r: Resource | undefined): string {
  if (!r) return 'running';
  if (isTransitional(r.state)) return displayState(r.state);
  if (r.runtimeState && isTransitional('OK', r.runtimeState)) return r.runtimeState;
  return displayState(r.state);
}

/** The API's error message, or what the states say. */
function failureText(r: Resource): string {
  if (r.errorMessage) return r.errorMessage;
  return `${name(r)} is ${displayState(r.state)}${r.runtimeState ? ` (${r.runtimeState})` : ''}`;
}

/**
 * The VS Code side of long jobs: owns the {@link JobTracker}, the status bar item, a window
 * progress per job, the end notifications and `volumeExplorer.showJobs`; feeds reads into the
 * tree and watches transitional rows that have no job while the view is visible.
 */
export class JobsController implements vscode.Disposable {
  readonly tracker: JobTracker;
  private readonly meta = new Map<number, JobMeta>();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly endEmitter = new vscode.EventEmitter<JobEndEvent>();
  /** A job ended (succeeded, failed, timed out or was cancelled). */
  readonly onDidEndJob = this.endEmitter.event;
  private readonly changeEmitter = new vscode.EventEmitter<JobEvent>();
  /** Any job started, was read, or ended. */
  readonly onDidChangeJobs = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Row nodes we gave up on (timed out); a refresh makes new node objects, which are watched again. */
  private readonly givenUp = new WeakSet<TreeNode>();
  private scanTimer: unknown;
  private readonly clock: Clock;
  private backend: Backend | undefined;
  private stopWatchingLoads: (() => void) | undefined;

  constructor(private readonly deps: JobsDeps) {
    const { log, connections, tree, view } = deps;
    this.clock = deps.clock ?? realClock;
    this.tracker = new JobTracker({
      clock: deps.clock,
      schedule: deps.schedule,
      defaultTimeoutMs: this.timeoutMs(),
      log: (level, message) => (level === 'debug' ? log.debug(message) : level === 'warn' ? log.warn(message) : log.error(message)),
    });
    this.statusItem = vscode.window.createStatusBarItem('volumeExplorer.jobs', vscode.StatusBarAlignment.Left, 20);
    this.statusItem.name = 'Volume Explorer Jobs';
    this.statusItem.command = 'volumeExplorer.showJobs';
    this.backend = connections.connection?.backend;
    if (!view.visible) this.tracker.pause();

    const trackerSub = this.tracker.onDidChange((e) => this.onJobEvent(e));
    this.disposables.push(
      { dispose: () => trackerSub.dispose() },
      this.statusItem,
      this.endEmitter,
      this.changeEmitter,
      vscode.commands.registerCommand('volumeExplorer.showJobs', () => this.showJobs()),
      view.onDidChangeVisibility((e) => {
        if (e.visible) {
          this.tracker.resume();
          this.scheduleScan();
        } else {
          this.tracker.pause();
        }
      }),
      connections.onDidChange((c) => {
        // Identity updates fire too; only another backend ends what we follow.
        if (c?.backend === this.backend) return;
        this.backend = c?.backend;
        const running = this.tracker.runningJobs().length;
        this.tracker.cancelAll('Stopped following: the connection changed.');
        this.tracker.unwatchAll();
        if (running) log.info(`[jobs] stopped following ${running} job(s): the connection changed`);
      }),
      tree.onDidChangeTreeData(() => this.scheduleScan()),
    );
    this.hookTreeLoads();
  }

  // --- API for commands ---------------------------------------------------------------------

  /** Is `action` running on `resourceKey` (`volume/<uuid>`)? Commands refuse a second one. */
  isRunning(resourceKey: string, action?: string): boolean {
    return this.tracker.isRunning(resourceKey, action);
  }

  /** The running job on a resource (for `action`, or any), e.g. for the detail panel. */
  runningJob(resourceKey: string, action?: string): Job | undefined {
    return this.tracker.runningJob(resourceKey, action);
  }

  /** Running jobs (oldest first) and recently ended ones (newest first). */
  jobs(): { running: Job[]; recent: Job[] } {
    return { running: this.tracker.runningJobs(), recent: this.tracker.recentJobs() };
  }

  /** Follows a volume after an accepted action until it is stable again. */
  followVolume(volume: Volume, action: string, opts: FollowOptions<Volume>): Job | undefined {
    return this.follow('volume', volume, action, opts, { optimisticState: 'UPDATE_SCHEDULED' });
  }

  /** Follows a snapshot after an accepted action (or a new one, action `create`). */
  followSnapshot(snapshot: Snapshot, action: string, opts: FollowOptions<Snapshot>): Job | undefined {
    return this.follow('snapshot', snapshot, action, opts, { optimisticState: action === 'create' ? undefined : 'UPDATE_SCHEDULED' });
  }

  /**
   * Follows a volume that was just created (restore) until it is OK, then reveals it in the tree
   * (its project is refreshed at the start so the new row shows up moving).
   */
  followNewVolume(volume: Volume, action: string, opts: FollowOptions<Volume>): Job | undefined {
    return this.follow('volume', volume, action, opts, {
      refreshParent: true,
      afterSuccess: (parentKey) => this.revealNew(`volume/${volume.id}`, parentKey),
    });
  }

  /** Follows a delete until the resource is gone (success) or back to a stable state (failure). */
  followDeletion(kind: ResourceKind, resource: Resource, opts: DeletionOptions): Job | undefined {
    let seenMoving = false;
    const base = this.resourceSpec(kind, resource, 'delete', {
      title: opts.title, failureTitle: opts.failureTitle, timeoutMs: opts.timeoutMs, success: () => opts.success(),
    });
    if (!base) return undefined;
    const spec: JobSpec<Resource> = {
      ...base,
      goneIsSuccess: true,
      successMessage: () => opts.success(),
      onUpdate: (r) => {
        if (isTransitional(r.state, r.runtimeState)) seenMoving = true;
        base.onUpdate?.(r);
      },
      // Only disappearing ends a delete well; back to stable after moving means it did not happen.
      isStable: () => false,
      isFailed: (r) => {
        if (isErred(r.state, r.runtimeState)) return failureText(r);
        if (seenMoving && !isTransitional(r.state, r.runtimeState)) return `${name(r)} is still there (${displayState(r.state)}).`;
        return undefined;
      },
      timeoutMessage: (last, elapsed) => `Stopped following delete of ${name(last ?? resource)} after ${formatDuration(elapsed)}; it is still ${stillText(last)} on the server${kind === 'volume' && !seenMoving ? ' (the termination order may be waiting for approval)' : ''}.`,
    };
    return this.startJob(kind, resource, spec, { optimisticState: kind === 'snapshot' ? 'DELETION_SCHEDULED' : undefined });
  }

  // --- following ----------------------------------------------------------------------------

  private follow<R extends Resource>(kind: ResourceKind, resource: R, action: string, opts: FollowOptions<R>, extra: StartExtra): Job | undefined {
    const spec = this.resourceSpec(kind, resource, action, opts);
    return spec ? this.startJob(kind, resource, spec, extra) : undefined;
  }

  /** The spec every resource job shares: read through the backend, judge by state, feed the tree. */
  private resourceSpec<R extends Resource>(kind: ResourceKind, resource: R, action: string, opts: FollowOptions<R>): JobSpec<R> | undefined {
    const backend = this.deps.connections.connection?.backend;
    if (!backend) {
      this.deps.log.warn(`[jobs] not following ${action} of ${kind}/${resource.id}: not connected`);
      return undefined;
    }
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs();
    return {
      resourceKey: `${kind}/${resource.id}`,
      action,
      title: opts.title,
      read: (signal) => this.read(backend, kind, resource.id, signal) as Promise<R | undefined>,
      isStable: (r) => !isTransitional(r.state, r.runtimeState),
      isFailed: (r) => (isErred(r.state, r.runtimeState) ? failureText(r) : undefined),
      successMessage: (r) => opts.success(r ?? resource),
      failureTitle: opts.failureTitle,
      goneMessage: `${name(resource)} no longer exists on the server.`,
      onUpdate: (r) => this.pushToTree(kind, r),
      timeoutMs,
      timeoutMessage: (last, elapsed) => `Stopped following ${action} of ${name(last ?? resource)} after ${formatDuration(elapsed)}; it is still ${stillText(last)} on the server.`,
    };
  }

  private startJob<R extends Resource>(kind: ResourceKind, resource: R, spec: JobSpec<R>, extra: StartExtra): Job {
    const key = spec.resourceKey;
    const existing = this.tracker.runningJob(key, spec.action);
    if (existing) return existing;
    const { tree } = this.deps;
    const node = tree.find(key);
    const parentKey = node?.parent?.id ?? (kind === 'volume'
      ? ((resource as Volume).projectId ? `project/${(resource as Volume).projectId}` : undefined)
      : ((resource as Snapshot).sourceVolumeId ? `volume/${(resource as Snapshot).sourceVolumeId}` : undefined));
    if (node && extra.optimisticState && !isTransitional(resource.state, resource.runtimeState)) {
      // The server flips the state when it accepts; show that now rather than in 2.5 s.
      this.pushToTree(kind, { ...resource, state: extra.optimisticState });
    } else if (!node && parentKey && extra.refreshParent) {
      // A new resource (restore, snapshot): reload its loaded parent so the moving row shows up.
      const parent = tree.find(parentKey);
      if (parent) tree.refresh(parent);
    }
    const job = this.tracker.start(spec);
    if (job.state === 'running' && !this.meta.has(job.id)) {
      const meta: JobMeta = { kind, id: resource.id, parentKey, afterSuccess: extra.afterSuccess };
      this.meta.set(job.id, meta);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: job.title }, () => new Promise<void>((resolve) => {
        if (this.meta.get(job.id) === meta) meta.finishProgress = resolve;
        else resolve();
      }));
    }
    return job;
  }

  /** After a restore: the new volume's row, loaded if need be (refreshing its project), revealed. */
  private async revealNew(key: string, parentKey: string | undefined): Promise<void> {
    const { tree, view } = this.deps;
    let node = tree.find(key);
    if (!node && parentKey) {
      const parent = tree.find(parentKey);
      if (parent) {
        tree.refresh(parent);
        await tree.getChildren(parent);
        node = tree.find(key);
      }
    }
    if (node) await view.reveal(node, { select: true, focus: false, expand: false });
  }

  private async read(backend: Backend, kind: ResourceKind, id: string, signal: AbortSignal): Promise<Resource | undefined> {
    try {
      return kind === 'volume' ? await backend.getVolume(id, signal) : await backend.getSnapshot(id, signal);
    } catch (err) {
      if (err instanceof ApiError && err.isNotFound) return undefined;
      throw err;
    }
  }

  private pushToTree(kind: ResourceKind, r: Resource): void {
    if (kind === 'volume') this.deps.tree.updateVolume(r as Volume);
    else this.deps.tree.updateSnapshot(r as Snapshot);
  }

  // --- job events ---------------------------------------------------------------------------

  private onJobEvent(e: JobEvent): void {
    this.changeEmitter.fire(e);
    if (e.type === 'ended') void this.onJobEnded(e.job);
    this.updateStatusBar();
  }

  private async onJobEnded(job: Job): Promise<void> {
    const meta = this.meta.get(job.id);
    this.meta.delete(job.id);
    meta?.finishProgress?.();
    const kind: ResourceKind = meta?.kind ?? (job.resourceKey.startsWith('snapshot/') ? 'snapshot' : 'volume');
    const id = meta?.id ?? job.resourceKey.slice(job.resourceKey.indexOf('/') + 1);
    this.endEmitter.fire({ job, kind, id, resource: job.gone ? undefined : (job.last as Resource | undefined) });

    const { tree } = this.deps;
    if (job.gone) {
      const parent = meta?.parentKey ? tree.find(meta.parentKey) : undefined;
      if (parent) tree.refresh(parent);
    }
    if (job.state === 'timed-out' || job.state === 'cancelled') {
      // Not read again by a watcher until the row is refreshed (a new node object).
      const node = tree.find(job.resourceKey);
      if (node) this.givenUp.add(node);
    }
    if (job.state === 'cancelled' || !job.message) return;
    if (job.state === 'succeeded' && meta?.afterSuccess) {
      try {
        await meta.afterSuccess(meta.parentKey);
      } catch (err) {
        this.deps.log.warn(`[jobs] revealing ${job.resourceKey} failed: ${String(err)}`);
      }
    }
    if (job.state === 'failed' && job.unauthorized) {
      void offerReconnect();
      return;
    }
    const buttons = job.gone ? [] : [SHOW_DETAILS];
    // The message may carry the API's error text: keep it inert (no links, no icons).
    const message = uiText(job.message, 1000);
    const choice = job.state === 'succeeded' ? await vscode.window.showInformationMessage(message, ...buttons)
      : job.state === 'failed' ? await vscode.window.showErrorMessage(message, ...buttons)
        : await vscode.window.showWarningMessage(message, ...buttons);
    if (choice === SHOW_DETAILS) await this.showDetails(kind, id, job.resourceKey);
  }

  /** Runs `volumeExplorer.showDetails` with the tree node, or `{kind, id}`. */
  private async showDetails(kind: ResourceKind, id: string, key: string): Promise<void> {
    await vscode.commands.executeCommand('volumeExplorer.showDetails', this.deps.tree.find(key) ?? { kind, id });
  }

  /** The status-bar text while jobs run, undefined when the item is hidden (tests, diagnostics). */
  get statusBarText(): string | undefined {
    return this.statusShown ? this.statusItem.text : undefined;
  }
  private statusShown = false;

  private updateStatusBar(): void {
    const running = this.tracker.runningJobs();
    this.statusShown = running.length > 0;
    if (!running.length) {
      this.statusItem.hide();
      return;
    }
    const now = this.clock.now();
    this.statusItem.text = running.length === 1 ? `$(sync~spin) ${running[0]!.title}` : `$(sync~spin) ${running.length} volume jobs`;
    this.statusItem.tooltip = `${running.map((j) => `${j.title} — ${formatDuration(now - j.startedAt)}${j.lastError ? ` (last read failed: ${j.lastError})` : ''}`).join('\n')}\n\nClick to list jobs.`;
    this.statusItem.show();
  }

  /** `volumeExplorer.showJobs`: running and recent jobs; picking one shows its resource. */
  async showJobs(): Promise<void> {
    const jobs = [...this.tracker.runningJobs().reverse(), ...this.tracker.recentJobs()];
    if (!jobs.length) {
      void vscode.window.showInformationMessage('No volume jobs yet. Actions such as Extend or Attach show up here while they run.');
      return;
    }
    type Item = vscode.QuickPickItem & { job: Job };
    const stopButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('debug-stop'), tooltip: 'Stop following (the server goes on)' };
    const now = this.clock.now();
    const items: Item[] = jobs.map((job) => ({
      job,
      label: `${STATE_ICONS[job.state]} ${job.title}`,
      description: job.state === 'running'
        ? `running · ${formatDuration(now - job.startedAt)}${job.last ? ` · ${stillText(job.last as Resource)}` : ''}`
        : `${STATE_WORDS[job.state]} after ${formatDuration((job.endedAt ?? now) - job.startedAt)} · ${formatDuration(now - (job.endedAt ?? now))} ago`,
      detail: uiText(job.message ?? (job.lastError ? `Last read failed (still trying): ${job.lastError}` : undefined), 500) || undefined,
      buttons: job.state === 'running' ? [stopButton] : [],
    }));
    const pick = vscode.window.createQuickPick<Item>();
    pick.title = 'Volume Explorer Jobs';
    pick.placeholder = 'Pick a job to show its resource';
    pick.items = items;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const chosen = await new Promise<Item | undefined>((resolve) => {
      pick.onDidTriggerItemButton((e) => {
        this.tracker.cancel(e.item.job.id);
        resolve(undefined);
        pick.hide();
      });
      pick.onDidAccept(() => {
        resolve(pick.selectedItems[0]);
        pick.hide();
      });
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
    pick.dispose();
    if (!chosen) return;
    const { job } = chosen;
    const node = this.deps.tree.find(job.resourceKey);
    const kind: ResourceKind = job.resourceKey.startsWith('snapshot/') ? 'snapshot' : 'volume';
    const id = job.resourceKey.slice(job.resourceKey.indexOf('/') + 1);
    if (node) {
      await this.deps.view.reveal(node, { select: true, focus: true, expand: false });
    } else if (!job.gone) {
      await vscode.commands.executeCommand('volumeExplorer.showDetails', { kind, id });
    } else {
      void vscode.window.showInformationMessage(job.gone ? `${job.title}: the resource no longer exists.` : 'That resource is not loaded in the tree; expand its project to see it.');
    }
  }

  // --- transitional rows without a job ------------------------------------------------------

  /** Scans every finished tree load for transitional rows to watch. */
  private hookTreeLoads(): void {
    const subscription = this.deps.tree.onDidLoadChildren(() => this.scheduleScan());
    this.stopWatchingLoads = () => subscription.dispose();
  }

  private scheduleScan(): void {
    if (this.scanTimer !== undefined) return;
    this.scanTimer = this.clock.setTimeout(() => {
      this.scanTimer = undefined;
      this.scan();
    }, 50);
  }

  /** Watches loaded transitional rows without a job; forgets rows no longer in the tree. */
  scan(): void {
    const { tree, connections } = this.deps;
    const backend = connections.connection?.backend;
    if (!backend) return;
    const nodes = tree.loadedResources();
    const present = new Set(nodes.map((n) => n.id));
    for (const key of this.tracker.watchedKeys()) {
      if (!present.has(key)) this.tracker.unwatch(key);
    }
    for (const node of nodes) {
      const r: Resource = node.kind === 'volume' ? node.volume : node.snapshot;
      if (!isTransitional(r.state, r.runtimeState) || this.givenUp.has(node)) continue;
      if (this.tracker.isRunning(node.id) || this.tracker.isWatching(node.id)) continue;
      this.tracker.watch(node.id, this.watchSpec(backend, node));
    }
  }

  private watchSpec(backend: Backend, node: VolumeNode | SnapshotNode): WatchSpec<Resource> {
    const kind: ResourceKind = node.kind;
    const id = node.kind === 'volume' ? node.volume.id : node.snapshot.id;
    return {
      read: (signal) => this.read(backend, kind, id, signal),
      isStable: (r) => !isTransitional(r.state, r.runtimeState),
      onUpdate: (r) => this.pushToTree(kind, r),
      timeoutMs: this.timeoutMs(),
      onGone: () => {
        const current = this.deps.tree.find(node.id);
        const parent = current?.parent ?? node.parent;
        this.deps.tree.refresh(this.deps.tree.find(parent.id) ?? parent);
      },
      onTimeout: () => {
        const current = this.deps.tree.find(node.id);
        if (current) this.givenUp.add(current);
        this.deps.log.info(`[jobs] ${node.id} is still ${stillText(node.kind === 'volume' ? node.volume : node.snapshot)} after ${this.timeoutMinutes()} min; no longer reading it until it is refreshed`);
      },
    };
  }

  private timeoutMinutes(): number {
    const minutes = vscode.workspace.getConfiguration('volumeExplorer').get<number>('jobs.timeoutMinutes', 30);
    return Number.isFinite(minutes) && minutes > 0 ? minutes : 30;
  }

  private timeoutMs(): number {
    return this.timeoutMinutes() * 60_000;
  }

  dispose(): void {
    if (this.scanTimer !== undefined) this.clock.clearTimeout(this.scanTimer);
    this.scanTimer = undefined;
    this.stopWatchingLoads?.();
    for (const meta of this.meta.values()) meta.finishProgress?.();
    this.tracker.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
