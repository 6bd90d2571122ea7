import * as vscode from 'vscode';
import { Refusal, describeError } from '../core/errors';
import { formatGiB, type Snapshot, type Volume } from '../core/model';
import { ref as makeRef, refKey, type ResourceRef } from '../core/ref';
import type { CommandContext } from '../commands/registry';
import { isPanelKind, isPanelRef, type PanelKind } from '../shared/protocol';
import type { TreeNode } from '../tree/nodes';
import { plainText, uiText } from '../util/escape';
import { DetailsPanel, jobStatus } from './panel';

export const DETAILS_VIEW_TYPE = 'volumeExplorer.details';
/** How long a panel restored after a reload waits for its connection to come back. */
const RESTORE_WAIT_MS = 8000;

type PanelRef = ResourceRef & { kind: PanelKind };

/** A tree node or a `ResourceRef` → the resource; anything else → undefined (ask). */
function refOf(arg: unknown): { ref: PanelRef; title?: string } | undefined {
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node && 'ref' in node) {
    if (node.kind === 'volume') return { ref: node.ref as PanelRef, title: plainText(node.volume.name) || undefined };
    if (node.kind === 'snapshot') return { ref: node.ref as PanelRef, title: plainText(node.snapshot.name) || undefined };
    // A project (a scope that holds volumes): its quota, contents and findings.
    if (node.kind === 'scope' && node.scope.kind === 'project') return { ref: node.ref as PanelRef, title: plainText(node.scope.name) || undefined };
  }
  return isPanelRef(arg) ? { ref: makeRef(arg.connectionId, arg.kind, arg.id) as PanelRef } : undefined;
}

/**
 * The detail panels: one webview per resource (a Map keyed by its ref key), revealed when
 * already open, restored after a window reload, re-read when something says their resource
 * changed, closed with a note when it is gone or its connection is removed.
 */
export class DetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DetailsPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private ctxRef: CommandContext | undefined;
  private lastRowOpen: { key: string; at: number } | undefined;
  private enterAt = 0;

  constructor(private readonly extension: vscode.ExtensionContext) {}

  /** The context arrives once everything is built (the panels are part of it). */
  attach(ctx: CommandContext): void {
    this.ctxRef = ctx;
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DETAILS_VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => this.restore(panel, state) }),
      ctx.refresh.onDidChangeResource((e) => {
        const own = this.panels.get(refKey(e.ref));
        if (e.what === 'read') own?.onResourceRead(e.resource);
        else if (e.what === 'children') own?.scheduleRefresh(300);
        else if (own) own.scheduleRefresh(0); // it re-reads, and a 404 closes it with a note
      }),
      ctx.refresh.onDidReload((connectionId) => this.refreshVisible(300, connectionId)),
      // Identity (staff) and read-only change which actions are offered.
      ctx.connections.onDidChange((c) => {
        for (const p of this.panels.values()) if (!c || p.ref.connectionId === c.id) p.connectionChanged();
        this.refreshVisible(300, c?.id);
      }),
      ctx.connections.onDidRemove((id) => this.closeConnection(id)),
      ctx.jobs.onDidEndJob((e) => {
        this.panels.get(refKey(e.ref))?.setJob(jobStatus(e.job, true));
        // Other panels may list it: a volume its new snapshot, a snapshot its restored volume.
        this.refreshVisible(0, e.ref.connectionId);
      }),
      ctx.jobs.onDidChangeJobs((e) => {
        if (e.type !== 'started') return;
        this.panels.get(e.job.resourceKey)?.setJob(jobStatus(e.job, false));
      }),
    );
  }

  get ctx(): CommandContext {
    if (!this.ctxRef) throw new Error('The detail panels are not attached yet.');
    return this.ctxRef;
  }

  get extensionUri(): vscode.Uri {
    return this.extension.extensionUri;
  }

  /** The open panel of a resource, if any (tests). */
  get(r: ResourceRef): DetailsPanel | undefined {
    return this.panels.get(refKey(r));
  }

  /** Opens (or reveals) the panel of `r`; with `preserveFocus` the keyboard stays where it was (the tree). */
  show(r: PanelRef, title?: string, preserveFocus = false): DetailsPanel {
    const existing = this.panels.get(refKey(r));
    if (existing) {
      existing.panel.reveal(undefined, preserveFocus);
      existing.scheduleRefresh(0);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(DETAILS_VIEW_TYPE, title || (r.kind === 'volume' ? 'Volume' : r.kind === 'snapshot' ? 'Snapshot' : 'Project'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus }, webviewOptions(this.extensionUri));
    const details = this.adopt(panel, r);
    details.scheduleRefresh(0);
    return details;
  }

  /**
   * A row activated in the tree (its `command`): Explorer's rule — a single click shows the panel
   * and keeps the keyboard in the tree, so arrow keys go on browsing; a double click (the row
   * opened twice within 500 ms) or Enter (`openFocusedRow`, just before) moves focus into it.
   */
  openFromRow(arg: unknown): void {
    const target = refOf(arg);
    if (!target) return;
    const key = refKey(target.ref);
    const now = Date.now();
    const focus = now - this.enterAt < 1000 || (this.lastRowOpen?.key === key && now - this.lastRowOpen.at < 500);
    this.enterAt = 0;
    this.lastRowOpen = { key, at: now };
    this.show(target.ref, target.title, !focus);
  }

  /** Enter in the tree: the list's own Enter (which activates the row through `openFromRow`), marked as from the keyboard. */
  async openFocusedRow(): Promise<void> {
    this.enterAt = Date.now();
    await vscode.commands.executeCommand('list.select');
  }

  /** `volumeExplorer.showDetails`: a row, a ref, or — from the palette — a picker across connections. */
  async showFromCommand(arg: unknown): Promise<void> {
    const target = refOf(arg) ?? await this.pick();
    if (target) this.show(target.ref, target.title);
  }

  /** The palette's picker: every volume and snapshot of every connection, grouped by connection (also Copy ID, Open as JSON). */
  async pick(): Promise<{ ref: PanelRef; title?: string } | undefined> {
    type Item = vscode.QuickPickItem & { ref?: PanelRef; title?: string };
    const connections = this.ctx.connections.all().filter((c) => c.backend);
    if (!connections.length) throw new Refusal('Not connected. Use "Add Connection…" or "Try the demo data" first.');
    const lists = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Loading volumes and snapshots…' }, () => Promise.all(connections.map(async (c) => {
      try {
        const [volumes, snapshots] = await Promise.all([c.backend!.listVolumes(), c.backend!.listSnapshots()]);
        return { c, volumes, snapshots };
      } catch (err) {
        return { c, volumes: [] as Volume[], snapshots: [] as Snapshot[], problem: describeError(err) };
      }
    })));
    const several = connections.length > 1;
    const items: Item[] = [];
    for (const { c, volumes, snapshots, problem } of lists) {
      if (several) items.push({ label: uiText(`${c.record.label}${problem ? ` — couldn't list: ${problem}` : ''}`, 200), kind: vscode.QuickPickItemKind.Separator });
      items.push(
        ...volumes.map((v): Item => ({
          label: uiText(v.name) || '(unnamed volume)',
          description: uiText(`volume · ${formatGiB(v.sizeMiB)}${v.projectName ? ` · ${v.projectName}` : ''}`, 120),
          iconPath: new vscode.ThemeIcon('database'), ref: makeRef(c.id, 'volume', v.id) as PanelRef, title: plainText(v.name),
        })),
        ...snapshots.map((sn): Item => ({
          label: uiText(sn.name) || '(unnamed snapshot)',
          description: uiText(`snapshot of ${sn.sourceVolumeName ?? '?'} · ${formatGiB(sn.sizeMiB)}`, 120),
          iconPath: new vscode.ThemeIcon('device-camera'), ref: makeRef(c.id, 'snapshot', sn.id) as PanelRef, title: plainText(sn.name),
        })),
      );
    }
    if (!items.some((i) => i.ref)) {
      const failed = lists.filter((l) => l.problem).map((l) => `${uiText(l.c.record.label, 60)}: ${uiText(l.problem, 200)}`);
      void vscode.window.showInformationMessage(failed.length ? `Nothing to show; couldn't list ${failed.join('; ')}.` : 'There are no volumes or snapshots to show.');
      return undefined;
    }
    const choice = await vscode.window.showQuickPick(items, { title: 'Show Details', placeHolder: 'Type to search volumes and snapshots by name or project', matchOnDescription: true });
    return choice?.ref ? { ref: choice.ref, title: choice.title } : undefined;
  }

  private adopt(panel: vscode.WebviewPanel, r: PanelRef): DetailsPanel {
    const details = new DetailsPanel(this, panel, r);
    const key = refKey(r);
    this.panels.set(key, details);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === details) this.panels.delete(key);
      details.dispose();
    });
    return details;
  }

  /** A panel restored after a window reload: its saved ref, or nothing (then it closes). */
  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isPanelRef(state) || this.panels.has(refKey(state)) || !isPanelKind(state.kind)) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    const r = makeRef(state.connectionId, state.kind, state.id) as PanelRef;
    const details = this.adopt(panel, r);
    if (!(await this.waitForConnection(r.connectionId))) {
      this.close(details, `${panel.title || 'A detail panel'}: its connection is not there any more, so its panel was closed.`);
      return;
    }
    details.scheduleRefresh(0);
  }

  /** True once the connection has a backend (restored during activation), false if it never comes. */
  private waitForConnection(connectionId: string): Promise<boolean> {
    const ready = (): boolean => Boolean(this.ctx.connections.get(connectionId)?.backend);
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        sub.dispose();
        resolve(ok);
      };
      const sub = this.ctx.connections.onDidChange(() => {
        if (ready()) done(true);
      });
      const timer = setTimeout(() => done(ready()), RESTORE_WAIT_MS);
    });
  }

  /** Closes a panel and says why. */
  close(details: DetailsPanel, note: string): void {
    this.ctx.log.info(`[details] ${note}`);
    details.panel.dispose();
    void vscode.window.showInformationMessage(uiText(note, 500));
  }

  /** A connection was removed: its panels close (nothing stale stays clickable), with one note. */
  private closeConnection(connectionId: string): void {
    const mine = [...this.panels.values()].filter((p) => p.ref.connectionId === connectionId);
    if (!mine.length) return;
    mine.forEach((p) => p.panel.dispose());
    const note = `${mine.length === 1 ? 'Its detail panel was' : `${mine.length} detail panels were`} closed: the connection was removed.`;
    this.ctx.log.info(`[details] ${note}`);
    void vscode.window.showInformationMessage(note);
  }

  /**
   * Re-reads the panels on screen (of one connection, or all). A hidden panel's page is
   * discarded (no retained context) and re-reads when it is shown again.
   */
  private refreshVisible(delayMs: number, connectionId?: string): void {
    for (const p of this.panels.values()) {
      if (p.panel.visible && (!connectionId || p.ref.connectionId === connectionId)) p.scheduleRefresh(delayMs);
    }
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
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
