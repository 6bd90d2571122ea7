import * as vscode from 'vscode';
import { COMMANDS } from './commands';
import { registerCommands, type CommandContext } from './commands/registry';
import { ConnectionManager } from './connections/manager';
import { RAW_SCHEME, RawDocuments } from './documents/raw';
import { JobsController } from './jobs/controller';
import { VolumeTreeProvider } from './tree/provider';
import { TreeFilters } from './tree/filters';
import { InsightsProvider } from './tree/insights';
import { RefreshManager } from './tree/refresh';
import { plainText } from './util/escape';
import { DetailsPanels } from './webview/panels';

/** What tests (and a future API) get from `activate`. */
export interface VolumeExplorerApi {
  context: CommandContext;
  panels: DetailsPanels;
}

export async function activate(extension: vscode.ExtensionContext): Promise<VolumeExplorerApi> {
  const log = vscode.window.createOutputChannel('Volume Explorer', { log: true });
  const connections = new ConnectionManager(extension, log);
  const filters = new TreeFilters(extension.workspaceState);
  const insights = new InsightsProvider(connections, log);
  const insightsView = vscode.window.createTreeView('volumeExplorer.insights', { treeDataProvider: insights, showCollapseAll: true, canSelectMany: true });
  const tree = new VolumeTreeProvider(connections, log, filters);
  const view = vscode.window.createTreeView('volumeExplorer.volumes', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const refresh = new RefreshManager(tree, connections);
  const jobs = new JobsController({ log, connections, tree, refresh, view });
  const panels = new DetailsPanels(extension);
  const rawDocuments = new RawDocuments(connections, refresh);
  extension.subscriptions.push(log, connections, tree, view, refresh, jobs, panels, rawDocuments, filters, insights, insightsView,
    vscode.workspace.registerTextDocumentContentProvider(RAW_SCHEME, rawDocuments));
  const ctx: CommandContext = { extension, log, connections, tree, refresh, view, jobs, panels, filters, insights };
  panels.attach(ctx);
  registerCommands(ctx, COMMANDS);

  const describeView = (): void => {
    // With one connection its root row is left out, so the message line says who is connected
    // where (the description is hidden when the view's header merges into the container title).
    const all = connections.all();
    const only = all.length === 1 ? all[0]! : undefined;
    view.description = only ? connections.describe(only) : all.length ? `${all.length} connections` : undefined;
    const filtered = filters.filtered().filter((id) => connections.get(id));
    const filterLine = filtered.length
      ? `Filter${all.length > 1 ? 's' : ''}: ${filtered.map((id) => `${all.length > 1 ? `${plainText(connections.get(id)!.record.label, 40)}: ` : ''}${plainText(filters.describe(id), 200)}`).join('; ')} — Clear Filter (title bar) shows all`
      : undefined;
    const connectedLine = only
      ? only.problem && only.state !== 'ready'
        ? `${connections.describe(only)}: ${only.problem}`
        : `Connected: ${connections.describe(only)}${only.record.readOnly ? ' · read-only' : ''}`
      : undefined;
    view.message = [connectedLine, filterLine].filter(Boolean).join(' · ') || undefined;
  };
  extension.subscriptions.push(
    connections.onDidChange(describeView),
    connections.onDidRemove((id) => void filters.forget(id)),
    // Insights follow the tree: read again when it is refreshed, a connection comes or goes, or a job ends.
    refresh.onDidReload((connectionId) => insights.refresh(connectionId)),
    connections.onDidChange((c) => { if (!c) insights.refresh(); }),
    jobs.onDidEndJob((e) => insights.refresh(e.ref.connectionId)),
    filters.onDidChange((id) => {
      describeView();
      // The connection's rows read again with the new filter (from its root down).
      const roots = id ? [id] : connections.all().map((c) => c.id);
      for (const c of roots) tree.forgetConnection(c);
    }),
  );
  await connections.restore();
  describeView();
  log.info('[extension] activated');
  return { context: ctx, panels };
}

export function deactivate(): void {
  // Disposables (including the demo server) are released through context.subscriptions.
}
