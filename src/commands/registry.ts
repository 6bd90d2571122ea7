import * as vscode from 'vscode';
import { ApiError, describeError } from '../api/errors';
import type { ConnectionManager } from '../connection';
import type { JobsController } from '../jobs/ui';
import type { VolumeTreeProvider } from '../tree/provider';
import type { TreeNode } from '../tree/nodes';
import { uiText } from '../util/escape';

/** What every command is built from. */
export interface CommandContext {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  connections: ConnectionManager;
  tree: VolumeTreeProvider;
  view: vscode.TreeView<TreeNode>;
  /** Long jobs (follow an accepted action until the resource is stable; status bar, notifications). */
  jobs?: JobsController;
}

/** Handlers receive `(node?, selectedNodes?)` from the tree, or nothing from the palette. */
export type CommandHandler = (ctx: CommandContext, node?: TreeNode, nodes?: readonly TreeNode[]) => unknown;

/**
 * Registers every command through one wrapper that logs failures and shows them with the
 * server's own reason, so no handler repeats try/catch.
 */
export function registerCommands(ctx: CommandContext, table: Record<string, CommandHandler>): void {
  for (const [id, handler] of Object.entries(table)) {
    ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, async (node?: TreeNode, nodes?: readonly TreeNode[]) => {
      try {
        return await handler(ctx, node, nodes);
      } catch (err) {
        if (err instanceof ApiError && err.kind === 'cancelled') return undefined;
        if (err instanceof Error && err.name === 'Refusal') {
          // Checked before sending: nothing was sent.
          ctx.log.info(`[command] ${id} refused: ${err.message}`);
          void vscode.window.showWarningMessage(uiText(err.message, 1000));
          return undefined;
        }
        ctx.log.error(`[command] ${id} failed: ${describeError(err)}`, err instanceof Error ? err : undefined);
        void showError(ctx, err);
        return undefined;
      }
    }));
  }
}

/** Shows an error; a 401 offers to reconnect. */
export async function showError(ctx: CommandContext, err: unknown): Promise<void> {
  if (err instanceof ApiError && err.isUnauthorized) {
    await offerReconnect();
    return;
  }
  const choice = await vscode.window.showErrorMessage(uiText(describeError(err), 1000), 'Show Log');
  if (choice === 'Show Log') ctx.log.show();
}

let reconnectShown = false;
/** One "reconnect" prompt at a time, however many requests failed with 401. */
export async function offerReconnect(): Promise<void> {
  if (reconnectShown) return;
  reconnectShown = true;
  try {
    const choice = await vscode.window.showWarningMessage('Waldur no longer accepts the saved token (HTTP 401). Reconnect with a new token?', 'Reconnect', 'Disconnect');
    if (choice === 'Reconnect') await vscode.commands.executeCommand('volumeExplorer.connect');
    if (choice === 'Disconnect') await vscode.commands.executeCommand('volumeExplorer.disconnect');
  } finally {
    reconnectShown = false;
  }
}
