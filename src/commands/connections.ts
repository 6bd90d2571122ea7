import * as vscode from 'vscode';
import { ApiError, Refusal, describeError } from '../core/errors';
import type { BackendDescriptor } from '../core/backend';
import type { Identity } from '../core/model';
import { createBackend } from '../backends/create';
import { findCloudsFiles, loadCloud, readClouds, type CloudConfig } from '../backends/openstack/clouds';
import { hostOf } from '../connections/store';
import { isConnectionId } from '../core/ref';
import type { Connection } from '../connections/manager';
import { connectionIdOf, type TreeNode } from '../tree/nodes';
import { hiddenCharacter, uiText } from '../util/escape';
import { canonicalApiUrl, normalizeToken, validateApiUrl, validateToken } from '../util/url';
import type { CommandContext } from './registry';

/** "Add Connection…": which kind of cloud. */
export async function addConnection(): Promise<void> {
  const picked = await vscode.window.showQuickPick([
    { label: '$(cloud) Waldur server', detail: 'An API URL and your API token (HomePort → your profile → API token)', command: 'volumeExplorer.connect' },
    { label: '$(server-environment) OpenStack cloud', detail: 'A cloud of your clouds.yaml (Keystone, Cinder and Nova directly)', command: 'volumeExplorer.connectOpenStack' },
    { label: '$(beaker) Demo data', detail: 'A built-in Waldur-compatible server with sample organizations, projects, volumes and snapshots', command: 'volumeExplorer.tryDemo' },
  ], { title: 'Add Connection', placeHolder: 'What to connect to' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

/** Asks for a token and checks it with the server; undefined when cancelled or refused (the reason shown). */
async function askToken(ctx: CommandContext, url: string, title: string, tryAgain: () => Thenable<unknown>): Promise<{ token: string; identity: Identity } | undefined> {
  const host = new URL(url).host;
  const rawToken = await vscode.window.showInputBox({
    title,
    prompt: `API token for ${host}: in HomePort, your profile (top right) → API token → copy. Kept in VS Code's secret storage only.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: validateToken,
  });
  if (rawToken === undefined || validateToken(rawToken)) return undefined;
  const token = normalizeToken(rawToken);
  const backend = await ctx.connections.createBackend(url, token);
  try {
    const identity = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking the token with ${host}…`, cancellable: true },
      (_progress, cancel) => {
        const abort = new AbortController();
        cancel.onCancellationRequested(() => abort.abort());
        return backend.whoAmI(abort.signal);
      },
    );
    return { token, identity };
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'cancelled') return undefined;
    const reason = err instanceof ApiError && err.isUnauthorized
      ? `${host} did not accept the token (HTTP 401). Nothing was saved.`
      : `Could not connect to ${host}: ${describeError(err)}. Nothing was saved.`;
    ctx.log.warn(`[connect] ${reason}`);
    const choice = await vscode.window.showErrorMessage(uiText(reason, 1000), 'Try Again');
    if (choice === 'Try Again') await tryAgain();
    return undefined;
  }
}

/**
 * "Connect to Waldur…": asks the API URL and a token, checks them with `GET /api/users/me/`,
 * and only then adds the connection (token in SecretStorage). Cancelling or a failed check
 * stores nothing.
 */
export async function connect(ctx: CommandContext): Promise<void> {
  const input = await vscode.window.showInputBox({
    title: 'Connect to Waldur (1/2)',
    prompt: 'Waldur API URL',
    placeHolder: 'https://waldur.example.com/api/',
    ignoreFocusOut: true,
    validateInput: validateApiUrl,
  });
  if (input === undefined || validateApiUrl(input)) return;
  const url = canonicalApiUrl(input);
  const checked = await askToken(ctx, url, 'Connect to Waldur (2/2)', () => vscode.commands.executeCommand('volumeExplorer.connect'));
  if (!checked) return;
  const c = await ctx.connections.addWaldur(url, checked.token, checked.identity);
  void vscode.window.showInformationMessage(`Connected to ${new URL(url).host} as ${uiText(checked.identity.fullName || checked.identity.username, 100)}${ctx.connections.count > 1 ? ` (${uiText(c.record.label, 60)})` : ''}.`);
}

const SECRET_PROMPTS: Record<NonNullable<CloudConfig['missingSecret']>, string> = {
  password: 'Password', application_credential_secret: 'Application credential secret', token: 'Token',
};

/**
 * Asks the secret clouds.yaml and secure.yaml do not hold (when they do, or `always` is false
 * and nothing is missing, asks nothing), then authenticates with Keystone and reads who we are.
 * Undefined when cancelled or refused (the reason shown; nothing saved).
 */
async function askCloudSecret(
  ctx: CommandContext, descriptor: Extract<BackendDescriptor, { kind: 'openstack' }>, cloud: CloudConfig, title: string, always = false,
): Promise<{ secret: string | undefined; identity: Identity } | undefined> {
  const missing = cloud.missingSecret ?? (always ? (cloud.authType === 'v3applicationcredential' ? 'application_credential_secret' : cloud.authType === 'token' ? 'token' : 'password') : undefined);
  let secret: string | undefined;
  if (missing) {
    const what = SECRET_PROMPTS[missing];
    const typed = await vscode.window.showInputBox({
      title, prompt: `${what} for ${uiText(cloud.auth.username ?? cloud.auth.application_credential_id ?? cloud.name, 80)} at ${hostOf(cloud.auth.auth_url)}. It is kept in VS Code's secret storage only.`,
      password: true, ignoreFocusOut: true, validateInput: (v) => (v ? undefined : `Enter the ${what.toLowerCase()}.`),
    });
    if (!typed) return undefined;
    secret = typed;
  }
  try {
    const identity = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Signing in to ${uiText(cloud.name, 60)} (${hostOf(cloud.auth.auth_url)})…` },
      async () => (await createBackend(descriptor, secret, ctx.connections.backendOptions())).whoAmI(),
    );
    return { secret, identity };
  } catch (err) {
    const reason = err instanceof ApiError && err.isUnauthorized
      ? `${uiText(cloud.name, 60)}: Keystone did not accept the credentials (HTTP 401). Nothing was saved.`
      : `Could not sign in to ${uiText(cloud.name, 60)}: ${describeError(err)}. Nothing was saved.`;
    ctx.log.warn(`[connect] ${reason}`);
    void vscode.window.showErrorMessage(uiText(reason, 1000));
    return undefined;
  }
}

/**
 * "Add Connection → OpenStack cloud": the clouds of clouds.yaml (+ secure.yaml) from the standard
 * places in their standard order; the chosen one is signed in to before it is saved.
 */
export async function connectOpenStack(ctx: CommandContext): Promise<void> {
  const files = await findCloudsFiles();
  if (!files.clouds) {
    throw new Refusal('No clouds.yaml found. Looked at $OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/clouds.yaml and /etc/openstack/clouds.yaml.');
  }
  const doc = await readClouds(files);
  if (!doc.clouds.length) throw new Refusal(`${files.clouds} lists no clouds.`);
  const picked = await vscode.window.showQuickPick(doc.clouds.map((name) => ({
    label: uiText(name, 80), description: name === doc.defaultCloud ? '$OS_CLOUD' : undefined, name,
  })), { title: 'Add OpenStack Cloud', placeHolder: `Clouds of ${files.clouds}` });
  if (!picked) return;
  const cloud = await loadCloud(picked.name, files);
  warnAbout(cloud);
  // The file is kept with the connection: after a reload the same clouds.yaml is read, whatever the working directory.
  const descriptor = { kind: 'openstack' as const, cloud: picked.name, cloudsYaml: files.clouds };
  const checked = await askCloudSecret(ctx, descriptor, cloud, `Add ${uiText(cloud.name, 60)}`);
  if (!checked) return;
  const c = await ctx.connections.addOpenStack(descriptor, checked.secret, checked.identity);
  void vscode.window.showInformationMessage(`Connected to ${uiText(c.record.label, 60)} as ${uiText(checked.identity.username, 100)}.`);
}

/** "Try the demo data": starts the embedded Waldur-compatible server and adds it as a connection. */
export async function tryDemo(ctx: CommandContext): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting the demo Waldur…' }, () => ctx.connections.startDemo());
}

/**
 * The connection a command is about: its root row (or any row of it), `{ connectionId }`, or —
 * from the palette — the only one, or one picked.
 */
export async function connectionOf(ctx: CommandContext, arg: unknown, title: string, allowAll = false): Promise<Connection | 'all' | undefined> {
  const node = arg as TreeNode | undefined;
  let id: string | undefined;
  if (node && typeof node === 'object' && 'kind' in node && 'id' in node) id = connectionIdOf(node);
  else if (arg && typeof arg === 'object' && isConnectionId((arg as { connectionId?: unknown }).connectionId)) id = (arg as { connectionId: string }).connectionId;
  if (id) {
    const c = ctx.connections.get(id);
    if (!c) throw new Refusal('That connection was removed.');
    return c;
  }
  const all = ctx.connections.all();
  if (!all.length) throw new Refusal('There is no connection yet. Use "Add Connection…" first.');
  if (all.length === 1) return all[0];
  type Item = vscode.QuickPickItem & { connection?: Connection };
  const items: Item[] = all.map((c) => ({ label: uiText(c.record.label, 80), description: uiText(ctx.connections.describe(c), 120), connection: c }));
  if (allowAll) items.push({ label: 'All connections', description: `${all.length} connections` });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Which connection' });
  if (!picked) return undefined;
  return picked.connection ?? 'all';
}

/** Disconnect: the connection is removed, its token deleted, its panels closed and its jobs stopped. */
export async function disconnect(ctx: CommandContext, arg?: unknown): Promise<void> {
  const c = await connectionOf(ctx, arg, 'Disconnect', true);
  if (!c) return;
  if (c === 'all') {
    const n = ctx.connections.count;
    await ctx.connections.removeAll();
    void vscode.window.showInformationMessage(`Disconnected ${n} connections; their tokens were removed.`);
    return;
  }
  await ctx.connections.remove(c.id);
  void vscode.window.showInformationMessage(c.record.descriptor.kind === 'demo' ? 'Demo data closed.' : `Disconnected from ${uiText(c.record.label, 80)}; the token was removed.`);
}

/** Reconnect: a new token for the same server (the demo restarts). */
/** What clouds.yaml asks that is unsafe or ignored (`verify: false`, vendor profiles…), each said once per connect. */
function warnAbout(cloud: { name: string; warnings: readonly string[] }): void {
  for (const warning of cloud.warnings) void vscode.window.showWarningMessage(uiText(`${cloud.name}: ${warning}`, 500));
}

export async function reconnect(ctx: CommandContext, arg?: unknown): Promise<void> {
  const c = await connectionOf(ctx, arg, 'Reconnect');
  if (!c || c === 'all') return;
  const d = c.record.descriptor;
  if (d.kind === 'demo') {
    await ctx.connections.restartDemo(c.id);
    return;
  }
  if (d.kind === 'openstack') {
    const found = await findCloudsFiles();
    const files = d.cloudsYaml ? { clouds: d.cloudsYaml, secure: found.secure } : found;
    const cloud = await loadCloud(d.cloud, files);
    warnAbout(cloud);
    const stored = await ctx.connections.store.secret(c.id);
    if (!cloud.missingSecret && !stored) {
      // The files hold the secret (perhaps changed there): open the connection again with them.
      await ctx.connections.reopen(c.id);
      const again = ctx.connections.get(c.id);
      if (again?.state === 'ready' || again?.backend) void vscode.window.showInformationMessage(`Reconnected ${uiText(c.record.label, 80)}.`);
      return;
    }
    const asked = await askCloudSecret(ctx, d, cloud, `Reconnect ${uiText(c.record.label, 60)}`, true);
    if (!asked) return;
    await ctx.connections.reconnect(c.id, asked.secret ?? '', asked.identity);
    void vscode.window.showInformationMessage(`Reconnected ${uiText(c.record.label, 80)} as ${uiText(asked.identity.username, 100)}.`);
    return;
  }
  // Try Again asks for this connection's token again, never for a new connection.
  const checked = await askToken(ctx, d.url, `Reconnect ${uiText(c.record.label, 60)}`, () => vscode.commands.executeCommand('volumeExplorer.reconnect', { connectionId: c.id }));
  if (!checked) return;
  await ctx.connections.reconnect(c.id, checked.token, checked.identity);
  void vscode.window.showInformationMessage(`Reconnected ${uiText(c.record.label, 80)} as ${uiText(checked.identity.fullName || checked.identity.username, 100)}.`);
}

/** Rename: the label of its root row, pickers, panels and jobs. */
export async function renameConnection(ctx: CommandContext, arg?: unknown): Promise<void> {
  const c = await connectionOf(ctx, arg, 'Rename Connection');
  if (!c || c === 'all') return;
  const validate = (v: string): string | undefined => {
    const t = v.trim();
    if (!t) return "The label can't be empty.";
    if (t.length > 80) return `At most 80 characters (this one has ${t.length}).`;
    const hidden = hiddenCharacter(t);
    if (hidden) return `The label contains ${hidden}; use one line of visible characters.`;
    if (ctx.connections.all().some((o) => o.id !== c.id && o.record.label === t)) return 'Another connection has that label.';
    return undefined;
  };
  const label = await vscode.window.showInputBox({ title: 'Rename Connection', prompt: 'Label of the connection', value: c.record.label, ignoreFocusOut: true, validateInput: validate });
  if (label === undefined || validate(label) || label.trim() === c.record.label) return;
  await ctx.connections.rename(c.id, label.trim());
}

/** Read-only: browse, inspect and copy only; no action is offered on its resources. */
export async function setReadOnly(ctx: CommandContext, arg?: unknown): Promise<void> {
  const c = await connectionOf(ctx, arg, 'Make Connection Read-Only');
  if (!c || c === 'all') return;
  await ctx.connections.setReadOnly(c.id, true);
  void vscode.window.showInformationMessage(`${uiText(c.record.label, 80)} is read-only: no action is offered on its resources.`);
}

export async function allowActions(ctx: CommandContext, arg?: unknown): Promise<void> {
  const c = await connectionOf(ctx, arg, 'Allow Actions on Connection');
  if (!c || c === 'all') return;
  await ctx.connections.setReadOnly(c.id, false);
}
