import * as vscode from 'vscode';
import { COMMANDS } from './commands';
import { registerCommands, type CommandContext } from './commands/registry';
import { ConnectionManager } from './connections/manager';
import { RAW_SCHEME, RawDocuments } from './documents/raw';
import { JobsController } from './jobs/controller';
import { VolumeTreeProvider } from './tree/provider';
import { RefreshManager } from './tree/refresh';
import { DetailsPanels } from './webview/panels';

/** What tests (and a future API) get from `activate`. */
export interface VolumeExplorerApi {
  context: CommandContext;
  panels: DetailsPanels;
}

export async function activate(extension: vscode.ExtensionContext): Promise<VolumeExplorerApi> {
  const log = vscode.window.createOutputChannel('Volume Explorer', { log: true });
  const connections = new ConnectionManager(extension, log);
  const tree = new VolumeTreeProvider(connections, log);
  const view = vscode.window.createTreeView('volumeExplorer.volumes', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const refresh = new RefreshManager(tree, connections);
  const jobs = new JobsController({ log, connections, tree, refresh, view });
  const panels = new DetailsPanels(extension);
  const rawDocuments = new RawDocuments(connections, refresh);
  extension.subscriptions.push(log, connections, tree, view, refresh, jobs, panels, rawDocuments,
    vscode.workspace.registerTextDocumentContentProvider(RAW_SCHEME, rawDocuments));
  const ctx: CommandContext = { extension, log, connections, tree, refresh, view, jobs, panels };
  panels.attach(ctx);
  registerCommands(ctx, COMMANDS);

  const describeView = (): void => {
    // With one connection its root row is left out, so the message line says who is connected
    // where (the description is hidden when the view's header merges into the container title).
    const all = connections.all();
    const only = all.length === 1 ? all[0]! : undefined;
    view.description = only ? connections.describe(only) : all.length ? `${all.length} connections` : undefined;
    view.message = only
      ? only.problem && only.state !== 'ready'
        ? `${connections.describe(only)}: ${only.problem}`
        : `Connected: ${connections.describe(only)}${only.record.readOnly ? ' · read-only' : ''}`
      : undefined;
  };
  extension.subscriptions.push(connections.onDidChange(describeView));
  await connections.restore();
  describeView();
  log.info('[extension] activated');
  return { context: ctx, panels };
}

export function deactivate(): void {
  // Disposables (including the demo server) are released through context.subscriptions.
}
