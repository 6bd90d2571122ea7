import * as vscode from 'vscode';
import { Refusal } from '../core/errors';
import { FILTER_HELP, filterText, isEmptyFilter, parseFilter } from '../core/filter';
import type { TreeNode } from '../tree/nodes';
import { uiText } from '../util/escape';
import type { CommandContext } from './registry';

/** The connections a filter command is for: a connection row's, the only one, or picked (with "All connections"). */
async function whichConnections(ctx: CommandContext, arg: unknown, title: string, among?: readonly string[]): Promise<string[] | undefined> {
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && node.kind === 'connection') return [node.connectionId];
  const all = ctx.connections.all().filter((c) => !among || among.includes(c.id));
  if (!all.length) throw new Refusal(among ? 'No filter is set.' : 'Not connected. Use "Add Connection…" or "Try the demo data" first.');
  if (all.length === 1) return [all[0]!.id];
  const ALL = { label: 'All connections', description: `${all.length}`, ids: all.map((c) => c.id) };
  const picked = await vscode.window.showQuickPick([ALL, ...all.map((c) => ({
    label: uiText(c.record.label, 80), description: uiText(ctx.filters.describe(c.id), 120) || 'no filter', ids: [c.id],
  }))], { title, placeHolder: 'Which connection' });
  return picked?.ids;
}

/**
 * Filter Volumes…: typed as words (`data status:in-use type:ssd on:web size:10-100`), checked as
 * typed, prefilled with the current filter; empty shows everything again.
 */
export async function filterVolumes(ctx: CommandContext, arg?: unknown): Promise<void> {
  const ids = await whichConnections(ctx, arg, 'Filter Volumes');
  if (!ids?.length) return;
  const current = ids.length === 1 ? filterText(ctx.filters.get(ids[0]!)) : '';
  const label = ids.length === 1 ? uiText(ctx.connections.get(ids[0]!)?.record.label, 60) : 'all connections';
  const typed = await vscode.window.showInputBox({
    title: `Filter Volumes — ${label}`,
    prompt: `${FILTER_HELP} Empty shows all.`,
    placeHolder: 'e.g. data status:in-use type:ssd size:100-',
    value: current,
    ignoreFocusOut: true,
    validateInput: (v) => parseFilter(v).error,
  });
  if (typed === undefined) return;
  const parsed = parseFilter(typed);
  if (!parsed.filter) return;
  await ctx.filters.set(ids, isEmptyFilter(parsed.filter) ? undefined : parsed.filter);
}

/** Clear Filter: the title-bar button while a filter is set (all of them, or a connection row's). */
export async function clearFilter(ctx: CommandContext, arg?: unknown): Promise<void> {
  const node = arg as TreeNode | undefined;
  const ids = node && typeof node === 'object' && node.kind === 'connection' ? [node.connectionId] : ctx.filters.filtered();
  if (!ids.length) return;
  await ctx.filters.set(ids, undefined);
}
