import * as vscode from 'vscode';
import type { Backend } from '../backend/types';
import { snapshotActionBlocker, volumeActionBlocker, type SnapshotAction, type VolumeAction, type Viewer } from '../model/actions';
import { formatGiB, type Snapshot, type Volume } from '../model/types';
import type { SnapshotNode, TreeNode, VolumeNode } from '../tree/nodes';
import { uiText } from '../util/escape';
import type { CommandContext } from './registry';

/** What a command may be invoked with: a tree node, `{ kind, id }` (detail panel), or nothing (palette). */
export type TargetArg = TreeNode | { kind: 'volume' | 'snapshot'; id: string } | undefined;

/** Thrown when a command can't run; the registry shows it as a warning, nothing is sent. */
export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refusal';
  }
}

export function requireBackend(ctx: CommandContext): Backend {
  const backend = ctx.connections.connection?.backend;
  if (!backend) throw new Refusal('Not connected. Use "Connect to Waldur…" or "Try the demo data" first.');
  return backend;
}

export function viewerOf(ctx: CommandContext): Viewer {
  return { isStaff: ctx.connections.connection?.identity?.isStaff ?? false };
}

/** The selected nodes of a kind when a command was run on a multi-selection that includes `node`. */
export function selection<K extends 'volume' | 'snapshot'>(kind: K, node: TargetArg, nodes: readonly TreeNode[] | undefined): Array<Extract<TreeNode, { kind: K }>> {
  const isKind = (n: TreeNode): n is Extract<TreeNode, { kind: K }> => n.kind === kind;
  if (nodes && nodes.length > 1 && node && 'parent' in node && nodes.includes(node as TreeNode)) return nodes.filter(isKind);
  return node && 'parent' in node && isKind(node as TreeNode) ? [node as Extract<TreeNode, { kind: K }>] : [];
}

/**
 * Resolves the volume to act on and re-reads it from the server, so the decision uses its
 * current state. From the palette it asks with a picker listing volumes (across projects)
 * whose state allows `action`. Returns undefined when the person cancelled.
 */
export async function pickVolume(ctx: CommandContext, arg: TargetArg, action: VolumeAction, verb: string): Promise<{ volume: Volume; node?: VolumeNode } | undefined> {
  const backend = requireBackend(ctx);
  let id: string | undefined;
  if (arg?.kind === 'volume') id = 'volume' in arg ? arg.volume.id : arg.id;
  if (!id) {
    const candidates = await withProgress('Loading volumes…', (signal) => backend.listVolumes(undefined, signal));
    const allowed = candidates.filter((v) => !volumeActionBlocker(action, v, viewerOf(ctx)));
    if (!allowed.length) {
      void vscode.window.showInformationMessage(`No volume can be ${verb} right now${candidates.length ? ` (${candidates.length} checked)` : ''}.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(allowed.map((v) => ({
      label: uiText(v.name) || '(unnamed)',
      description: uiText(`${formatGiB(v.sizeMiB)} · ${v.runtimeState || v.state}${v.instanceName ? ` · ${v.instanceName}` : ''}`, 120),
      detail: [v.organizationName, v.projectName].filter(Boolean).map((t) => uiText(t, 80)).join(' / ') || undefined,
      volume: v,
    })), { title: `Select the volume to ${actionTitle(action)}`, placeHolder: 'Type to search by name, project or organization', matchOnDescription: true, matchOnDetail: true });
    if (!picked) return undefined;
    id = picked.volume.id;
  }
  const volume = await recheckVolume(ctx, id, action);
  return { volume, node: ctx.tree.find(`volume/${volume.id}`) as VolumeNode | undefined };
}

/**
 * Re-reads a volume and refuses, before anything is sent, when its current state no longer
 * allows `action` or the same action is already running on it.
 */
export async function recheckVolume(ctx: CommandContext, id: string, action: VolumeAction): Promise<Volume> {
  const volume = await requireBackend(ctx).getVolume(id);
  const blocker = volumeActionBlocker(action, volume, viewerOf(ctx));
  // The row shows the fresh state only when it explains a refusal: refreshing a tree row makes
  // VS Code hand keyboard focus back to the tree, away from the prompt that opens next. An
  // accepted action updates the row through its job anyway.
  if (blocker) {
    ctx.tree.updateVolume(volume);
    throw new Refusal(blocker);
  }
  refuseIfRunning(ctx, `volume/${volume.id}`, action, volume.name);
  return volume;
}

/** Like {@link pickVolume}, for snapshots. */
export async function pickSnapshot(ctx: CommandContext, arg: TargetArg, action: SnapshotAction, verb: string): Promise<{ snapshot: Snapshot; node?: SnapshotNode } | undefined> {
  const backend = requireBackend(ctx);
  let id: string | undefined;
  if (arg?.kind === 'snapshot') id = 'snapshot' in arg ? arg.snapshot.id : arg.id;
  if (!id) {
    const candidates = await withProgress('Loading snapshots…', (signal) => backend.listSnapshots(undefined, signal));
    const allowed = candidates.filter((s) => !snapshotActionBlocker(action, s, viewerOf(ctx)));
    if (!allowed.length) {
      void vscode.window.showInformationMessage(`No snapshot can be ${verb} right now${candidates.length ? ` (${candidates.length} checked)` : ''}.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(allowed.map((s) => ({
      label: uiText(s.name) || '(unnamed)',
      description: `${formatGiB(s.sizeMiB)} · of ${uiText(s.sourceVolumeName ?? '?', 60)}`,
      detail: s.projectName ? uiText(s.projectName, 80) : undefined,
      snapshot: s,
    })), { title: `Select the snapshot to ${actionTitle(action)}`, placeHolder: 'Type to search by name or volume', matchOnDescription: true, matchOnDetail: true });
    if (!picked) return undefined;
    id = picked.snapshot.id;
  }
  const snapshot = await recheckSnapshot(ctx, id, action);
  return { snapshot, node: ctx.tree.find(`snapshot/${snapshot.id}`) as SnapshotNode | undefined };
}

/** Like {@link recheckVolume}, for snapshots. */
export async function recheckSnapshot(ctx: CommandContext, id: string, action: SnapshotAction): Promise<Snapshot> {
  const snapshot = await requireBackend(ctx).getSnapshot(id);
  const blocker = snapshotActionBlocker(action, snapshot, viewerOf(ctx));
  if (blocker) {
    ctx.tree.updateSnapshot(snapshot); // see recheckVolume: only when it explains a refusal
    throw new Refusal(blocker);
  }
  refuseIfRunning(ctx, `snapshot/${snapshot.id}`, action, snapshot.name);
  return snapshot;
}

/** A second identical action on a resource with a running job is refused. */
export function refuseIfRunning(ctx: CommandContext, resourceKey: string, action: string, name: string): void {
  if (ctx.jobs?.isRunning(resourceKey, action)) throw new Refusal(`${actionTitle(action)} of ${name} is already running.`);
}

export function actionTitle(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}

/** Runs `task` with a window progress indicator (status bar spinner while it loads). */
export function withProgress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => task(new AbortController().signal));
}
