import * as vscode from 'vscode';
import { COPY_FORMATS, copyAs, type CopyKind } from '../core/copy-as';
import { Refusal, describeError, ApiError } from '../core/errors';
import { parseLocator, waldurUuid, type Located } from '../core/locate';
import type { Snapshot, Volume } from '../core/model';
import type { RawKind } from '../core/raw';
import { canonicalWebUrl, guessWebUrl, validateWebUrl } from '../core/web';
import { isResourceRef, ref as makeRef, type ResourceRef } from '../core/ref';
import type { Connection } from '../connections/manager';
import { hostOf } from '../connections/store';
import { rawUri } from '../documents/raw';
import type { InsightNode } from '../tree/insights';
import type { TreeNode } from '../tree/nodes';
import { rowOf } from '../tree/reveal';
import { plainText, uiText } from '../util/escape';
import type { CommandContext } from './registry';
import { connected } from './target';

/** What Copy ID / Copy Name take from a row. */
interface Copied { id: string; name: string }

function copiedOf(node: TreeNode): Copied | undefined {
  switch (node.kind) {
    case 'volume': return { id: node.volume.id, name: node.volume.name };
    case 'snapshot': return { id: node.snapshot.id, name: node.snapshot.name };
    case 'scope': return { id: node.scope.id, name: node.scope.name };
    case 'connection': return undefined;
    case 'message': return undefined;
  }
}

/** The rows a command was run on: the selection when the clicked row is part of it, else the clicked row. */
function rowsOf(arg: unknown, nodes: readonly TreeNode[] | undefined): TreeNode[] {
  const node = arg as TreeNode | undefined;
  if (!node || typeof node !== 'object' || !('kind' in node)) return [];
  return nodes?.length && nodes.includes(node) ? [...nodes] : [node];
}

/** Copy ID / Copy Name: one per line for a multi-selection; from the palette, a picker. */
export async function copyField(ctx: CommandContext, field: 'id' | 'name', arg?: unknown, nodes?: readonly TreeNode[]): Promise<void> {
  let items = rowsOf(arg, nodes).map(copiedOf).filter((c): c is Copied => !!c);
  if (!items.length && !arg) {
    const picked = await ctx.panels.pick();
    if (!picked) return;
    const resource = await read(ctx, picked.ref);
    items = [{ id: picked.ref.id, name: resource.name }];
  }
  if (!items.length) throw new Refusal('Nothing to copy from this row.');
  // Names are API text: copied as one line each, so a name can't smuggle extra lines into a paste.
  const lines = items.map((c) => (field === 'id' ? c.id : plainText(c.name, 1000)));
  await vscode.env.clipboard.writeText(lines.join('\n'));
  const what = field === 'id' ? (items.length === 1 ? 'ID' : 'IDs') : (items.length === 1 ? 'name' : 'names');
  vscode.window.setStatusBarMessage(`$(clippy) Copied ${items.length === 1 ? `${what}: ${uiText(lines[0], 60)}` : `${items.length} ${what}`}`, 4000);
}

async function read(ctx: CommandContext, r: ResourceRef): Promise<Volume | Snapshot> {
  const { backend } = connected(ctx, r.connectionId);
  return r.kind === 'volume' ? backend.getVolume(r.id) : backend.getSnapshot(r.id);
}

/** A volume/snapshot row or ref → its ref; from the palette, a picker. */
async function resourceRefOf(ctx: CommandContext, arg: unknown): Promise<{ ref: ResourceRef; name?: string } | undefined> {
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node) {
    if (node.kind === 'volume') return { ref: node.ref, name: node.volume.name };
    if (node.kind === 'snapshot') return { ref: node.ref, name: node.snapshot.name };
  }
  if (isResourceRef(arg) && (arg.kind === 'volume' || arg.kind === 'snapshot')) return { ref: makeRef(arg.connectionId, arg.kind, arg.id) };
  return ctx.panels.pick().then((p) => p && { ref: p.ref, name: p.title });
}

/** Open as JSON: a read-only document with the record as the API returns it (secrets taken out). */
export async function openAsJson(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await resourceRefOf(ctx, arg);
  if (!target) return;
  await openRaw(ctx, { connectionId: target.ref.connectionId, kind: target.ref.kind as RawKind, id: target.ref.id }, target.name ?? (await read(ctx, target.ref)).name);
}

/** The instance an attached volume is attached to, as JSON. */
export async function openInstanceAsJson(ctx: CommandContext, arg?: unknown): Promise<void> {
  // From a panel's link: the instance itself.
  if (isResourceRef(arg) && arg.kind === 'instance') {
    await openRaw(ctx, { connectionId: arg.connectionId, kind: 'instance', id: arg.id }, `instance-${arg.id.slice(0, 8)}`);
    return;
  }
  const target = await resourceRefOf(ctx, arg);
  if (!target || target.ref.kind !== 'volume') return;
  const volume = await read(ctx, target.ref) as Volume;
  if (!volume.instanceId) throw new Refusal(`${uiText(volume.name, 80) || 'The volume'} is not attached to an instance.`);
  await openRaw(ctx, { connectionId: target.ref.connectionId, kind: 'instance', id: volume.instanceId }, volume.instanceName || volume.instanceId);
}

async function openRaw(ctx: CommandContext, r: { connectionId: string; kind: RawKind; id: string }, name: string): Promise<void> {
  const { connection } = connected(ctx, r.connectionId);
  const doc = await vscode.workspace.openTextDocument(rawUri(r, name, connection.record.label));
  await vscode.window.showTextDocument(doc, { preview: false });
}

/** One connection's answer to "do you have this?". */
type Found = { connection: Connection; ref: ResourceRef; resource: Volume | Snapshot };

async function lookIn(connection: Connection, located: Located, signal: AbortSignal): Promise<Found | undefined> {
  const backend = connection.backend!;
  let id = backend.kind === 'waldur' ? waldurUuid(located.id) : located.id;
  let kinds: readonly ('volume' | 'snapshot')[] = located.kind ? [located.kind] : ['volume', 'snapshot'];
  if (located.marketplace) {
    // A HomePort page names the marketplace resource; its volume is looked up (404: try the id as it is).
    if (!backend.resolveMarketplaceResource) return undefined;
    try {
      const behind = await backend.resolveMarketplaceResource(id, signal);
      id = behind.id;
      kinds = [behind.kind];
    } catch (err) {
      if (!(err instanceof ApiError && err.isNotFound)) throw err;
    }
  }
  for (const kind of kinds) {
    try {
      const resource = kind === 'volume' ? await backend.getVolume(id, signal) : await backend.getSnapshot(id, signal);
      return { connection, ref: makeRef(connection.id, kind, resource.id), resource };
    } catch (err) {
      if (!(err instanceof ApiError && (err.isNotFound || (err.status === 400 && backend.kind === 'openstack')))) throw err;
    }
  }
  return undefined;
}

/**
 * Go to Resource…: an id or a HomePort / Horizon / API URL → the resource in any connection,
 * its row revealed and selected (its parents opened); its panel when the tree has no row for it.
 */
export async function goToResource(ctx: CommandContext, arg?: unknown): Promise<void> {
  const connections = ctx.connections.all().filter((c) => c.backend);
  if (!connections.length) throw new Refusal('Not connected. Use "Add Connection…" or "Try the demo data" first.');
  let text = typeof arg === 'string' ? arg : undefined;
  if (text === undefined) {
    const clip = (await vscode.env.clipboard.readText()).trim();
    text = await vscode.window.showInputBox({
      title: 'Go to Resource',
      prompt: 'A volume or snapshot id, or its HomePort, Horizon, Waldur API or Cinder API URL',
      value: clip.length < 2000 && parseLocator(clip).located ? clip : '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? parseLocator(v).error : undefined),
    });
    if (text === undefined) return;
  }
  const parsed = parseLocator(text);
  if (!parsed.located) throw new Refusal(parsed.error);
  const located = parsed.located;
  // Connections on the pasted host first; all are asked at once.
  const order = [...connections].sort((a, b) => Number(connectionHost(b) === located.host) - Number(connectionHost(a) === located.host));
  const abort = new AbortController();
  const answers = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Looking for ${located.id} in ${order.length === 1 ? uiText(order[0]!.record.label, 60) : `${order.length} connections`}…`, cancellable: true }, (_p, cancel) => {
    cancel.onCancellationRequested(() => abort.abort());
    return Promise.allSettled(order.map((c) => lookIn(c, located, abort.signal)));
  });
  if (abort.signal.aborted) return;
  const found = answers.flatMap((a) => (a.status === 'fulfilled' && a.value ? [a.value] : []));
  const failed = answers.flatMap((a, i) => (a.status === 'rejected' ? [`${uiText(order[i]!.record.label, 60)}: ${describeError(a.reason)}`] : []));
  if (!found.length) {
    throw new Refusal(`No volume or snapshot ${located.id} in ${order.map((c) => uiText(c.record.label, 60)).join(', ')}${failed.length ? `; couldn't look in ${failed.join('; ')}` : ''}.`);
  }
  const hit = found[0]!;
  if (failed.length) ctx.log.warn(`[goto] ${located.id}: ${failed.join('; ')}`);
  const row = await rowOf(ctx, hit.ref, hit.resource);
  if (row) {
    await ctx.view.reveal(row, { select: true, focus: true, expand: false });
    return;
  }
  // A resource the tree has no row for (a project the account does not list): its panel.
  ctx.panels.show(hit.ref as ResourceRef & { kind: 'volume' | 'snapshot' }, plainText(hit.resource.name) || undefined);
}

const connectionHost = (c: Connection): string => hostOf(c.url ?? c.backend?.endpoint ?? '').toLowerCase();

/** The console address of a connection: its saved one, else asked once (prefilled with a guess) and saved. */
async function webBase(ctx: CommandContext, connection: Connection, ask: boolean): Promise<string | undefined> {
  if (connection.record.webUrl && !ask) return connection.record.webUrl;
  const kind = connection.record.descriptor.kind;
  if (kind === 'demo') throw new Refusal('The demo data has no web console to open.');
  const consoleName = kind === 'waldur' ? 'HomePort' : 'Horizon';
  const typed = await vscode.window.showInputBox({
    title: `${consoleName} address for ${uiText(connection.record.label, 60)}`,
    prompt: `Where ${consoleName} is for this connection (kept with it; change it with "Set Web Console Address…")`,
    value: connection.record.webUrl ?? guessWebUrl(kind, connection.url ?? connection.backend?.endpoint ?? '') ?? 'https://',
    ignoreFocusOut: true,
    validateInput: validateWebUrl,
  });
  if (typed === undefined || validateWebUrl(typed)) return undefined;
  const base = canonicalWebUrl(typed);
  await ctx.connections.setWebUrl(connection.id, base);
  return base;
}

/** Open in Browser: the resource's page in HomePort or Horizon (VS Code asks before opening an outside address). */
export async function openInBrowser(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await resourceRefOf(ctx, arg);
  if (!target) return;
  const { connection, backend } = connected(ctx, target.ref.connectionId);
  const base = await webBase(ctx, connection, false);
  if (!base) return;
  const resource = await read(ctx, target.ref);
  const page = await backend.webPageOf(target.ref.kind as 'volume' | 'snapshot', resource, base);
  ctx.log.info(`[browser] ${target.ref.kind} ${resource.id} → ${page}`);
  await vscode.env.openExternal(vscode.Uri.parse(page, true));
}

/** Set Web Console Address… on a connection row (or picked from the palette). */
export async function setWebUrl(ctx: CommandContext, arg?: unknown): Promise<void> {
  const node = arg as TreeNode | undefined;
  const id = node && typeof node === 'object' && node.kind === 'connection' ? node.connectionId : undefined;
  const connection = id ? ctx.connections.get(id) : ctx.connections.count === 1 ? ctx.connections.all()[0] : await pickConnection(ctx);
  if (!connection) return;
  const base = await webBase(ctx, connection, true);
  if (base) vscode.window.setStatusBarMessage(`$(globe) ${uiText(connection.record.label, 60)}: web console at ${uiText(base, 120)}`, 4000);
}

async function pickConnection(ctx: CommandContext): Promise<Connection | undefined> {
  const picked = await vscode.window.showQuickPick(ctx.connections.all().filter((c) => c.record.descriptor.kind !== 'demo').map((c) => ({ label: uiText(c.record.label, 80), description: uiText(c.record.webUrl ?? '', 120), c })), { title: 'Set Web Console Address…', placeHolder: 'Which connection' });
  return picked?.c;
}

/** Copy as…: the openstack CLI, curl (the token as a shell variable, never itself) or Terraform, for the row's resource. */
export async function copyAsCommand(ctx: CommandContext, arg?: unknown): Promise<void> {
  const target = await resourceRefOf(ctx, arg);
  if (!target) return;
  const kind = target.ref.kind as CopyKind;
  const { backend } = connected(ctx, target.ref.connectionId);
  const picked = await vscode.window.showQuickPick(COPY_FORMATS.filter((f) => f.kinds.includes(kind)).map((f) => ({ label: f.label, detail: f.detail, format: f.format })), {
    title: `Copy ${kind} as…`, placeHolder: 'What to copy',
  });
  if (!picked) return;
  const resource = await read(ctx, target.ref);
  const { target: where, options } = await backend.copyTarget(kind, resource);
  const text = copyAs(picked.format, kind, resource, where, options);
  await vscode.env.clipboard.writeText(text);
  const tokenNote = picked.format === 'curl' ? (where.kind === 'waldur' ? ' — set WALDUR_TOKEN first' : ' — set OS_TOKEN first (openstack token issue)') : '';
  vscode.window.setStatusBarMessage(`$(clippy) Copied: ${picked.label}${tokenNote}`, 6000);
}

/** A finding of the Insights view → its row in the Volumes view (parents opened), selected. */
export async function revealFinding(ctx: CommandContext, arg?: unknown): Promise<void> {
  const node = arg as InsightNode | undefined;
  if (!node || typeof node !== 'object' || node.kind !== 'finding') return;
  const row = await rowOf(ctx, node.ref, node.finding.resource);
  if (!row) {
    ctx.panels.show(node.ref as ResourceRef & { kind: 'volume' | 'snapshot' }, plainText(node.finding.resource.name) || undefined);
    return;
  }
  await ctx.view.reveal(row, { select: true, focus: true, expand: false });
}
