import * as vscode from 'vscode';
import { ApiError, Refusal, describeError, describeForLog } from '../core/errors';
import type { ConnectionManager } from '../connections/manager';
import type { JobsController } from '../jobs/controller';
import type { RefreshManager } from '../tree/refresh';
import type { VolumeTreeProvider } from '../tree/provider';
import type { TreeNode } from '../tree/nodes';
import type { DetailsPanels } from '../webview/panels';
import type { TreeFilters } from '../tree/filters';
import type { InsightsProvider } from '../tree/insights';
import { uiText } from '../util/escape';

/** What every command is built from. */
export interface CommandContext {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  connections: ConnectionManager;
  tree: VolumeTreeProvider;
  refresh: RefreshManager;
  view: vscode.TreeView<TreeNode>;
  /** Long jobs (follow an accepted action until the resource is stable; status bar, notifications). */
  jobs: JobsController;
  panels: DetailsPanels;
  /** Each connection's volume filter (remembered per workspace). */
  filters: TreeFilters;
  /** The Insights view (findings per project). */
  insights: InsightsProvider;
}

/** Handlers receive `(node?, selectedNodes?)` from the tree, a `ResourceRef` from panels and notifications, or nothing from the palette. */
export type CommandHandler = (ctx: CommandContext, arg?: unknown, nodes?: readonly TreeNode[]) => unknown;

/**
 * Registers every command through one wrapper that logs failures and shows them with the
 * server's own reason, so no handler repeats try/catch.
 */
export function registerCommands(ctx: CommandContext, table: Record<string, CommandHandler>): void {
  for (const [id, handler] of Object.entries(table)) {
    ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, async (arg?: unknown, nodes?: readonly TreeNode[]) => {
      try {
        return await handler(ctx, arg, nodes);
      } catch (err) {
        if (err instanceof ApiError && err.kind === 'cancelled') return undefined;
        if (err instanceof Refusal) {
          // Checked before sending: nothing was sent.
          ctx.log.info(`[command] ${id} refused: ${err.message}`);
          void vscode.window.showWarningMessage(uiText(err.message, 1000));
          return undefined;
        }
        ctx.log.error(`[command] ${id} failed: ${describeForLog(err)}`, err instanceof Error ? err : undefined);
        // A 401 marked its connection, which offers to reconnect; no second message.
        if (err instanceof ApiError && err.isUnauthorized) return undefined;
        void vscode.window.showErrorMessage(uiText(describeError(err), 1000), 'Show Log').then((choice) => {
          if (choice === 'Show Log') ctx.log.show();
        });
        return undefined;
      }
    }));
  }
}
