import * as vscode from 'vscode';
import type { Backend } from '../core/backend';
import { Refusal } from '../core/errors';
import { validateDescription, validateName } from '../core/validation';
import type { Connection } from '../connections/manager';
import { uiText } from '../util/escape';
import { connectionOf } from './connections';
import { confirmModal } from './prompts';
import type { CommandContext } from './registry';
import { withProgress } from './target';

/** A connection whose signed-in user may administer volume types, or a refusal saying why not. */
async function typeAdmin(ctx: CommandContext, arg: unknown, title: string): Promise<{ c: Connection; backend: Backend } | undefined> {
  const c = await connectionOf(ctx, arg, title);
  if (!c || c === 'all') return undefined;
  const name = uiText(c.record.label, 80);
  const backend = c.backend;
  if (!backend) throw new Refusal(`${name} is not connected.`);
  if (!backend.capabilities.volumeTypeAdmin || !backend.createVolumeType || !backend.deleteVolumeType) throw new Refusal(`${backend.capabilities.displayName} volume types can't be managed from here.`);
  if (c.record.readOnly) throw new Refusal(`${name} is read-only: no actions are offered.`);
  if (!c.identity?.isStaff) throw new Refusal(`Managing volume types needs the admin role; ${uiText(c.identity?.username ?? 'this user', 60)} on ${name} does not have it.`);
  return { c, backend };
}

const BACKEND_NAME = /^[A-Za-z0-9_.:@#-]{1,255}$/;

/** Create Volume Type (admins): name, description, optional `volume_backend_name`, public or private. */
export async function createVolumeType(ctx: CommandContext, arg?: unknown): Promise<void> {
  const admin = await typeAdmin(ctx, arg, 'Create Volume Type');
  if (!admin) return;
  const { c, backend } = admin;
  const where = uiText(c.record.label, 60);
  const name = await vscode.window.showInputBox({ title: `New volume type on ${where} (1/4)`, prompt: 'Name', ignoreFocusOut: true, validateInput: (v) => validateName(v, 'type name') });
  if (name === undefined || validateName(name)) return;
  const description = await vscode.window.showInputBox({ title: `New volume type on ${where} (2/4)`, prompt: 'Description (optional)', ignoreFocusOut: true, validateInput: validateDescription });
  if (description === undefined || validateDescription(description)) return;
  const checkBackend = (v: string): string | undefined => (v.trim() === '' || BACKEND_NAME.test(v.trim()) ? undefined : 'Letters, digits and _ . : @ # - only (a Cinder backend name such as "lvmdriver-1").');
  const backendName = await vscode.window.showInputBox({
    title: `New volume type on ${where} (3/4)`, prompt: 'Storage backend (extra spec volume_backend_name; empty = any backend)', ignoreFocusOut: true, validateInput: checkBackend,
  });
  if (backendName === undefined || checkBackend(backendName)) return;
  const visibility = await vscode.window.showQuickPick([
    { label: 'Public', detail: 'Every project can use it', isPublic: true },
    { label: 'Private', detail: 'Only projects given access can use it', isPublic: false },
  ], { title: `New volume type on ${where} (4/4)`, placeHolder: 'Who may use it' });
  if (!visibility) return;
  const id = await withProgress('Creating the volume type…', (signal) => backend.createVolumeType!({
    name: name.trim(), description: description.trim() || undefined, isPublic: visibility.isPublic,
    ...(backendName.trim() ? { extraSpecs: { volume_backend_name: backendName.trim() } } : {}),
  }, signal));
  void vscode.window.showInformationMessage(`Volume type ${uiText(name.trim(), 80)} was created on ${where} (${uiText(id, 40)}).`);
}

/** Delete Volume Type (admins): pick one, confirm; Cinder refuses while volumes use it and says so. */
export async function deleteVolumeType(ctx: CommandContext, arg?: unknown): Promise<void> {
  const admin = await typeAdmin(ctx, arg, 'Delete Volume Type');
  if (!admin) return;
  const { c, backend } = admin;
  const where = uiText(c.record.label, 60);
  const types = await withProgress('Loading volume types…', async (signal) => {
    const scope = (await backend.listScopes(undefined, signal)).find((s) => !s.createBlocked);
    if (!scope) throw new Refusal(`No project of ${where} to read volume types in.`);
    return backend.listVolumeTypes(scope, signal);
  });
  if (!types.length) throw new Refusal(`${where} has no volume types.`);
  const picked = await vscode.window.showQuickPick(types.map((t) => ({ label: uiText(t.name, 80) || t.id, description: uiText(t.description, 120), type: t })), { title: `Delete Volume Type on ${where}`, placeHolder: 'Select the type to delete' });
  if (!picked) return;
  const ok = await confirmModal(`Delete volume type ${uiText(picked.type.name, 80)}?`, 'Volumes of this type keep their data; new volumes can no longer be given it. The server refuses while volumes use it.', 'Delete');
  if (!ok) return;
  await withProgress('Deleting the volume type…', (signal) => backend.deleteVolumeType!(picked.type.id, signal));
  void vscode.window.showInformationMessage(`Volume type ${uiText(picked.type.name, 80)} was deleted from ${where}.`);
}
