import * as vscode from 'vscode';
import { Refusal } from '../core/errors';
import { formatGiB, type Snapshot } from '../core/model';
import { ref as makeRef } from '../core/ref';
import { defaultRestoreDescription, defaultRestoreName, parseKeptUntil, validateDescription, validateName } from '../core/validation';
import type { TreeNode } from '../tree/nodes';
import { uiText } from '../util/escape';
import { formatDateTime } from '../util/time';
import { capacityFor, checkQuota } from './capacity';
import { confirmModal, typeNameToConfirm } from './prompts';
import type { CommandContext } from './registry';
import { labelOf, pickTarget, runOnSelection, selection, type Target, type TargetKind } from './target';

const label = (s: Snapshot): string => uiText(s.name, 80) || 'the snapshot';

/** Restore: a new volume from the snapshot; revealed in the tree when it is ready. */
export async function restoreSnapshot(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'snapshot', arg, 'restore', 'restored');
  if (!target) return;
  const { resource: snapshot, backend, ref } = target;
  // A restore makes a volume of the snapshot's size: refused here when the quota has no room.
  const check = checkQuota(await capacityFor(ctx, backend, { snapshot }), { volumes: 1, storageMiB: snapshot.sizeMiB ?? 0 }, `Restoring ${label(snapshot)}`);
  const name = await vscode.window.showInputBox({
    title: `Restore ${label(snapshot)} (1/2)`, prompt: `Name of the new volume (${formatGiB(snapshot.sizeMiB)})${check?.text ? ` — ${uiText(check.text, 300)}` : ''}`, value: defaultRestoreName(snapshot.name),
    ignoreFocusOut: true, validateInput: (v) => validateName(v, 'volume name'),
  });
  if (name === undefined || validateName(name)) return;
  const description = await vscode.window.showInputBox({
    title: `Restore ${label(snapshot)} (2/2)`, prompt: 'Description of the new volume', value: defaultRestoreDescription(snapshot.name),
    ignoreFocusOut: true, validateInput: validateDescription,
  });
  if (description === undefined || validateDescription(description)) return;
  const volume = await backend.restoreSnapshot(snapshot, { name: name.trim(), description });
  ctx.refresh.added(ref);
  ctx.jobs.followNew(makeRef(ref.connectionId, 'volume', volume.id), volume, 'restore', {
    title: `Restoring ${label(snapshot)} to ${uiText(volume.name, 80)}`,
    failureTitle: 'Restore failed',
    success: (v) => `${uiText(v.name, 80)} (${formatGiB(v.sizeMiB)}) was restored from ${label(snapshot)}.`,
  });
}

/** Edit the fields the backend lets change (name, description, keep-until). */
export async function editSnapshot(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'snapshot', arg, 'edit', 'edited');
  if (!target) return;
  const { resource: snapshot, backend, ref } = target;
  const editable = backend.capabilities.editable.snapshot;
  const fields = [
    { label: 'Name', description: uiText(snapshot.name, 80), field: 'name' as const },
    { label: 'Description', description: uiText(snapshot.description, 80) || '(empty)', field: 'description' as const },
    { label: 'Keep until', description: snapshot.keptUntil ? formatDateTime(snapshot.keptUntil) : 'keep forever', field: 'keptUntil' as const },
  ].filter((f) => editable.includes(f.field));
  const field = await vscode.window.showQuickPick(fields, { title: `Edit ${label(snapshot)}`, placeHolder: 'What to change' });
  if (!field) return;
  let changes: { name?: string; description?: string; keptUntil?: string | null };
  if (field.field === 'name') {
    const name = await vscode.window.showInputBox({ title: `Rename ${label(snapshot)}`, value: snapshot.name, ignoreFocusOut: true, validateInput: (v) => validateName(v, 'snapshot name') });
    if (name === undefined || validateName(name) || name.trim() === snapshot.name) return;
    changes = { name: name.trim() };
  } else if (field.field === 'description') {
    const description = await vscode.window.showInputBox({ title: `Description of ${label(snapshot)}`, value: snapshot.description, ignoreFocusOut: true, validateInput: validateDescription });
    if (description === undefined || validateDescription(description) || description === snapshot.description) return;
    changes = { description };
  } else {
    // Prefilled with the current value to the minute, in UTC, so Enter changes nothing.
    const current = snapshot.keptUntil ? formatDateTime(snapshot.keptUntil).replace(/ UTC$/, '') : '';
    const kept = await vscode.window.showInputBox({
      title: `Keep ${label(snapshot)} until`, prompt: 'YYYY-MM-DD or YYYY-MM-DD HH:MM (UTC); empty = keep forever', value: current,
      ignoreFocusOut: true, validateInput: (v) => (v.trim() === current ? undefined : parseKeptUntil(v).error),
    });
    if (kept === undefined || kept.trim() === current) return;
    const parsed = parseKeptUntil(kept);
    if (parsed.error !== undefined) return;
    changes = { keptUntil: parsed.value };
  }
  const updated = await backend.updateSnapshot(snapshot, changes);
  ctx.refresh.resource(ref, updated);
  void vscode.window.showInformationMessage(`${label(updated)} was updated.`);
}

/** Pull (sync from the backend); works on a multi-selection. */
export async function pullSnapshot(ctx: CommandContext, arg?: unknown, nodes?: readonly TreeNode[]): Promise<void> {
  const pullOne = async ({ resource: snapshot, backend, ref }: Target<'snapshot'>): Promise<void> => {
    if (!backend.pullSnapshot) throw new Refusal(`${backend.capabilities.displayName} can't pull snapshots.`);
    await backend.pullSnapshot(snapshot);
    ctx.jobs.follow(ref, snapshot, 'pull', { title: `Pulling ${label(snapshot)}`, failureTitle: 'Pull failed', success: (s) => `${label(s)} is in sync with the backend.` });
  };
  const selected = selection('snapshot', arg, nodes);
  if (selected.length > 1) {
    return runOnSelection(ctx, 'snapshot', selected, 'pull', {
      confirm: { message: `Pull ${selected.length} snapshots from the backend?`, detail: (lines) => lines, button: 'Pull' },
      line: (name) => name, verb: 'Pull', run: pullOne,
    });
  }
  const target = await pickTarget(ctx, 'snapshot', arg, 'pull', 'pulled');
  if (target) await pullOne(target);
}

/** Delete (modal); works on a multi-selection with one confirmation listing them. */
export async function deleteSnapshot(ctx: CommandContext, arg?: unknown, nodes?: readonly TreeNode[]): Promise<void> {
  const deleteOne = async ({ resource: snapshot, backend, ref }: Target<'snapshot'>): Promise<void> => {
    await backend.deleteSnapshot(snapshot);
    ctx.jobs.followDeletion(ref, snapshot, { title: `Deleting ${label(snapshot)}`, failureTitle: 'Delete failed', success: () => `${label(snapshot)} was deleted.` });
  };
  const selected = selection('snapshot', arg, nodes);
  if (selected.length > 1) {
    return runOnSelection(ctx, 'snapshot', selected, 'delete', {
      confirm: { message: `Delete ${selected.length} snapshots?`, detail: (lines) => `${lines}\n\nThis cannot be undone.`, button: 'Delete' },
      line: (name, sizeMiB) => `${name} (${formatGiB(sizeMiB)})`, verb: 'Delete', run: deleteOne,
    });
  }
  const target = await pickTarget(ctx, 'snapshot', arg, 'delete', 'deleted');
  if (!target) return;
  const ok = await confirmModal(`Delete snapshot ${label(target.resource)} (${formatGiB(target.resource.sizeMiB)})?`, 'The snapshot is destroyed in the backend. This cannot be undone.', 'Delete');
  if (ok) await deleteOne(target);
}

/**
 * Revert to snapshot (OpenStack 3.40+, the latest snapshot only): the volume gets the snapshot's
 * data back in place; everything written since is lost, so the name is typed to confirm.
 */
export async function revertSnapshot(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'snapshot', arg, 'revert', 'reverted to');
  if (!target) return;
  const { resource: snapshot, backend, ref } = target;
  const revert = backend.revertToSnapshot?.bind(backend);
  if (!revert || !snapshot.sourceVolumeId) throw new Refusal(`${backend.capabilities.displayName} can't revert a volume to this snapshot.`);
  const volumeRef = makeRef(ref.connectionId, 'volume', snapshot.sourceVolumeId);
  const volume = await backend.getVolume(snapshot.sourceVolumeId);
  if (volume.runtimeState !== 'available') throw new Refusal(`${uiText(volume.name, 80) || 'Its volume'} is ${volume.runtimeState}; Cinder reverts only an available (detached) volume.`);
  if (ctx.jobs.isRunning(volumeRef)) throw new Refusal(`${uiText(volume.name, 80) || 'Its volume'} is busy with another job.`);
  const vol = uiText(volume.name, 80) || 'its volume';
  const ok = await confirmModal(`Revert ${vol} to ${label(snapshot)}?`, `${vol} gets the data of ${label(snapshot)} (${formatDateTime(snapshot.created) || 'its creation time'}) back, in place. Everything written to it since is lost. This cannot be undone.`, 'Revert…');
  if (!ok || !(await typeNameToConfirm(volume.name, `Revert ${vol}`, volume.id))) return;
  await revert(snapshot);
  ctx.jobs.follow(volumeRef, volume, 'revert', {
    title: `Reverting ${vol} to ${label(snapshot)}`,
    failureTitle: 'Revert failed',
    success: (v) => `${uiText(v.name, 80) || vol} has the data of ${label(snapshot)} again.`,
  });
}

/**
 * Unlink (Waldur staff): removes the record without touching the backend; modal, then type the
 * name. One flow for volumes and snapshots.
 */
export async function unlinkResource<K extends TargetKind>(ctx: CommandContext, kind: K, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, kind, arg, 'unlink', 'unlinked');
  if (!target) return;
  const { resource, backend, ref } = target;
  const name = labelOf(resource, kind);
  const unlink = kind === 'volume' ? backend.unlinkVolume?.bind(backend) : backend.unlinkSnapshot?.bind(backend);
  if (!unlink) throw new Refusal(`${backend.capabilities.displayName} can't unlink ${kind}s.`);
  const what = kind === 'volume' ? 'The OpenStack volume and its data stay' : 'The OpenStack snapshot stays';
  const ok = await confirmModal(`Unlink ${name}?`, `Unlink removes the ${kind}'s record from ${backend.capabilities.displayName} WITHOUT touching the backend: ${what.charAt(0).toLowerCase()}${what.slice(1)}, but ${backend.capabilities.displayName} stops managing${kind === 'volume' ? ' and billing' : ''} it. This cannot be undone from here.`, 'Unlink…');
  if (!ok || !(await typeNameToConfirm(resource.name, `Unlink ${name}`, resource.id))) return;
  await (unlink as (r: typeof resource) => Promise<void>)(resource);
  ctx.refresh.gone(ref);
  void vscode.window.showInformationMessage(`${name} was unlinked from ${backend.capabilities.displayName}; the backend ${kind} was not touched.`);
}
