import * as vscode from 'vscode';
import { ApiError, describeError } from '../api/errors';
import { uiText } from '../util/escape';
import { canonicalApiUrl, normalizeToken, validateApiUrl, validateToken } from '../util/url';
import type { CommandContext } from './registry';

/**
 * "Connect to Waldur…": asks the API URL and a token, checks them with `GET /api/users/me/`,
 * and only then stores the token (SecretStorage). Cancelling or a failed check stores nothing.
 */
export async function connect(ctx: CommandContext): Promise<void> {
  const previous = ctx.connections.connection;
  const input = await vscode.window.showInputBox({
    title: 'Connect to Waldur (1/2)',
    prompt: 'Waldur API URL',
    placeHolder: 'https://waldur.example.com/api/',
    value: previous && !previous.demo ? `${previous.url}/api/` : undefined,
    ignoreFocusOut: true,
    validateInput: validateApiUrl,
  });
  if (input === undefined || validateApiUrl(input)) return;
  const url = canonicalApiUrl(input);

  const rawToken = await vscode.window.showInputBox({
    title: 'Connect to Waldur (2/2)',
    prompt: `API token for ${new URL(url).host}. It is kept in VS Code's secret storage only.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: validateToken,
  });
  if (rawToken === undefined || validateToken(rawToken)) return;
  const token = normalizeToken(rawToken);

  const backend = ctx.connections.createBackend(url, token);
  try {
    const identity = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking the token with ${new URL(url).host}…`, cancellable: true },
      (_progress, cancel) => {
        const abort = new AbortController();
        cancel.onCancellationRequested(() => abort.abort());
        return backend.whoAmI(abort.signal);
      },
    );
    await ctx.connections.save(url, token, backend, identity);
    void vscode.window.showInformationMessage(`Connected to ${new URL(url).host} as ${uiText(identity.fullName || identity.username, 100)}.`);
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'cancelled') return;
    const reason = err instanceof ApiError && err.isUnauthorized
      ? `${new URL(url).host} did not accept the token (HTTP 401). Nothing was saved.`
      : `Could not connect to ${new URL(url).host}: ${describeError(err)}. Nothing was saved.`;
    ctx.log.warn(`[connect] ${reason}`);
    const choice = await vscode.window.showErrorMessage(uiText(reason, 1000), 'Try Again');
    if (choice === 'Try Again') await vscode.commands.executeCommand('volumeExplorer.connect');
  }
}

export async function disconnect(ctx: CommandContext): Promise<void> {
  const c = ctx.connections.connection;
  if (!c) return;
  await ctx.connections.disconnect();
  void vscode.window.showInformationMessage(c.demo ? 'Demo data closed.' : `Disconnected from ${new URL(c.url).host}; the token was removed.`);
}

/** "Try the demo data": starts the embedded Waldur-compatible server and connects to it. */
export async function tryDemo(ctx: CommandContext): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting the demo Waldur…' }, () => ctx.connections.startDemo());
}
