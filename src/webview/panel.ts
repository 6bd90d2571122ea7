import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { ApiError, describeError } from '../api/errors';
import type { WaldurBackend } from '../backend/waldur';
import { offerReconnect, registerCommands, type CommandContext } from '../commands/registry';
import { normalizeRuntimeState, normalizeState } from '../model/state';
import { formatGiB } from '../model/types';
import { isFromWebview, isResourceRef, type DetailsModel, type FromWebview, type JobStatus, type ResourceRef, type ToWebview } from '../shared/protocol';
import type { TreeNode } from '../tree/nodes';
import { plainText, uiText } from '../util/escape';
import { fetchSnapshotDetails, fetchVolumeDetails } from './fetch';
import { buildHtml } from './html';
import { actionCommand, snapshotDetails, volumeDetails } from './model';

export const DETAILS_VIEW_TYPE = 'volumeExplorer.details';
export const SHOW_DETAILS_COMMAND = 'volumeExplorer.showDetails';

/** How often an open, visible panel re-reads a resource that is in a transitional state. */
const BUSY_POLL_MS = 3000;
/** How long a panel restored after a reload waits for the saved connection to come back. */
const RESTORE_WAIT_MS = 5000;

/**
 * What the job follower (src/jobs/ui.ts, `ctx.jobs`) exposes, read structurally so the panels
 * work with or without it and do not depend on its internals.
 */
interface JobLike {
  resourceKey?: string;
  title?: string;
  state?: string;
  message?: string;
}
interface JobEvents {
  onDidEndJob: vscode.Event<{ job: JobLike; kind: string; id: string }>;
  onDidChangeJobs?: vscode.Event<{ type: string; job: JobLike }>;
}

function jobEvents(ctx: CommandContext): JobEvents | undefined {
  const jobs = (ctx as unknown as { jobs?: Partial<JobEvents> }).jobs;
  return jobs && typeof jobs.onDidEndJob === 'function' ? (jobs as JobEvents) : undefined;
}

/** What the status line says about a job. */
export function jobStatus(job: JobLike, ended: boolean): JobStatus {
  const title = plainText(job.title, 200) || 'Operation';
  if (!ended) return { running: true, text: `${title}…`, tone: 'info' };
  const text = plainText(job.message, 300) || `${title}: ${job.state ?? 'ended'}`;
  return { running: false, text, tone: job.state === 'succeeded' ? 'ok' : job.state === 'failed' || job.state === 'timed-out' ? 'error' : 'info' };
}

/** A tree node or `{kind, id}` → the resource; anything else → undefined (ask). */
function refOf(arg: unknown): { ref: ResourceRef; title?: string } | undefined {
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node) {
    if (node.kind === 'volume' && node.volume) return { ref: { kind: 'volume', id: node.volume.id }, title: plainText(node.volume.name) || undefined };
    if (node.kind === 'snapshot' && node.snapshot) return { ref: { kind: 'snapshot', id: node.snapshot.id }, title: plainText(node.snapshot.name) || undefined };
  }
  return isResourceRef(arg) ? { ref: { kind: arg.kind, id: arg.id } } : undefined;
}

const keyOf = (ref: ResourceRef): string => `${ref.kind}/${ref.id}`;

/**
 * The detail panels: one webview per volume or snapshot (a Map keyed by `volume/<uuid>`),
 * revealed when already open, restored after a window reload, refreshed when a job ends or
 * the resource's tree row changes state.
 */
export class DetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DetailsPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private jobsHooked = false;

  constructor(readonly ctx: CommandContext) {
    registerCommands(ctx, { [SHOW_DETAILS_COMMAND]: (_ctx, arg) => this.showFromCommand(arg) });
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DETAILS_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.restore(panel, state),
      }),
      ctx.tree.onDidChangeTreeData((node) => this.onTreeChanged(node ?? undefined)),
      // Identity (staff) arrives after connecting and changes which actions are offered.
      ctx.connections.onDidChange(() => this.refreshVisible(300)),
    );
    this.hookJobs();
  }

  get extensionUri(): vscode.Uri {
    return this.ctx.extension.extensionUri;
  }

  /** The open panel of a resource, if any (tests). */
  get(ref: ResourceRef): DetailsPanel | undefined {
    return this.panels.get(keyOf(ref));
  }

  /** Opens (or reveals) the panel of `ref`. */
  show(ref: ResourceRef, title?: string): DetailsPanel {
    this.hookJobs();
    const existing = this.panels.get(keyOf(ref));
    if (existing) {
      existing.panel.reveal();
      existing.scheduleRefresh(0);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(DETAILS_VIEW_TYPE, title || (ref.kind === 'volume' ? 'Volume' : 'Snapshot'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(this.extensionUri));
    const details = this.adopt(panel, ref);
    details.scheduleRefresh(0);
    return details;
  }

  private async showFromCommand(arg: unknown): Promise<void> {
    const target = refOf(arg) ?? await this.pick();
    if (target) this.show(target.ref, target.title);
  }

  /** The palette's picker: every volume and snapshot the user can see, across projects. */
  private async pick(): Promise<{ ref: ResourceRef; title?: string } | undefined> {
    type Item = vscode.QuickPickItem & { ref: ResourceRef; title: string };
    const backend = this.ctx.connections.connection?.backend;
    if (!backend) throw new Error(this.notConnectedReason());
    const [volumes, snapshots] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Loading volumes and snapshots…' },
      () => Promise.all([backend.listVolumes(), backend.listSnapshots()]));
    const items: Item[] = [
      ...volumes.map((v): Item => ({
        label: uiText(v.name) || '(unnamed volume)',
        description: uiText(`volume · ${formatGiB(v.sizeMiB)}${v.projectName ? ` · ${v.projectName}` : ''}`, 120),
        iconPath: new vscode.ThemeIcon('database'), ref: { kind: 'volume', id: v.id }, title: plainText(v.name),
      })),
      ...snapshots.map((sn): Item => ({
        label: uiText(sn.name) || '(unnamed snapshot)',
        description: uiText(`snapshot of ${sn.sourceVolumeName ?? '?'} · ${formatGiB(sn.sizeMiB)}`, 120),
        iconPath: new vscode.ThemeIcon('device-camera'), ref: { kind: 'snapshot', id: sn.id }, title: plainText(sn.name),
      })),
    ];
    if (!items.length) {
      void vscode.window.showInformationMessage('There are no volumes or snapshots to show.');
      return undefined;
    }
    const choice = await vscode.window.showQuickPick(items, { title: 'Show Details', placeHolder: 'Type to search volumes and snapshots by name or project', matchOnDescription: true });
    return choice ? { ref: choice.ref, title: choice.title } : undefined;
  }

  /** The typed client of the current connection, when it is a Waldur one. */
  client(): WaldurBackend['client'] | undefined {
    const backend = this.ctx.connections.connection?.backend;
    return backend?.kind === 'waldur' ? (backend as WaldurBackend).client : undefined;
  }

  notConnectedReason(): string {
    const backend = this.ctx.connections.connection?.backend;
    return backend ? 'Details are available for Waldur connections only.' : 'Not connected to Waldur.';
  }

  isStaff(): boolean {
    return this.ctx.connections.connection?.identity?.isStaff ?? false;
  }

  private adopt(panel: vscode.WebviewPanel, ref: ResourceRef): DetailsPanel {
    const details = new DetailsPanel(this, panel, ref);
    this.panels.set(keyOf(ref), details);
    panel.onDidDispose(() => {
      if (this.panels.get(keyOf(ref)) === details) this.panels.delete(keyOf(ref));
      details.dispose();
    });
    return details;
  }

  /** A panel restored after a window reload: its saved `{kind, id}` or nothing. */
  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isResourceRef(state) || this.panels.has(keyOf(state))) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    const details = this.adopt(panel, { kind: state.kind, id: state.id });
    if (!(await this.waitForConnection())) {
      this.close(details, `${panel.title || 'A detail panel'}: not connected to Waldur, so its panel was closed.`);
      return;
    }
    details.scheduleRefresh(0);
  }

  /** True once a Waldur connection is there; the saved one is restored during activation. */
  private waitForConnection(): Promise<boolean> {
    if (this.ctx.connections.connection) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (connected: boolean): void => {
        clearTimeout(timer);
        sub.dispose();
        resolve(connected);
      };
      const sub = this.ctx.connections.onDidChange((c) => done(Boolean(c)));
      const timer = setTimeout(() => done(false), RESTORE_WAIT_MS);
    });
  }

  /** Closes a panel whose resource is gone and says so. */
  close(details: DetailsPanel, note: string): void {
    this.ctx.log.info(`[details] ${note}`);
    details.panel.dispose();
    void vscode.window.showInformationMessage(uiText(note, 500));
  }

  /**
   * Re-reads the panels on screen. A hidden panel's page is discarded (no retained context) and
   * re-reads when it is shown again, so it needs no refresh now.
   */
  private refreshVisible(delayMs: number): void {
    this.forEach((p) => {
      if (p.panel.visible) p.scheduleRefresh(delayMs);
    });
  }

  private forEach(fn: (panel: DetailsPanel) => void): void {
    for (const panel of this.panels.values()) fn(panel);
  }

  /** A full tree refresh re-reads every panel; a row update only its own panel (and its volume's). */
  private onTreeChanged(node: TreeNode | undefined): void {
    if (!node) {
      this.refreshVisible(300);
      return;
    }
    if (node.kind === 'volume' || node.kind === 'snapshot') {
      const own = this.panels.get(node.id);
      const state = node.kind === 'volume' ? node.volume : node.snapshot;
      own?.onRowChanged(`${state.state}|${state.runtimeState}|${state.name}`);
      // A snapshot's row changed: the volume's snapshot table may be stale too.
      if (node.kind === 'snapshot') this.panels.get(node.parent.id)?.onRowChanged(undefined);
    } else if (node.kind === 'project' || node.kind === 'organization') {
      // Children reloaded: rows may have changed state.
      this.refreshVisible(300);
    }
  }

  /** Subscribes to the job follower once it exists on the command context. */
  private hookJobs(): void {
    if (this.jobsHooked) return;
    const jobs = jobEvents(this.ctx);
    if (!jobs) return;
    this.jobsHooked = true;
    this.disposables.push(jobs.onDidEndJob((e) => {
      this.panels.get(`${e.kind}/${e.id}`)?.setJob(jobStatus(e.job, true));
      // Other panels may list it: a volume its new snapshot, a snapshot its restored volume.
      this.refreshVisible(0);
    }));
    if (jobs.onDidChangeJobs) {
      this.disposables.push(jobs.onDidChangeJobs((e) => {
        if (e.type !== 'started') return;
        const own = e.job.resourceKey ? this.panels.get(e.job.resourceKey) : undefined;
        own?.setJob(jobStatus(e.job, false));
        this.refreshVisible(500);
      }));
    }
  }

  dispose(): void {
    this.forEach((p) => p.panel.dispose());
    this.disposables.forEach((d) => d.dispose());
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableFindWidget: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

/** One open panel: loads its resource, answers the webview, runs the tree's action commands. */
export class DetailsPanel {
  readonly key: string;
  private ready = false;
  private model: DetailsModel | undefined;
  private stateKey: string | undefined;
  private job: JobStatus | null = null;
  private error: string | undefined;
  private abort: AbortController | undefined;
  private loading: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly manager: DetailsPanels, readonly panel: vscode.WebviewPanel, readonly ref: ResourceRef) {
    this.key = keyOf(ref);
    const dist = vscode.Uri.joinPath(manager.extensionUri, 'dist');
    const webview = panel.webview;
    panel.iconPath = vscode.Uri.joinPath(manager.extensionUri, 'media', 'volume-explorer.svg');
    webview.html = buildHtml({
      cspSource: webview.cspSource,
      nonce: randomUUID(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'panel.css')).toString(),
      codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'codicons', 'codicon.css')).toString(),
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((msg: unknown) => {
        if (isFromWebview(msg)) void this.onMessage(msg);
        else manager.ctx.log.warn('[details] ignored an unexpected message from the webview');
      }),
      // Without retainContextWhenHidden the page is rebuilt when shown again and says `ready` anew.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  /** The model shown now (tests). */
  get shown(): DetailsModel | undefined {
    return this.model;
  }

  private post(message: ToWebview): void {
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(message);
  }

  /** The status line's job, if any (tests). */
  get jobShown(): JobStatus | null {
    return this.job;
  }

  /** Handles one (already validated) message from the webview; tests use it to press buttons. */
  async onMessage(msg: FromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        if (this.model) this.post({ type: 'show', model: this.model });
        if (this.job) this.post({ type: 'job', job: this.job });
        if (this.error) this.post({ type: 'error', message: this.error, ref: this.ref });
        // A page rebuilt after being hidden gets fresh data; the first load is already on its way.
        if (this.model && !this.loading) this.scheduleRefresh(0);
        return;
      case 'refresh':
        this.scheduleRefresh(0);
        return;
      case 'open':
        this.manager.show({ kind: msg.kind, id: msg.id });
        return;
      case 'action':
        await this.runAction(msg.action);
        return;
    }
  }

  /** Runs the tree's command for `action` — only one the shown state allows. */
  private async runAction(action: string): Promise<void> {
    const button = this.model?.actions.find((a) => a.action === action);
    if (!button) return;
    const command = actionCommand(this.ref.kind, action);
    // The tree node when loaded (commands update it in place), else `{kind, id}`.
    const arg = this.manager.ctx.tree.find(this.key) ?? { kind: this.ref.kind, id: this.ref.id };
    try {
      await vscode.commands.executeCommand(command, arg);
    } catch (err) {
      // The command wrapper shows its own failures; this is e.g. a command that does not exist.
      this.manager.ctx.log.error(`[details] ${command} failed: ${describeError(err)}`);
      this.setJob({ running: false, text: `${button.label.replace(/…$/, '')} failed: ${describeError(err)}`, tone: 'error' });
    } finally {
      this.scheduleRefresh(0);
    }
  }

  /** The resource's tree row changed: re-read when its state or name differs from what is shown. */
  onRowChanged(stateKey: string | undefined): void {
    if (stateKey === undefined || stateKey !== this.stateKey) this.scheduleRefresh(200);
  }

  /** Shows a job's progress or outcome in the status line (an aria-live region). */
  setJob(job: JobStatus | null): void {
    this.job = job;
    this.post({ type: 'job', job });
  }

  /** Re-reads the resource after `delayMs` (several requests in a row become one). */
  scheduleRefresh(delayMs: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  /** Fetches and shows the resource; a 404 closes the panel with a note. */
  async refresh(): Promise<void> {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const run = this.load(abort.signal);
    this.loading = run;
    try {
      await run;
    } finally {
      if (this.loading === run) this.loading = undefined;
    }
  }

  private async load(signal: AbortSignal): Promise<void> {
    const client = this.manager.client();
    if (!client) {
      this.showError(`${this.manager.notConnectedReason()} Connect, then press Refresh.`);
      return;
    }
    const viewer = { isStaff: this.manager.isStaff() };
    try {
      let model: DetailsModel;
      let stateKey: string;
      if (this.ref.kind === 'volume') {
        const input = await fetchVolumeDetails(client, this.ref.id, signal);
        model = volumeDetails(input, viewer);
        stateKey = `${normalizeState(input.volume.state)}|${normalizeRuntimeState(input.volume.runtime_state)}|${input.volume.name ?? ''}`;
      } else {
        const input = await fetchSnapshotDetails(client, this.ref.id, signal);
        model = snapshotDetails(input, viewer);
        stateKey = `${normalizeState(input.snapshot.state)}|${normalizeRuntimeState(input.snapshot.runtime_state)}|${input.snapshot.name ?? ''}`;
      }
      if (signal.aborted || this.disposed) return;
      const wasBusy = this.model?.busy ?? false;
      this.model = model;
      this.stateKey = stateKey;
      this.error = undefined;
      this.panel.title = model.name;
      this.post({ type: 'show', model });
      if (model.busy) {
        // Announced by the webview from `busyText`; an earlier job's outcome no longer applies.
        if (this.job && !this.job.running) this.setJob(null);
        // A followed job re-reads the resource itself (and ends with its own message).
        if (this.panel.visible && !this.job?.running) this.timer = setTimeout(() => void this.refresh(), BUSY_POLL_MS);
      } else if (wasBusy && !this.job) {
        const state = model.badges.map((b) => b.text).join(', ');
        this.setJob({ running: false, text: `${model.name} is done (${state}).`, tone: model.badges.some((b) => b.tone === 'error') ? 'error' : 'ok' });
      }
    } catch (err) {
      if (signal.aborted || this.disposed) return;
      if (err instanceof ApiError && err.kind === 'cancelled') return;
      if (err instanceof ApiError && err.isNotFound) {
        this.manager.close(this, `${this.model?.name ?? (this.panel.title || `This ${this.ref.kind}`)} no longer exists; its panel was closed.`);
        return;
      }
      this.manager.ctx.log.error(`[details] loading ${this.key} failed: ${describeError(err)}`, err instanceof Error ? err : undefined);
      if (err instanceof ApiError && err.isUnauthorized) void offerReconnect();
      this.showError(`Couldn't load the ${this.ref.kind}: ${describeError(err)}`);
    }
  }

  private showError(message: string): void {
    this.error = message;
    this.post({ type: 'error', message, ref: this.ref });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.subscriptions.forEach((d) => d.dispose());
  }
}
