import * as vscode from 'vscode';
import type { Backend } from '../core/backend';
import type { ActionFor, SnapshotAction, VolumeAction } from '../core/capabilities';
import { Refusal, describeError, describeForLog } from '../core/errors';
import { formatGiB, type Snapshot, type Volume } from '../core/model';
import { isResourceRef, ref as makeRef, type ResourceRef } from '../core/ref';
import { snapshotActionBlocker, volumeActionBlocker } from '../core/rules';
import type { Connection } from '../connections/manager';
import type { TreeNode } from '../tree/nodes';
import { uiText } from '../util/escape';
import { confirmModal, forEachReporting } from './prompts';
import type { CommandContext } from './registry';

export type TargetKind = 'volume' | 'snapshot';
export type ResourceOf<K extends TargetKind> = K extends 'volume' ? Volume : Snapshot;

/** What an action runs on: the resource as just re-read, its ref, and its connection's backend. */
export interface Target<K extends TargetKind> {
  ref: ResourceRef;
  resource: ResourceOf<K>;
  backend: Backend;
  connection: Connection;
}

const NOUN: Record<TargetKind, string> = { volume: 'volume', snapshot: 'snapshot' };

/** The resource a command was run on: a tree row of that kind, or a `ResourceRef` (panel, notification). */
export function refFromArg(kind: TargetKind, arg: unknown): ResourceRef | undefined {
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node && (node.kind === 'volume' || node.kind === 'snapshot') && 'ref' in node) {
    return node.kind === kind ? node.ref : undefined;
  }
  return isResourceRef(arg) && arg.kind === kind ? makeRef(arg.connectionId, arg.kind, arg.id) : undefined;
}

/** The connection of `connectionId` and its backend; refuses when it is gone or not connected. */
export function connected(ctx: CommandContext, connectionId: string): { connection: Connection; backend: Backend } {
  const connection = ctx.connections.get(connectionId);
  if (!connection) throw new Refusal('That connection was removed.');
  if (!connection.backend) throw new Refusal(`${uiText(connection.record.label, 80)} is not connected${connection.problem ? `: ${uiText(connection.problem, 200)}` : ''}.`);
  return { connection, backend: connection.backend };
}

/** Why `action` can't run on `resource` now (the rules with the connection's backend and viewer). */
export function blockerOf<K extends TargetKind>(ctx: CommandContext, backend: Backend, r: ResourceRef, action: ActionFor<K>, resource: ResourceOf<K>): string | undefined {
  const viewer = ctx.connections.viewer(r.connectionId);
  return r.kind === 'volume'
    ? volumeActionBlocker(backend, action as VolumeAction, resource as Volume, viewer)
    : snapshotActionBlocker(backend, action as SnapshotAction, resource as Snapshot, viewer);
}

/**
 * Re-reads a resource and refuses, before anything is sent, when its current state no longer
 * allows `action` or the same action is already running on it.
 */
export async function recheck<K extends TargetKind>(ctx: CommandContext, r: ResourceRef, action: ActionFor<K>): Promise<Target<K>> {
  const { connection, backend } = connected(ctx, r.connectionId);
  const resource = (r.kind === 'volume' ? await backend.getVolume(r.id) : await backend.getSnapshot(r.id)) as ResourceOf<K>;
  const blocker = blockerOf<K>(ctx, backend, r, action, resource);
  // The row shows the fresh state only when it explains a refusal: refreshing a tree row makes
  // VS Code hand keyboard focus back to the tree, away from the prompt that opens next. An
  // accepted action updates the row through its job anyway.
  if (blocker) {
    ctx.refresh.resource(r, resource);
    throw new Refusal(blocker);
  }
  if (ctx.jobs.isRunning(r, action)) throw new Refusal(`${actionTitle(action)} of ${resource.name || `the ${r.kind}`} is already running.`);
  return { ref: r, resource, backend, connection };
}

/**
 * Resolves the resource to act on and re-reads it, so the decision uses its current state.
 * From the palette it asks with a picker listing the resources of every connection (grouped by
 * connection) whose state allows `action`. Returns undefined when the person cancelled.
 */
export async function pickTarget<K extends TargetKind>(ctx: CommandContext, kind: K, arg: unknown, action: ActionFor<K>, verb: string): Promise<Target<K> | undefined> {
  const r = refFromArg(kind, arg) ?? await pickFromEveryConnection(ctx, kind, verb, (backend, c, resource) => !blockerOf<K>(ctx, backend, makeRef(c.id, kind, resource.id), action, resource as ResourceOf<K>), actionTitle(action));
  return r ? recheck<K>(ctx, r, action) : undefined;
}

type PickItem = vscode.QuickPickItem & { ref?: ResourceRef; title?: string };

/** Picker rows for one resource. */
function itemOf(kind: TargetKind, resource: Volume | Snapshot): vscode.QuickPickItem {
  if (kind === 'volume') {
    const v = resource as Volume;
    return {
      label: uiText(v.name) || '(unnamed)',
      description: uiText(`${formatGiB(v.sizeMiB)} · ${v.status.label}${v.instanceName ? ` · ${v.instanceName}` : ''}`, 120),
      detail: [v.organizationName, v.projectName].filter(Boolean).map((t) => uiText(t, 80)).join(' / ') || undefined,
    };
  }
  const s = resource as Snapshot;
  return {
    label: uiText(s.name) || '(unnamed)',
    description: `${formatGiB(s.sizeMiB)} · of ${uiText(s.sourceVolumeName ?? '?', 60)}`,
    detail: s.projectName ? uiText(s.projectName, 80) : undefined,
  };
}

/**
 * Lists `kind` in every connection at once (one slow or failing connection doesn't hold up or
 * hide the others), keeps what `allowed` accepts, and asks for one, with a separator per
 * connection when there are several. Returns its ref, or undefined.
 */
export async function pickFromEveryConnection(
  ctx: CommandContext, kind: TargetKind, verb: string,
  allowed: (backend: Backend, c: Connection, resource: Volume | Snapshot) => boolean, title: string,
): Promise<ResourceRef | undefined> {
  const connections = ctx.connections.all().filter((c) => c.backend);
  if (!connections.length) throw new Refusal('Not connected. Use "Add Connection…" or "Try the demo data" first.');
  const lists = await withProgress(`Loading ${NOUN[kind]}s…`, (signal) => Promise.all(connections.map(async (c) => {
    try {
      const backend = c.backend!;
      const all = kind === 'volume' ? await backend.listVolumes(undefined, signal) : await backend.listSnapshots(undefined, signal);
      return { c, checked: all.length, items: all.filter((x) => allowed(backend, c, x)) };
    } catch (err) {
      ctx.log.warn(`[pick] listing ${NOUN[kind]}s of ${c.record.label} failed: ${describeForLog(err)}`);
      return { c, checked: 0, items: [], problem: describeError(err) };
    }
  })));
  const several = connections.length > 1;
  const items: PickItem[] = [];
  for (const { c, items: found, problem } of lists) {
    if (several && (found.length || problem)) {
      items.push({ label: uiText(`${c.record.label}${problem ? ` — couldn't list ${NOUN[kind]}s: ${problem}` : ''}`, 200), kind: vscode.QuickPickItemKind.Separator });
    }
    for (const x of found) items.push({ ...itemOf(kind, x), ref: makeRef(c.id, kind, x.id) });
  }
  const choices = items.filter((i) => i.ref);
  if (!choices.length) {
    const checked = lists.reduce((n, l) => n + l.checked, 0);
    const failed = lists.filter((l) => l.problem).map((l) => `${uiText(l.c.record.label, 60)}: ${uiText(l.problem, 200)}`);
    void vscode.window.showInformationMessage(`No ${NOUN[kind]} can be ${verb} right now${checked ? ` (${checked} checked)` : ''}${failed.length ? `; couldn't list ${failed.join('; ')}` : ''}.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `Select the ${NOUN[kind]} to ${title}`,
    placeHolder: kind === 'volume' ? 'Type to search by name, project or organization' : 'Type to search by name or volume',
    matchOnDescription: true, matchOnDetail: true,
  });
  return picked?.ref;
}

/** The selected nodes of a kind when a command was run on a multi-selection that includes `arg`. */
export function selection(kind: TargetKind, arg: unknown, nodes: readonly TreeNode[] | undefined): ResourceRef[] {
  const own = refFromArg(kind, arg);
  if (!own) return [];
  const isKind = (n: TreeNode): n is Extract<TreeNode, { kind: TargetKind }> => n.kind === kind;
  if (nodes && nodes.length > 1 && nodes.includes(arg as TreeNode)) return nodes.filter(isKind).map((n) => n.ref);
  return [own];
}

/** The name of a selected row (no request), for the confirmation that lists them. */
export function selectedName(ctx: CommandContext, r: ResourceRef): { name: string; sizeMiB?: number } {
  const node = ctx.tree.find(r);
  const resource = node?.kind === 'volume' ? node.volume : node?.kind === 'snapshot' ? node.snapshot : undefined;
  return { name: resource?.name ?? r.id, sizeMiB: resource?.sizeMiB };
}

/**
 * The one multi-select flow: one confirmation listing the selection, then each resource
 * re-read and checked, then `run` — one by one, never retried — and one report of what failed.
 */
export async function runOnSelection<K extends TargetKind>(
  ctx: CommandContext, kind: K, refs: ResourceRef[], action: ActionFor<K>,
  opts: { confirm: { message: string; detail: (lines: string) => string; button: string }; line: (name: string, sizeMiB?: number) => string; verb: string; run: (t: Target<K>) => Promise<void> },
): Promise<void> {
  const lines = refs.map((r) => {
    const { name, sizeMiB } = selectedName(ctx, r);
    const label = ctx.connections.labelWhenSeveral(r.connectionId);
    return `• ${opts.line(uiText(name, 80), sizeMiB)}${label ? ` (${uiText(label, 40)})` : ''}`;
  }).join('\n');
  const ok = await confirmModal(opts.confirm.message, opts.confirm.detail(lines), opts.confirm.button);
  if (!ok) return;
  await forEachReporting(refs, (r) => selectedName(ctx, r).name, opts.verb, async (r) => opts.run(await recheck<K>(ctx, r, action)));
}

export function actionTitle(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}

/** Runs `task` with a window progress indicator (status bar spinner while it loads). */
export function withProgress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => task(new AbortController().signal));
}

/** The label of a resource in prompts. */
export const labelOf = (r: { name: string }, kind: TargetKind): string => uiText(r.name, 80) || `the ${kind}`;
