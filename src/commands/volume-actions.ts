import * as vscode from 'vscode';
import { formatGiB, type Volume } from '../model/types';
import {
  defaultSnapshotName, gibToMiB, minimumExtendGiB, parseKeptUntil, validateDescription, validateExtendGiB, validateName,
} from '../model/validation';
import type { TreeNode } from '../tree/nodes';
import { uiText } from '../util/escape';
import { confirmModal, forEachReporting, typeNameToConfirm } from './prompts';
import type { CommandContext } from './registry';
import { Refusal, pickVolume, recheckVolume, requireBackend, selection, withProgress, type TargetArg } from './target';

const label = (v: Volume): string => uiText(v.name, 80) || 'the volume';

/** Attach: pick one of the instances the server says the volume may be attached to. */
export async function attachVolume(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickVolume(ctx, arg, 'attach', 'attached');
  if (!target) return;
  const { volume } = target;
  const backend = requireBackend(ctx);
  const instances = await withProgress('Finding instances…', (signal) => backend.listAttachableInstances(volume, signal));
  if (!instances.length) {
    throw new Refusal(`No instance can take ${label(volume)}: it must be in the same project and tenant${volume.availabilityZone ? `, in availability zone ${uiText(volume.availabilityZone, 60)}` : ''}, and ACTIVE or SHUTOFF.`);
  }
  const picked = await vscode.window.showQuickPick(instances.map((i) => ({
    label: uiText(i.name) || '(unnamed instance)',
    description: uiText([i.runtimeState, i.availabilityZone ? `zone ${i.availabilityZone}` : undefined].filter(Boolean).join(' · '), 120),
    instance: i,
  })), { title: `Attach ${label(volume)} to…`, placeHolder: 'Select an instance', matchOnDescription: true });
  if (!picked) return;
  const instanceName = uiText(picked.instance.name, 80);
  await backend.attachVolume(volume, picked.instance);
  ctx.jobs?.followVolume(volume, 'attach', {
    title: `Attaching ${label(volume)} to ${instanceName}`,
    failureTitle: 'Attach failed',
    success: (v) => `${label(v)} is attached to ${uiText(v.instanceName ?? instanceName, 80)}${v.device ? ` as ${uiText(v.device, 40)}` : ''}.`,
  });
}

/** Detach: only in-use, non-bootable volumes; confirmed in a modal. */
export async function detachVolume(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickVolume(ctx, arg, 'detach', 'detached');
  if (!target) return;
  const { volume } = target;
  const from = volume.instanceName ? ` from ${uiText(volume.instanceName, 80)}` : '';
  const ok = await confirmModal(`Detach ${label(volume)}${from}?`, 'Unmount its file systems inside the instance first, or data being written may be lost.', 'Detach');
  if (!ok) return;
  await requireBackend(ctx).detachVolume(volume);
  ctx.jobs?.followVolume(volume, 'detach', {
    title: `Detaching ${label(volume)}`,
    failureTitle: 'Detach failed',
    success: (v) => `${label(v)} is detached${from}.`,
  });
}

/** Extend: a whole number of GiB ≥ current + 1, validated as it is typed; sent in MiB. */
export async function extendVolume(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickVolume(ctx, arg, 'extend', 'extended');
  if (!target) return;
  const { volume } = target;
  const min = minimumExtendGiB(volume.sizeMiB);
  const attachedNote = volume.instanceName ? ` It is attached to ${uiText(volume.instanceName, 60)}, which must be shut off (SHUTOFF) for the server to accept.` : '';
  const input = await vscode.window.showInputBox({
    title: `Extend ${label(volume)}`,
    prompt: `Current size: ${formatGiB(volume.sizeMiB)}. New size in GiB (whole number, at least ${min}).${attachedNote}`,
    value: String(min),
    ignoreFocusOut: true,
    validateInput: (v) => validateExtendGiB(v, volume.sizeMiB),
  });
  if (input === undefined || validateExtendGiB(input, volume.sizeMiB)) return;
  const gib = Number(input.trim());
  await requireBackend(ctx).extendVolume(volume, gibToMiB(gib));
  ctx.jobs?.followVolume(volume, 'extend', {
    title: `Extending ${label(volume)} to ${gib} GiB`,
    failureTitle: 'Extend failed',
    success: (v) => `${label(v)} is now ${formatGiB(v.sizeMiB)}.`,
  });
}

/** Retype: the tenant's volume types minus the current one. */
export async function retypeVolume(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickVolume(ctx, arg, 'retype', 'retyped');
  if (!target) return;
  const { volume } = target;
  if (!volume.tenantId) throw new Refusal(`${label(volume)} has no tenant, so its volume types are unknown.`);
  const backend = requireBackend(ctx);
  const types = (await withProgress('Loading volume types…', (signal) => backend.listVolumeTypes(volume.tenantId!, signal)))
    .filter((t) => t.name !== volume.typeName);
  if (!types.length) throw new Refusal(`There is no other volume type in this tenant${volume.typeName ? ` than ${uiText(volume.typeName, 40)}` : ''}.`);
  const picked = await vscode.window.showQuickPick(types.map((t) => ({ label: uiText(t.name) || '(unnamed type)', description: uiText(t.description, 120), type: t })), {
    title: `Retype ${label(volume)}${volume.typeName ? ` (now ${uiText(volume.typeName, 40)})` : ''}`,
    placeHolder: 'Select the new volume type',
  });
  if (!picked) return;
  await backend.retypeVolume(volume, picked.type);
  ctx.jobs?.followVolume(volume, 'retype', {
    title: `Retyping ${label(volume)} to ${uiText(picked.type.name, 40)}`,
    failureTitle: 'Retype failed',
    success: (v) => `${label(v)} is now of type ${uiText(v.typeName ?? picked.type.name, 40)}.`,
  });
}

/**
 * Snapshot: name (default `<volume>-snapshot`), optional description and keep-until date.
 * On a multi-selection: one confirmation listing the volumes, default names, kept forever.
 */
export async function snapshotVolume(ctx: CommandContext, arg?: TargetArg, nodes?: readonly TreeNode[]): Promise<void> {
  const selected = selection('volume', arg, nodes);
  if (selected.length > 1) return snapshotMany(ctx, selected.map((n) => n.volume));
  const target = await pickVolume(ctx, arg, 'snapshot', 'snapshotted');
  if (!target) return;
  const { volume } = target;
  const name = await vscode.window.showInputBox({
    title: `Snapshot ${label(volume)} (1/3)`, prompt: 'Snapshot name', value: defaultSnapshotName(volume.name), ignoreFocusOut: true,
    validateInput: (v) => validateName(v, 'snapshot name'),
  });
  if (name === undefined || validateName(name)) return;
  const description = await vscode.window.showInputBox({
    title: `Snapshot ${label(volume)} (2/3)`, prompt: 'Description (optional)', ignoreFocusOut: true, validateInput: validateDescription,
  });
  if (description === undefined || validateDescription(description)) return;
  const kept = await vscode.window.showInputBox({
    title: `Snapshot ${label(volume)} (3/3)`, prompt: 'Keep until (YYYY-MM-DD, UTC; empty = keep forever)', placeHolder: 'keep forever', ignoreFocusOut: true,
    validateInput: (v) => parseKeptUntil(v).error,
  });
  if (kept === undefined) return;
  const keptUntil = parseKeptUntil(kept);
  if (keptUntil.error !== undefined) return;
  await createSnapshot(ctx, volume, { name: name.trim(), description: description.trim() || undefined, keptUntil: keptUntil.value ?? undefined });
}

async function snapshotMany(ctx: CommandContext, listed: Volume[]): Promise<void> {
  const ok = await confirmModal(`Create snapshots of ${listed.length} volumes?`, `${listed.map((v) => `• ${label(v)} → ${uiText(defaultSnapshotName(v.name), 80)}`).join('\n')}\n\nEach snapshot is kept forever.`, 'Create Snapshots');
  if (!ok) return;
  await forEachReporting(listed, (v) => v.name, 'Snapshot', async (stale) => {
    const volume = await recheckVolume(ctx, stale.id, 'snapshot');
    await createSnapshot(ctx, volume, { name: defaultSnapshotName(volume.name) });
  });
}

async function createSnapshot(ctx: CommandContext, volume: Volume, input: { name: string; description?: string; keptUntil?: string }): Promise<void> {
  const snapshot = await requireBackend(ctx).snapshotVolume(volume, input);
  const node = ctx.tree.find(`volume/${volume.id}`);
  if (node) ctx.tree.refresh(node);
  ctx.jobs?.followSnapshot(snapshot, 'create', {
    title: `Creating snapshot ${uiText(snapshot.name, 80)}`,
    failureTitle: 'Snapshot failed',
    success: (s) => `Snapshot ${uiText(s.name, 80)} of ${label(volume)} is ready.`,
  });
}

/** Edit name, description or bootable. */
export async function editVolume(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickVolume(ctx, arg, 'edit', 'edited');
  if (!target) return;
  const { volume } = target;
  const field = await vscode.window.showQuickPick([
    { label: 'Name', description: uiText(volume.name, 80), field: 'name' as const },
    { label: 'Description', description: uiText(volume.description, 80) || '(empty)', field: 'description' as const },
    { label: volume.bootable ? 'Mark as not bootable' : 'Mark as bootable', description: `now ${volume.bootable ? 'bootable' : 'not bootable'}`, field: 'bootable' as const },
  ], { title: `Edit ${label(volume)}`, placeHolder: 'What to change' });
  if (!field) return;
  let changes: { name?: string; description?: string; bootable?: boolean };
  if (field.field === 'bootable') {
    changes = { bootable: !volume.bootable };
  } else if (field.field === 'name') {
    const name = await vscode.window.showInputBox({ title: `Rename ${label(volume)}`, value: volume.name, ignoreFocusOut: true, validateInput: (v) => validateName(v, 'volume name') });
    if (name === undefined || validateName(name) || name.trim() === volume.name) return;
    changes = { name: name.trim() };
  } else {
    const description = await vscode.window.showInputBox({ title: `Description of ${label(volume)}`, value: volume.description, ignoreFocusOut: true, validateInput: validateDescription });
    if (description === undefined || validateDescription(description) || description === volume.description) return;
    changes = { description };
  }
  const updated = await requireBackend(ctx).updateVolume(volume, changes);
  ctx.tree.updateVolume(updated);
  void vscode.window.showInformationMessage(`${label(updated)} was updated.`);
}

/** Pull (sync from the backend); works on a multi-selection. */
export async function pullVolume(ctx: CommandContext, arg?: TargetArg, nodes?: readonly TreeNode[]): Promise<void> {
  const selected = selection('volume', arg, nodes);
  if (selected.length > 1) {
    const ok = await confirmModal(`Pull ${selected.length} volumes from the backend?`, selected.map((n) => `• ${label(n.volume)}`).join('\n'), 'Pull');
    if (!ok) return;
    await forEachReporting(selected, (n) => n.volume.name, 'Pull', async ({ volume: stale }) => pullOne(ctx, await recheckVolume(ctx, stale.id, 'pull')));
    return;
  }
  const target = await pickVolume(ctx, arg, 'pull', 'pulled');
  if (target) await pullOne(ctx, target.volume);
}

async function pullOne(ctx: CommandContext, volume: Volume): Promise<void> {
  await requireBackend(ctx).pullVolume(volume);
  ctx.jobs?.followVolume(volume, 'pull', { title: `Pulling ${label(volume)}`, failureTitle: 'Pull failed', success: (v) => `${label(v)} is in sync with the backend.` });
}

/** Unlink (staff): removes the record without touching the backend; type the name. */
export async function unlinkVolume(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickVolume(ctx, arg, 'unlink', 'unlinked');
  if (!target) return;
  const { volume } = target;
  const ok = await confirmModal(`Unlink ${label(volume)}?`, 'Unlink removes the volume\'s record from Waldur WITHOUT touching the backend: the OpenStack volume and its data stay, but Waldur stops managing and billing it. This cannot be undone from here.', 'Unlink…');
  if (!ok || !(await typeNameToConfirm(volume.name, `Unlink ${label(volume)}`, volume.id))) return;
  await requireBackend(ctx).unlinkVolume(volume);
  const parent = ctx.tree.find(`volume/${volume.id}`)?.parent;
  if (parent) ctx.tree.refresh(parent);
  void vscode.window.showInformationMessage(`${label(volume)} was unlinked from Waldur; the backend volume was not touched.`);
}

/** Delete: a marketplace terminate order; modal, type the name, show the order. */
export async function deleteVolume(ctx: CommandContext, arg?: TargetArg): Promise<void> {
  const target = await pickVolume(ctx, arg, 'delete', 'deleted');
  if (!target) return;
  const { volume } = target;
  const ok = await confirmModal(`Delete ${label(volume)} (${formatGiB(volume.sizeMiB)})?`, 'This creates a marketplace termination order. The volume and all its data will be destroyed once the order is executed; depending on your organization, the order may need approval first.', 'Delete…');
  if (!ok || !(await typeNameToConfirm(volume.name, `Delete ${label(volume)}`, volume.id))) return;
  const order = await requireBackend(ctx).deleteVolume(volume);
  const orderText = order.id ? `Termination order ${uiText(order.id, 64)} was created` : 'A termination order was created';
  void vscode.window.showInformationMessage(`${orderText} for ${label(volume)}. It may need approval before the volume is deleted.`, ...(order.id ? ['Copy Order ID'] : [])).then((choice) => {
    if (choice) void vscode.env.clipboard.writeText(order.id);
  });
  ctx.jobs?.followDeletion('volume', volume, { title: `Deleting ${label(volume)}`, failureTitle: 'Delete failed', success: () => `${label(volume)} was deleted.` });
}
