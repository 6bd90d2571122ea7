import * as vscode from 'vscode';
import { COMMANDS } from './commands';
import { offerReconnect, registerCommands, type CommandContext } from './commands/registry';
import { ConnectionManager } from './connection';
import { JobsController } from './jobs/ui';
import { VolumeTreeProvider } from './tree/provider';
import { DetailsPanels } from './webview/panel';

/** What tests (and a future API) get from `activate`. */
export interface VolumeExplorerApi {
  context: CommandContext;
  panels: DetailsPanels;
}

export async function activate(extension: vscode.ExtensionContext): Promise<VolumeExplorerApi> {
  const log = vscode.window.createOutputChannel('Volume Explorer', { log: true });
  const connections = new ConnectionManager(extension, log);
  const tree = new VolumeTreeProvider(log);
  const view = vscode.window.createTreeView('volumeExplorer.volumes', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  extension.subscriptions.push(log, connections, tree, view);

  const jobs = new JobsController({ log, connections, tree, view });
  extension.subscriptions.push(jobs);
  const ctx: CommandContext = { extension, log, connections, tree, view, jobs };
  registerCommands(ctx, COMMANDS);
  const panels = new DetailsPanels(ctx);
  extension.subscriptions.push(panels);

  let shownBackend: unknown;
  extension.subscriptions.push(
    connections.onDidChange((c) => {
      // The description is hidden when the view's header merges into the container's title, so
      // who is connected where is also the tree's message line.
      view.description = connections.describe();
      view.message = connections.describe() && `Connected: ${connections.describe()}`;
      // Identity updates fire too; only a new backend reloads the tree.
      if (c?.backend !== shownBackend) {
        shownBackend = c?.backend;
        tree.setBackend(c?.backend);
      }
    }),
    tree.onUnauthorized(() => void offerReconnect()),
  );
  await connections.restore();
  log.info('[extension] activated');
  return { context: ctx, panels };
}

export function deactivate(): void {
  // Disposables (including the demo server) are released through context.subscriptions.
}
