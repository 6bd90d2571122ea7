import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { ApiError, describeError, describeForLog } from '../core/errors';
import type { Resource } from '../core/model';
import { ref as makeRef, refKey, type ResourceRef } from '../core/ref';
import type { Job } from '../jobs/tracker';
import type { DetailsModel, FromWebview, JobStatus, PanelKind, ToWebview } from '../shared/protocol';
import { isFromWebview } from '../shared/protocol';
import { plainText } from '../util/escape';
import type { Backend } from '../core/backend';
import { findInsights, type Finding } from '../core/insights';
import type { Scope } from '../core/model';
import { capacitySections, contentSections, projectSize } from '../core/project';
import { insightSettings } from '../tree/insights';
import { actionCommand, detailsModel, projectModel, stateKeyOf } from './header';
import { buildHtml } from './html';
import type { DetailsPanels } from './panels';

/** What the status line says about a job. */
export function jobStatus(job: Pick<Job, 'title' | 'state' | 'message'>, ended: boolean): JobStatus {
  const title = plainText(job.title, 200) || 'Operation';
  if (!ended) return { running: true, text: `${title}…`, tone: 'info' };
  const text = plainText(job.message, 300) || `${title}: ${job.state ?? 'ended'}`;
  return { running: false, text, tone: job.state === 'succeeded' ? 'ok' : job.state === 'failed' || job.state === 'timed-out' ? 'error' : 'info' };
}

/**
 * One open panel: loads its resource through the connection's backend, answers the webview,
 * runs the tree's action commands. It never polls: it re-reads when told that its resource
 * changed (job and watcher reads, edits, reloads); while its resource is busy without a job it
 * asks the job tracker's watcher to follow it.
 */
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
  private following: vscode.Disposable | undefined;
  private disposed = false;
  /** A project panel's scope, name and findings as last read. */
  private scope: Scope | undefined;
  private name: string | undefined;
  private findings: Finding[] | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly manager: DetailsPanels, readonly panel: vscode.WebviewPanel, readonly ref: ResourceRef & { kind: PanelKind }) {
    this.key = refKey(ref);
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

  /** The status line's job, if any (tests). */
  get jobShown(): JobStatus | null {
    return this.job;
  }

  private post(message: ToWebview): void {
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(message);
  }

  /** Handles one (already validated) message from the webview; tests use it to press buttons. */
  async onMessage(msg: FromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        if (this.model) this.post({ type: 'show', model: this.withConnection(this.model) });
        if (this.job) this.post({ type: 'job', job: this.job });
        if (this.error) this.post({ type: 'error', message: this.error, ref: this.ref });
        // A page rebuilt after being hidden gets fresh data; the first load is already on its way.
        if (this.model && !this.loading) this.scheduleRefresh(0);
        return;
      case 'refresh':
        this.scheduleRefresh(0);
        return;
      case 'open':
        if (msg.kind === 'instance') {
          await vscode.commands.executeCommand('volumeExplorer.openInstanceAsJson', makeRef(this.ref.connectionId, 'instance', msg.id));
          return;
        }
        this.manager.show(makeRef(this.ref.connectionId, msg.kind, msg.id) as ResourceRef & { kind: PanelKind });
        return;
      case 'action':
        await this.runAction(msg.action);
        return;
    }
  }

  /** Why the connection can't be used now (removed, disconnected, token refused), or undefined when it can. */
  private disconnectedReason(): string | undefined {
    const c = this.manager.ctx.connections.get(this.ref.connectionId);
    if (!c) return 'Its connection was removed: nothing can be done here.';
    if (c.state === 'ready' && c.backend) return undefined;
    if (c.state === 'connecting') return `Connecting to ${plainText(c.record.label, 80)}…`;
    return `${plainText(c.record.label, 80)} is not connected${c.problem ? ` (${plainText(c.problem, 200)})` : ''}. Reconnect to act on this ${this.ref.kind}; what is shown may be out of date.`;
  }

  /** The model as shown: while the connection can't be used, its buttons disabled with the reason. */
  private withConnection(model: DetailsModel): DetailsModel {
    const reason = this.disconnectedReason();
    return reason ? { ...model, disconnected: reason } : model;
  }

  /** The connection changed state: the buttons follow at once (before any re-read). */
  connectionChanged(): void {
    if (this.model) this.post({ type: 'show', model: this.withConnection(this.model) });
  }

  /** The model as the page shows it now (tests). */
  get shownToPage(): DetailsModel | undefined {
    return this.model && this.withConnection(this.model);
  }

  /** Runs the tree's command for `action` — only one the shown state allows, and only while connected. */
  private async runAction(action: string): Promise<void> {
    const button = this.model?.actions.find((a) => a.action === action);
    if (!button || this.disconnectedReason()) return;
    const command = actionCommand(this.ref.kind, action);
    // The tree node when loaded (commands update it in place), else the ref; a project's clean-up
    // gets its findings as the Insights view's project row would.
    const arg = this.ref.kind === 'project' ? this.projectArg(action) : this.manager.ctx.tree.find(this.ref) ?? this.ref;
    try {
      await vscode.commands.executeCommand(command, arg);
    } catch (err) {
      // The command wrapper shows its own failures; this is e.g. a command that does not exist.
      this.manager.ctx.log.error(`[details] ${command} failed: ${describeForLog(err)}`);
      this.setJob({ running: false, text: `${button.label.replace(/…$/, '')} failed: ${describeError(err)}`, tone: 'error' });
    } finally {
      this.scheduleRefresh(0);
    }
  }

  private projectArg(action: string): unknown {
    const scope = this.scope ?? { id: this.ref.id, kind: 'project' as const, name: this.name ?? '' };
    if (action === 'cleanup') return { kind: 'project', id: `${this.ref.connectionId}/${scope.id}`, connectionId: this.ref.connectionId, scope, findings: this.findings ?? [] };
    return this.manager.ctx.tree.find(this.ref) ?? { kind: 'scope', scope, ref: this.ref };
  }

  /** A fresh read of the resource arrived (job, watcher, edit): re-read the details when it differs from what is shown. */
  onResourceRead(resource: Resource): void {
    if (stateKeyOf(resource) !== this.stateKey) this.scheduleRefresh(200);
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
    const { ctx } = this.manager;
    const connection = ctx.connections.get(this.ref.connectionId);
    const backend = connection?.backend;
    if (!backend) {
      this.showError(`${connection ? `${plainText(connection.record.label, 80)} is not connected${connection.problem ? ` (${plainText(connection.problem, 200)})` : ''}` : 'Its connection was removed'}. Reconnect, then press Refresh.`);
      return;
    }
    if (this.ref.kind === 'project') {
      await this.loadProject(backend, signal);
      return;
    }
    try {
      const details = await backend.details(this.ref.kind, this.ref.id, signal);
      if (signal.aborted || this.disposed) return;
      const connectionLabel = ctx.connections.labelWhenSeveral(this.ref.connectionId);
      const model = detailsModel(details, { ref: this.ref, backend, viewer: ctx.connections.viewer(this.ref.connectionId), connectionLabel: connectionLabel || undefined });
      const wasBusy = this.model?.busy ?? false;
      this.model = model;
      this.stateKey = stateKeyOf(details.resource);
      this.error = undefined;
      this.panel.title = connectionLabel ? `${model.name} — ${connectionLabel}` : model.name;
      this.post({ type: 'show', model: this.withConnection(model) });
      const runningJob = ctx.jobs.runningJob(this.ref);
      if (model.busy) {
        // Announced by the webview from `busyText`; an earlier job's outcome no longer applies.
        if (this.job && !this.job.running) this.setJob(null);
        // A job reads the resource itself; otherwise the tracker's watcher follows it for us.
        if (!runningJob && !this.following) this.following = ctx.jobs.watcher.follow(this.ref, details.resource);
      } else {
        this.following?.dispose();
        this.following = undefined;
        if (wasBusy && !this.job) {
          const state = model.badges.map((b) => b.text).join(', ');
          this.setJob({ running: false, text: `${model.name} is done (${state}).`, tone: model.badges.some((b) => b.tone === 'error') ? 'error' : 'ok' });
        }
      }
    } catch (err) {
      if (signal.aborted || this.disposed) return;
      if (err instanceof ApiError && err.kind === 'cancelled') return;
      if (err instanceof ApiError && err.isNotFound) {
        this.manager.close(this, `${this.model?.name ?? (this.panel.title || `This ${this.ref.kind}`)} no longer exists; its panel was closed.`);
        return;
      }
      ctx.log.error(`[details] loading ${this.key} failed: ${describeForLog(err)}`, err instanceof Error ? err : undefined);
      this.showError(`Couldn't load the ${this.ref.kind}: ${describeError(err)}`);
    }
  }

  /**
   * A project: its quota (bars), its volumes and snapshots (counts, sizes) and findings — three
   * reads (capacity, volumes, snapshots); a failed quota read leaves the rest standing.
   */
  private async loadProject(backend: Backend, signal: AbortSignal): Promise<void> {
    const { ctx } = this.manager;
    const node = ctx.tree.find(this.ref);
    const known = node?.kind === 'scope' ? node.scope : undefined;
    try {
      const scope: Scope = known ?? { id: this.ref.id, kind: 'project', name: this.name ?? this.panel.title };
      const [volumes, snapshots, quota] = await Promise.all([
        backend.listVolumes(scope, signal),
        backend.listSnapshots(undefined, signal, scope),
        backend.capacity && backend.capabilities.capacity
          ? backend.capacity({ scope }, signal).then((c) => ({ c, problem: undefined }), (err: unknown) => ({ c: undefined, problem: describeError(err) }))
          : Promise.resolve({ c: undefined, problem: undefined }),
      ]);
      if (signal.aborted || this.disposed) return;
      const name = known?.name ?? volumes[0]?.projectName ?? this.name ?? this.panel.title;
      this.name = name;
      const findings = findInsights(volumes, snapshots, new Date(), insightSettings());
      const viewer = ctx.connections.viewer(this.ref.connectionId);
      const connectionLabel = ctx.connections.labelWhenSeveral(this.ref.connectionId) || undefined;
      const model = projectModel(this.ref, {
        name, connectionLabel, readOnly: !!viewer.readOnly, size: projectSize(volumes),
        canCreate: !!backend.capabilities.createVolume && !viewer.readOnly && !scope.createBlocked,
        canCleanUp: !viewer.readOnly && findings.some((f) => f.deletable),
        sections: [...capacitySections(quota.c, quota.problem), ...contentSections(volumes, snapshots, findings)],
      });
      this.model = model;
      this.findings = findings;
      this.scope = scope;
      this.error = undefined;
      this.panel.title = connectionLabel ? `${model.name} — ${connectionLabel}` : model.name;
      this.post({ type: 'show', model: this.withConnection(model) });
    } catch (err) {
      if (signal.aborted || this.disposed) return;
      if (err instanceof ApiError && err.kind === 'cancelled') return;
      ctx.log.error(`[details] loading ${this.key} failed: ${describeForLog(err)}`);
      this.showError(`Couldn't load the project: ${describeError(err)}`);
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
    this.following?.dispose();
    this.subscriptions.forEach((d) => d.dispose());
  }
}
