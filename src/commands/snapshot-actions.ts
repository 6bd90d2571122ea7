import * as vscode from 'vscode';
import { formatGiB, type Snapshot } from '../model/types';
import { defaultRestoreDescription, defaultRestoreName, parseKeptUntil, validateDescription, validateName } from '../model/validation';
import type { TreeNode } from '../tree/nodes';
import { uiText } from '../util/escape';
import { formatDateTime } from '../util/time';
import { confirmModal, forEachReporting, typeNameToConfirm } from './prompts';
import type { CommandContext } from './registry';
import { pickSnapshot, recheckSnapshot, requireBackend, selection, type TargetArg } from './target';

const label = (s: Snapshot): string => uiText(s.name, 80) || 'the snapshot';

/** Restore: a new volume from the snapshot; revealed in the tree when it is ready. */
export async function restoreSnapshot(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickSnapshot(ctx, arg, 'restore', 'restored');
  if (!target) return;
  const { snapshot } = target;
  const name = await vscode.window.showInputBox({
    title: `Restore ${label(snapshot)} (1/2)`, prompt: `Name of the new volume (${formatGiB(snapshot.sizeMiB)})`, value: defaultRestoreName(snapshot.name),
    ignoreFocusOut: true, validateInput: (v) => validateName(v, 'volume name'),
  });
  if (name === undefined || validateName(name)) return;
  const description = await vscode.window.showInputBox({
    title: `Restore ${label(snapshot)} (2/2)`, prompt: 'Description of the new volume', value: defaultRestoreDescription(snapshot.name),
    ignoreFocusOut: true, validateInput: validateDescription,
  });
  if (description === undefined || validateDescription(description)) return;
  const volume = await requireBackend(ctx).restoreSnapshot(snapshot, { name: name.trim(), description });
  ctx.jobs?.followNewVolume(volume, 'restore', {
    title: `Restoring ${label(snapshot)} to ${uiText(volume.name, 80)}`,
    failureTitle: 'Restore failed',
    success: (v) => `${uiText(v.name, 80)} (${formatGiB(v.sizeMiB)}) was restored from ${label(snapshot)}.`,
  });
}

/** Edit name, description or keep-until. */
export async function editSnapshot(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickSnapshot(ctx, arg, 'edit', 'edited');
  if (!target) return;
  const { snapshot } = target;
  const field = await vscode.window.showQuickPick([
    { label: 'Name', description: uiText(snapshot.name, 80), field: 'name' as const },
    { label: 'Description', description: uiText(snapshot.description, 80) || '(empty)', field: 'description' as const },
    { label: 'Keep until', description: snapshot.keptUntil ? formatDateTime(snapshot.keptUntil) : 'keep forever', field: 'keptUntil' as const },
  ], { title: `Edit ${label(snapshot)}`, placeHolder: 'What to change' });
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
  const updated = await requireBackend(ctx).updateSnapshot(snapshot, changes);
  ctx.tree.updateSnapshot(updated);
  void vscode.window.showInformationMessage(`${label(updated)} was updated.`);
}

/** Pull (sync from the backend); works on a multi-selection. */
export async function pullSnapshot(ctx: CommandContext, arg?: TargetArg, nodes?: readonly TreeNode[]): Promise<void> {
  const selected = selection('snapshot', arg, nodes);
  const backend = requireBackend(ctx);
  const pullOne = async (snapshot: Snapshot): Promise<void> => {
    await backend.pullSnapshot(snapshot);
    ctx.jobs?.followSnapshot(snapshot, 'pull', { title: `Pulling ${label(snapshot)}`, failureTitle: 'Pull failed', success: (s) => `${label(s)} is in sync with the backend.` });
  };
  if (selected.length > 1) {
    const ok = await confirmModal(`Pull ${selected.length} snapshots from the backend?`, selected.map((n) => `• ${label(n.snapshot)}`).join('\n'), 'Pull');
    if (!ok) return;
    await forEachReporting(selected, (n) => n.snapshot.name, 'Pull', async ({ snapshot: stale }) => pullOne(await recheckSnapshot(ctx, stale.id, 'pull')));
    return;
  }
  const target = await pickSnapshot(ctx, arg, 'pull', 'pulled');
  if (target) await pullOne(target.snapshot);
}

/** Unlink (staff): removes the record without touching the backend; type the name. */
export async function unlinkSnapshot(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickSnapshot(ctx, arg, 'unlink', 'unlinked');
  if (!target) return;
  const { snapshot } = target;
  const ok = await confirmModal(`Unlink ${label(snapshot)}?`, 'Unlink removes the snapshot\'s record from Waldur WITHOUT touching the backend: the OpenStack snapshot stays, but Waldur stops managing it. This cannot be undone from here.', 'Unlink…');
  if (!ok || !(await typeNameToConfirm(snapshot.name, `Unlink ${label(snapshot)}`, snapshot.id))) return;
  await requireBackend(ctx).unlinkSnapshot(snapshot);
  const parent = ctx.tree.find(`snapshot/${snapshot.id}`)?.parent;
  if (parent) ctx.tree.refresh(parent);
  void vscode.window.showInformationMessage(`${label(snapshot)} was unlinked from Waldur; the backend snapshot was not touched.`);
}

/** Delete (modal); works on a multi-selection with one confirmation listing them. */
export async function deleteSnapshot(ctx: CommandContext, arg?: TargetArg, nodes?: readonly TreeNode[]): Promise<void> {
  const selected = selection('snapshot', arg, nodes);
  const backend = requireBackend(ctx);
  const deleteOne = async (snapshot: Snapshot): Promise<void> => {
    await backend.deleteSnapshot(snapshot);
    ctx.jobs?.followDeletion('snapshot', snapshot, { title: `Deleting ${label(snapshot)}`, failureTitle: 'Delete failed', success: () => `${label(snapshot)} was deleted.` });
  };
  if (selected.length > 1) {
    const ok = await confirmModal(`Delete ${selected.length} snapshots?`, `${selected.map((n) => `• ${label(n.snapshot)} (${formatGiB(n.snapshot.sizeMiB)})`).join('\n')}\n\nThis cannot be undone.`, 'Delete');
    if (!ok) return;
    await forEachReporting(selected, (n) => n.snapshot.name, 'Delete', async ({ snapshot: stale }) => deleteOne(await recheckSnapshot(ctx, stale.id, 'delete')));
    return;
  }
  const target = await pickSnapshot(ctx, arg, 'delete', 'deleted');
  if (!target) return;
  const { snapshot } = target;
  const ok = await confirmModal(`Delete snapshot ${label(snapshot)} (${formatGiB(snapshot.sizeMiB)})?`, 'The snapshot is destroyed in the backend. This cannot be undone.', 'Delete');
  if (ok) await deleteOne(snapshot);
}
