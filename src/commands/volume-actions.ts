import * as vscode from 'vscode';
import { Refusal } from '../core/errors';
import { holdsVolumes } from '../core/capabilities';
import type { VolumeChanges } from '../core/backend';
import { MIB_PER_GIB, formatGiB, type Scope, type Snapshot, type Volume } from '../core/model';
import { ref as makeRef } from '../core/ref';
import {
  defaultSnapshotName, gibToMiB, minimumExtendGiB, parseKeptUntil, validateDescription, validateExtendGiB, validateName, validateNewSizeGiB,
} from '../core/validation';
import type { TreeNode } from '../tree/nodes';
import { describeLine, type Capacity, type Demand } from '../core/capacity';
import { uiText } from '../util/escape';
import { capacityFor, checkQuota, quotaProblem } from './capacity';
import { confirmModal, typeNameToConfirm } from './prompts';
import type { CommandContext } from './registry';
import { connected, pickTarget, runOnSelection, selection, withProgress, type Target } from './target';

const label = (v: Volume): string => uiText(v.name, 80) || 'the volume';

/** Attach: pick one of the instances the server says the volume may be attached to. */
export async function attachVolume(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'volume', arg, 'attach', 'attached');
  if (!target) return;
  const { resource: volume, backend, ref } = target;
  const instances = await withProgress('Finding instances…', (signal) => backend.listAttachableInstances(volume, signal));
  if (!instances.length) {
    throw new Refusal(`No instance can take ${label(volume)}: it must be in the same project${volume.availabilityZone ? `, in availability zone ${uiText(volume.availabilityZone, 60)}` : ''}, and running or shut off.`);
  }
  const picked = await vscode.window.showQuickPick(instances.map((i) => ({
    label: uiText(i.name) || '(unnamed instance)',
    description: uiText([i.statusLabel, i.availabilityZone ? `zone ${i.availabilityZone}` : undefined].filter(Boolean).join(' · '), 120),
    instance: i,
  })), { title: `Attach ${label(volume)} to…`, placeHolder: 'Select an instance', matchOnDescription: true });
  if (!picked) return;
  const instanceName = uiText(picked.instance.name, 80);
  await backend.attachVolume(volume, picked.instance);
  ctx.jobs.follow(ref, volume, 'attach', {
    title: `Attaching ${label(volume)} to ${instanceName}`,
    failureTitle: 'Attach failed',
    success: (v) => `${label(v)} is attached to ${uiText(v.instanceName ?? instanceName, 80)}${v.device ? ` as ${uiText(v.device, 40)}` : ''}.`,
  });
}

/** Detach: confirmed in a modal. */
export async function detachVolume(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'volume', arg, 'detach', 'detached');
  if (!target) return;
  const { resource: volume, backend, ref } = target;
  const from = volume.instanceName ? ` from ${uiText(volume.instanceName, 80)}` : '';
  const ok = await confirmModal(`Detach ${label(volume)}${from}?`, 'Unmount its file systems inside the instance first, or data being written may be lost.', 'Detach');
  if (!ok) return;
  await backend.detachVolume(volume);
  ctx.jobs.follow(ref, volume, 'detach', { title: `Detaching ${label(volume)}`, failureTitle: 'Detach failed', success: (v) => `${label(v)} is detached${from}.` });
}

/** Extend: a whole number of GiB ≥ current + 1, validated as it is typed; sent in MiB. */
export async function extendVolume(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'volume', arg, 'extend', 'extended');
  if (!target) return;
  const { resource: volume, backend, ref } = target;
  const min = minimumExtendGiB(volume.sizeMiB);
  const attachedNote = volume.instanceName ? ` It is attached to ${uiText(volume.instanceName, 60)}, which must be shut off (SHUTOFF) for the server to accept.` : '';
  // The quota it counts against, read once: the input refuses a size over it as it is typed.
  const capacity = await capacityFor(ctx, backend, { volume });
  const demandOf = (gib: number): Demand => ({ storageMiB: gibToMiB(gib) - (volume.sizeMiB ?? 0), typeName: volume.typeName });
  const usage = capacity ? storageUsage(capacity, volume.typeName) : '';
  const input = await vscode.window.showInputBox({
    title: `Extend ${label(volume)}`,
    prompt: `Current size: ${formatGiB(volume.sizeMiB)}. New size in GiB (whole number, at least ${min}).${usage ? ` ${uiText(usage, 200)}.` : ''}${attachedNote}`,
    value: String(min),
    ignoreFocusOut: true,
    validateInput: (v) => validateExtendGiB(v, volume.sizeMiB) ?? quotaProblem(capacity, demandOf(Number(v.trim()))),
  });
  if (input === undefined || validateExtendGiB(input, volume.sizeMiB)) return;
  const gib = Number(input.trim());
  const check = checkQuota(capacity, demandOf(gib), `Extending ${label(volume)} to ${gib} GiB`);
  // Irreversible, and Enter on the prefilled minimum would send it at once: say both sizes first.
  const sure = await confirmModal(`Extend ${label(volume)} from ${formatGiB(volume.sizeMiB)} to ${gib} GiB?`,
    `${check?.text ? `${uiText(check.text, 300)}\n\n` : ''}This cannot be undone: a volume can't be made smaller again.${attachedNote}`, 'Extend');
  if (!sure) return;
  await backend.extendVolume(volume, gibToMiB(gib));
  ctx.jobs.follow(ref, volume, 'extend', { title: `Extending ${label(volume)} to ${gib} GiB`, failureTitle: 'Extend failed', success: (v) => `${label(v)} is now ${formatGiB(v.sizeMiB)}.` });
}

/** Retype: the volume types the backend offers for it, minus the current one. */
export async function retypeVolume(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'volume', arg, 'retype', 'retyped');
  if (!target) return;
  const { resource: volume, backend, ref } = target;
  const types = (await withProgress('Loading volume types…', (signal) => backend.listVolumeTypes(volume, signal))).filter((t) => t.name !== volume.typeName);
  if (!types.length) throw new Refusal(`There is no other volume type here${volume.typeName ? ` than ${uiText(volume.typeName, 40)}` : ''}.`);
  const picked = await vscode.window.showQuickPick(types.map((t) => ({ label: uiText(t.name) || '(unnamed type)', description: uiText(t.description, 120), type: t })), {
    title: `Retype ${label(volume)}${volume.typeName ? ` (now ${uiText(volume.typeName, 40)})` : ''}`,
    placeHolder: 'Select the new volume type',
  });
  if (!picked) return;
  await backend.retypeVolume(volume, picked.type);
  ctx.jobs.follow(ref, volume, 'retype', {
    title: `Retyping ${label(volume)} to ${uiText(picked.type.name, 40)}`,
    failureTitle: 'Retype failed',
    success: (v) => `${label(v)} is now of type ${uiText(v.typeName ?? picked.type.name, 40)}.`,
  });
}

/**
 * Snapshot: name (default `<volume>-snapshot`), optional description and keep-until date.
 * On a multi-selection: one confirmation listing the volumes, default names, kept forever.
 */
export async function snapshotVolume(ctx: CommandContext, arg?: unknown, nodes?: readonly TreeNode[]): Promise<void> {
  const selected = selection('volume', arg, nodes);
  if (selected.length > 1) {
    return runOnSelection(ctx, 'volume', selected, 'snapshot', {
      confirm: { message: `Create snapshots of ${selected.length} volumes?`, detail: (lines) => `${lines}\n\nEach snapshot is kept forever.`, button: 'Create Snapshots' },
      line: (name) => `${name} → ${uiText(defaultSnapshotName(name), 80)}`,
      verb: 'Snapshot',
      run: async (t) => {
        checkQuota(await capacityFor(ctx, t.backend, { volume: t.resource }), snapshotDemand(t.resource), `A snapshot of ${label(t.resource)}`);
        await createSnapshot(ctx, t, { name: defaultSnapshotName(t.resource.name) });
      },
    });
  }
  const target = await pickTarget(ctx, 'volume', arg, 'snapshot', 'snapshotted');
  if (!target) return;
  const volume = target.resource;
  const keeps = target.backend.capabilities.editable.snapshot.includes('keptUntil');
  const steps = keeps ? 3 : 2;
  const check = checkQuota(await capacityFor(ctx, target.backend, { volume }), snapshotDemand(volume), `A snapshot of ${label(volume)}`);
  const name = await vscode.window.showInputBox({
    title: `Snapshot ${label(volume)} (1/${steps})`, prompt: `Snapshot name${check?.text ? ` — ${uiText(check.text, 300)}` : ''}`, value: defaultSnapshotName(volume.name), ignoreFocusOut: true,
    validateInput: (v) => validateName(v, 'snapshot name'),
  });
  if (name === undefined || validateName(name)) return;
  const description = await vscode.window.showInputBox({
    title: `Snapshot ${label(volume)} (2/${steps})`, prompt: 'Description (optional)', ignoreFocusOut: true, validateInput: validateDescription,
  });
  if (description === undefined || validateDescription(description)) return;
  let keptUntil: string | undefined;
  if (keeps) {
    const kept = await vscode.window.showInputBox({
      title: `Snapshot ${label(volume)} (3/3)`, prompt: 'Keep until (YYYY-MM-DD, UTC; empty = keep forever)', placeHolder: 'keep forever', ignoreFocusOut: true,
      validateInput: (v) => parseKeptUntil(v).error,
    });
    if (kept === undefined) return;
    const parsed = parseKeptUntil(kept);
    if (parsed.error !== undefined) return;
    keptUntil = parsed.value ?? undefined;
  }
  await createSnapshot(ctx, target, { name: name.trim(), description: description.trim() || undefined, keptUntil });
}

/** What a snapshot of `volume` takes: one snapshot, and its size where snapshots count against storage. */
const snapshotDemand = (volume: Volume): Demand => ({ snapshots: 1, snapshotMiB: volume.sizeMiB ?? 0, typeName: volume.typeName });

/** "Storage 420 of 1000 GiB (42%)" — the storage line a volume of `typeName` counts against (its type's if limited). */
function storageUsage(capacity: Capacity, typeName: string | undefined): string {
  const typed = capacity.lines.find((l) => l.typeName !== undefined && l.typeName === typeName && l.limit !== undefined);
  const line = typed ?? capacity.lines.find((l) => l.key === 'storage');
  return line ? `${describeLine(line)} used in ${capacity.owner}` : '';
}

async function createSnapshot(ctx: CommandContext, { resource: volume, backend, ref }: Target<'volume'>, input: { name: string; description?: string; keptUntil?: string }): Promise<void> {
  const snapshot = await backend.snapshotVolume(volume, input);
  ctx.refresh.added(ref);
  ctx.jobs.follow(makeRef(ref.connectionId, 'snapshot', snapshot.id), { ...snapshot, sourceVolumeId: snapshot.sourceVolumeId ?? volume.id }, 'create', {
    title: `Creating snapshot ${uiText(snapshot.name, 80)}`,
    failureTitle: 'Snapshot failed',
    success: (s) => `Snapshot ${uiText(s.name, 80)} of ${label(volume)} is ready.`,
  });
}

/** Edit the fields the backend lets change (name, description, bootable, read-only). */
export async function editVolume(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'volume', arg, 'edit', 'edited');
  if (!target) return;
  const { resource: volume, backend, ref } = target;
  const editable = backend.capabilities.editable.volume;
  const fields = [
    { label: 'Name', description: uiText(volume.name, 80), field: 'name' as const },
    { label: 'Description', description: uiText(volume.description, 80) || '(empty)', field: 'description' as const },
    { label: volume.bootable ? 'Mark as not bootable' : 'Mark as bootable', description: `now ${volume.bootable ? 'bootable' : 'not bootable'}`, field: 'bootable' as const },
    {
      label: volume.readOnly ? 'Make read-write' : 'Make read-only',
      description: `now ${volume.readOnly ? 'read-only' : 'read-write'}${volume.runtimeState === 'available' ? '' : ' · only while available (detached)'}`,
      field: 'readOnly' as const,
    },
  ].filter((f) => editable.includes(f.field));
  const field = await vscode.window.showQuickPick(fields, { title: `Edit ${label(volume)}`, placeHolder: 'What to change' });
  if (!field) return;
  let changes: VolumeChanges;
  if (field.field === 'bootable') {
    changes = { bootable: !volume.bootable };
  } else if (field.field === 'readOnly') {
    // Cinder changes the flag only on an available volume; say so rather than send a request it refuses.
    if (volume.runtimeState !== 'available') throw new Refusal(`${label(volume)} is ${uiText(volume.runtimeState, 40)}; the read-only flag can be changed only while it is available (detached).`);
    changes = { readOnly: !volume.readOnly };
  } else if (field.field === 'name') {
    const name = await vscode.window.showInputBox({ title: `Rename ${label(volume)}`, value: volume.name, ignoreFocusOut: true, validateInput: (v) => validateName(v, 'volume name') });
    if (name === undefined || validateName(name) || name.trim() === volume.name) return;
    changes = { name: name.trim() };
  } else {
    const description = await vscode.window.showInputBox({ title: `Description of ${label(volume)}`, value: volume.description, ignoreFocusOut: true, validateInput: validateDescription });
    if (description === undefined || validateDescription(description) || description === volume.description) return;
    changes = { description };
  }
  const updated = await backend.updateVolume(volume, changes);
  ctx.refresh.resource(ref, updated);
  void vscode.window.showInformationMessage(`${label(updated)} was updated.`);
}

/** Pull (sync from the backend); works on a multi-selection. */
export async function pullVolume(ctx: CommandContext, arg?: unknown, nodes?: readonly TreeNode[]): Promise<void> {
  const selected = selection('volume', arg, nodes);
  if (selected.length > 1) {
    return runOnSelection(ctx, 'volume', selected, 'pull', {
      confirm: { message: `Pull ${selected.length} volumes from the backend?`, detail: (lines) => lines, button: 'Pull' },
      line: (name) => name, verb: 'Pull', run: (t) => pullOne(ctx, t),
    });
  }
  const target = await pickTarget(ctx, 'volume', arg, 'pull', 'pulled');
  if (target) await pullOne(ctx, target);
}

async function pullOne(ctx: CommandContext, { resource: volume, backend, ref }: Target<'volume'>): Promise<void> {
  if (!backend.pullVolume) throw new Refusal(`${backend.capabilities.displayName} can't pull volumes.`);
  await backend.pullVolume(volume);
  ctx.jobs.follow(ref, volume, 'pull', { title: `Pulling ${label(volume)}`, failureTitle: 'Pull failed', success: (v) => `${label(v)} is in sync with the backend.` });
}

/**
 * Delete: modal, type the name; a Waldur delete is a marketplace order that may need approval.
 * Where the backend deletes snapshots with their volume on request (OpenStack's `cascade`), a
 * volume with snapshots is deleted with them only when the modal that names them is confirmed.
 */
export async function deleteVolume(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await pickTarget(ctx, 'volume', arg, 'delete', 'deleted');
  if (!target) return;
  const { resource: volume, backend, ref } = target;
  const byOrder = backend.capabilities.deleteVolume === 'order';
  const snapshots: Snapshot[] = backend.capabilities.cascadeDelete ? await withProgress('Looking for snapshots…', (signal) => backend.listSnapshots(volume.id, signal)) : [];
  const cascade = snapshots.length > 0;
  const detail = byOrder
    ? 'This creates a marketplace termination order. The volume and all its data will be destroyed once the order is executed; depending on your organization, the order may need approval first.'
    : cascade
      ? `Its snapshots are deleted with it:\n${snapshots.slice(0, 10).map((s) => `• ${uiText(s.name, 80) || s.id} (${formatGiB(s.sizeMiB)})`).join('\n')}${snapshots.length > 10 ? `\n…and ${snapshots.length - 10} more` : ''}\n\nThe volume, its snapshots and all their data will be destroyed. This cannot be undone.`
      : 'The volume and all its data will be destroyed. This cannot be undone.';
  const what = cascade ? `${label(volume)} (${formatGiB(volume.sizeMiB)}) and its ${snapshots.length === 1 ? 'snapshot' : `${snapshots.length} snapshots`}` : `${label(volume)} (${formatGiB(volume.sizeMiB)})`;
  const ok = await confirmModal(`Delete ${what}?`, detail, cascade ? 'Delete All…' : 'Delete…');
  if (!ok || !(await typeNameToConfirm(volume.name, `Delete ${label(volume)}${cascade ? ' and its snapshots' : ''}`, volume.id))) return;
  const outcome = await backend.deleteVolume(volume, cascade ? { cascade: true } : undefined);
  if (outcome.kind === 'order') {
    const orderText = outcome.orderId ? `Termination order ${uiText(outcome.orderId, 64)} was created` : 'A termination order was created';
    void vscode.window.showInformationMessage(`${orderText} for ${label(volume)}. It may need approval before the volume is deleted.`, ...(outcome.orderId ? ['Copy Order ID'] : [])).then((choice) => {
      if (choice) void vscode.env.clipboard.writeText(outcome.orderId);
    });
  }
  ctx.jobs.followDeletion(ref, volume, {
    title: `Deleting ${label(volume)}`, failureTitle: 'Delete failed', success: () => `${label(volume)} was deleted.`,
    waitingNote: byOrder ? 'the termination order may be waiting for approval' : undefined,
  });
}

/** A project row, or — from the palette — a project of a connection that can create volumes. */
async function projectTarget(ctx: CommandContext, arg: unknown): Promise<{ scope: Scope; connectionId: string } | undefined> {
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node && node.kind === 'scope') return { scope: node.scope, connectionId: node.ref.connectionId };
  const able = ctx.connections.all().filter((c) => c.backend?.capabilities.createVolume && !c.record.readOnly);
  if (!able.length) throw new Refusal('No connection can create volumes here (read-only connections create nothing).');
  type Item = vscode.QuickPickItem & { scope?: Scope; connectionId?: string };
  const items: Item[] = [];
  for (const c of able) {
    const backend = c.backend!;
    const top = await withProgress('Loading projects…', (signal) => backend.listScopes(undefined, signal));
    const holding = (await Promise.all(top.map(async (s) => (holdsVolumes(backend.capabilities, s.kind) ? [s] : backend.listScopes(s))))).flat();
    if (able.length > 1) items.push({ label: uiText(c.record.label, 80), kind: vscode.QuickPickItemKind.Separator });
    items.push(...holding.filter((s) => !s.createBlocked).map((s) => ({ label: uiText(s.name, 80) || s.id, description: uiText(c.record.label, 60), scope: s, connectionId: c.id })));
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Create Volume in…', placeHolder: 'Select the project' });
  return picked?.scope && picked.connectionId ? { scope: picked.scope, connectionId: picked.connectionId } : undefined;
}

/**
 * Create Volume: name, source (blank or one of the project's snapshots, where the backend can),
 * size (whole GiB, at least the snapshot's), type, availability zone (asked only when there are
 * several) and description, validated before anything is sent; the new volume is followed until
 * it is available, then revealed in its project.
 */
export async function createVolume(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await projectTarget(ctx, arg);
  if (!target) return;
  const { backend, connection } = connected(ctx, target.connectionId);
  if (connection.record.readOnly) throw new Refusal(`${uiText(connection.record.label, 80)} is read-only: no actions are offered.`);
  const create = backend.createVolume?.bind(backend);
  if (!backend.capabilities.createVolume || !create) throw new Refusal(`${backend.capabilities.displayName} can't create volumes here.`);
  if (target.scope.createBlocked) throw new Refusal(target.scope.createBlocked);
  const where = uiText(target.scope.name, 60);
  // Where in the project (a Waldur tenant's offering): asked first, when there are several.
  const placements = backend.listPlacements ? await withProgress('Loading the project…', (signal) => backend.listPlacements!(target.scope, signal)) : [];
  if (backend.listPlacements && !placements.length) throw new Refusal(`${where} has no volume offering: no tenant of it sells volumes here.`);
  let placement = placements.length === 1 ? placements[0] : undefined;
  if (placements.length > 1) {
    const picked = await vscode.window.showQuickPick(placements.map((p) => ({ label: uiText(p.name, 80) || p.id, description: uiText(p.description, 120), placement: p })), {
      title: `New volume in ${where}`, placeHolder: 'Where: the offering (tenant) that provides the volume',
    });
    if (!picked) return;
    placement = picked.placement;
  }
  // What is asked depends on the project: its snapshots (a source) and zones (more than one).
  const [snapshots, zones, capacity] = await withProgress('Loading the project…', (signal) => Promise.all([
    backend.capabilities.createFromSnapshot
      ? backend.listSnapshots(undefined, signal).then((all) => all.filter((s) => s.projectId === target.scope.id && s.runtimeState === 'available'))
      : Promise.resolve([] as Snapshot[]),
    backend.listAvailabilityZones?.(target.scope, signal, placement?.id) ?? Promise.resolve([] as string[]),
    capacityFor(ctx, backend, { scope: target.scope, capacityId: placement?.capacityId }),
  ]));
  const steps = 4 + (snapshots.length ? 1 : 0) + (zones.length > 1 ? 1 : 0);
  let step = 0;
  const title = (): string => `New volume in ${where}${placements.length > 1 && placement ? ` · ${uiText(placement.name, 60)}` : ''} (${++step}/${steps})`;
  // Full before anything is typed: say so now rather than after the last question.
  checkQuota(capacity, { volumes: 1, storageMiB: MIB_PER_GIB }, 'A new volume');
  const name = await vscode.window.showInputBox({ title: title(), prompt: 'Name', ignoreFocusOut: true, validateInput: (v) => validateName(v, 'volume name') });
  if (name === undefined || validateName(name)) return;
  let source: Snapshot | undefined;
  if (snapshots.length) {
    const BLANK = { label: '$(file) Blank volume', snapshot: undefined as Snapshot | undefined };
    const picked = await vscode.window.showQuickPick([BLANK, { label: 'From a snapshot', kind: vscode.QuickPickItemKind.Separator, snapshot: undefined }, ...snapshots.map((s) => ({
      label: `$(device-camera) ${uiText(s.name, 80) || s.id}`,
      description: uiText([formatGiB(s.sizeMiB), s.sourceVolumeName ? `of ${s.sourceVolumeName}` : undefined].filter(Boolean).join(' · '), 120),
      snapshot: s,
    }))], { title: title(), placeHolder: 'Start from a blank volume or a snapshot' });
    if (!picked) return;
    source = picked.snapshot;
  }
  const minGiB = source?.sizeMiB ? Math.ceil(source.sizeMiB / MIB_PER_GIB) : 1;
  const usage = capacity ? storageUsage(capacity, undefined) : '';
  const size = await vscode.window.showInputBox({
    title: title(), prompt: `Size in GiB (whole number${source ? `, at least the snapshot's ${minGiB}` : ''})${usage ? `. ${uiText(usage, 200)}` : ''}`, value: String(minGiB), ignoreFocusOut: true,
    validateInput: (v) => validateNewSizeGiB(v, minGiB) ?? quotaProblem(capacity, { volumes: 1, storageMiB: gibToMiB(Number(v.trim())) }),
  });
  if (size === undefined || validateNewSizeGiB(size, minGiB)) return;
  const sizeGiB = Number(size.trim());
  const types = await withProgress('Loading volume types…', (signal) => backend.listVolumeTypes(target.scope, signal, placement?.id));
  const DEFAULT = { label: '(the default type)', type: undefined as string | undefined };
  const type = await vscode.window.showQuickPick([DEFAULT, ...types.map((t) => ({ label: uiText(t.name) || t.id, description: uiText(t.description, 120), type: t.name }))], { title: title(), placeHolder: 'Volume type' });
  if (!type) return;
  let availabilityZone: string | undefined;
  if (zones.length > 1) {
    const zone = await vscode.window.showQuickPick(zones.map((z) => ({ label: uiText(z, 80), zone: z })), { title: title(), placeHolder: 'Availability zone' });
    if (!zone) return;
    availabilityZone = zone.zone;
  }
  const check = checkQuota(capacity, { volumes: 1, storageMiB: gibToMiB(sizeGiB), typeName: type.type }, `A new ${sizeGiB} GiB volume`);
  const description = await vscode.window.showInputBox({
    title: title(), prompt: `Description (optional)${check?.text ? ` — ${uiText(check.text, 300)}` : ''}`, ignoreFocusOut: true, validateInput: validateDescription,
  });
  if (description === undefined || validateDescription(description)) return;
  const made = await create(target.scope, {
    name: name.trim(), sizeGiB, description: description.trim() || undefined, typeName: type.type, availabilityZone, snapshotId: source?.id, placementId: placement?.id,
  });
  const shown = uiText(name.trim(), 80);
  if ('kind' in made && made.kind === 'order') {
    ctx.jobs.followOrder(target.connectionId, target.scope, made, {
      title: `Creating ${shown} (${sizeGiB} GiB)`,
      failureTitle: 'Create volume failed',
      success: (v) => `${label(v)} (${formatGiB(v.sizeMiB)}) is ready.`,
      waitingNote: 'the order may be waiting for approval',
    });
    return;
  }
  const volume = made as Volume;
  ctx.jobs.followNew(makeRef(target.connectionId, 'volume', volume.id), { ...volume, projectId: volume.projectId ?? target.scope.id }, 'create', {
    title: `Creating ${label(volume)} (${formatGiB(volume.sizeMiB)})`,
    failureTitle: 'Create volume failed',
    success: (v) => `${label(v)} (${formatGiB(v.sizeMiB)}) is ready.`,
  });
}
