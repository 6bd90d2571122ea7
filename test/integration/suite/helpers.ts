import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection } from '../../../src/connections/manager';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox, SandboxOptions } from '../../../src/sandbox';
import type { ConnectionNode, ScopeNode, TreeNode, VolumeNode } from '../../../src/tree/nodes';

export const EXTENSION_ID = 'volume-explorer.volume-explorer';

export async function extensionApi(): Promise<VolumeExplorerApi> {
  const ext = vscode.extensions.getExtension<VolumeExplorerApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext.activate();
}

/** Starts the same sandbox the extension embeds for its demo (dist/sandbox.js). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(ext.extensionPath, 'dist', 'sandbox.js')) as typeof import('../../../src/sandbox');
  return mod.startSandbox({ transitionMs: 150, ...options });
}

/**
 * Connects through the real "Connect to Waldur…" command, answering its two prompts; returns
 * the connection it added (each connect adds one).
 */
export async function connectTo(api: VolumeExplorerApi, sandbox: Sandbox, token = sandbox.token): Promise<Connection> {
  const before = new Set(api.context.connections.all().map((c) => c.id));
  const ui = new ScriptedUi();
  try {
    ui.inputs.push(`${sandbox.url}/api/`, token);
    await vscode.commands.executeCommand('volumeExplorer.connect');
  } finally {
    ui.dispose();
  }
  const added = api.context.connections.all().filter((c) => !before.has(c.id));
  assert.equal(added.length, 1, `connecting to ${sandbox.url} adds one connection (errors: ${ui.shown.error.join(' | ')})`);
  assert.equal(added[0]!.url, sandbox.url);
  return added[0]!;
}

/** Removes every connection without prompting (the command asks which when there are several). */
export async function removeAllConnections(api: VolumeExplorerApi): Promise<void> {
  await api.context.connections.removeAll();
}

type Answer = string | undefined | ((items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined);
/** An input box's answer: text, undefined (Escape), or a function of the prefilled value (`(v) => v` accepts it). */
type InputAnswer = string | undefined | ((prefilled: string | undefined) => string | undefined);

/**
 * Scripted answers for the prompts a command shows, in order: input boxes, quick picks and
 * modal confirmations, as a person would answer them. Records every prompt and message shown.
 */
export class ScriptedUi implements vscode.Disposable {
  readonly inputs: InputAnswer[] = [];
  readonly picks: Answer[] = [];
  readonly confirms: Array<string | undefined> = [];
  readonly shown: { info: string[]; warning: string[]; error: string[]; prompts: string[] } = { info: [], warning: [], error: [], prompts: [] };
  /** The items of every quick pick shown, in order (separators included). */
  readonly pickLists: Array<readonly vscode.QuickPickItem[]> = [];
  private readonly saved: Partial<typeof vscode.window> = {};

  constructor() {
    const w = vscode.window as unknown as Record<string, unknown>;
    for (const k of ['showInputBox', 'showQuickPick', 'showWarningMessage', 'showInformationMessage', 'showErrorMessage'] as const) {
      (this.saved as Record<string, unknown>)[k] = w[k];
    }
    w.showInputBox = async (options?: vscode.InputBoxOptions) => {
      this.shown.prompts.push(`${options?.title ?? ''} ${options?.prompt ?? ''}`.trim());
      if (!this.inputs.length) throw new Error(`Unexpected input box: ${options?.title} ${options?.prompt}`);
      const answer = this.inputs.shift();
      // A function answers from the prefilled value (e.g. `(v) => v` accepts it as offered).
      const value = typeof answer === 'function' ? answer(options?.value) : answer;
      const problem = value !== undefined && options?.validateInput ? await options.validateInput(value) : undefined;
      if (problem) {
        this.shown.prompts.push(`invalid: ${typeof problem === 'string' ? problem : problem.message}`);
        return undefined; // the person would see the message and give up
      }
      return value;
    };
    w.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
      const list = await items;
      this.pickLists.push(list);
      this.shown.prompts.push(`${options?.title ?? ''}: ${list.map((i) => i.label).join(' | ')}`);
      if (!this.picks.length) throw new Error(`Unexpected quick pick: ${options?.title}`);
      const answer = this.picks.shift();
      return typeof answer === 'function' ? answer(list) : list.find((i) => i.label === answer && i.kind !== vscode.QuickPickItemKind.Separator);
    };
    const message = (kind: 'info' | 'warning' | 'error') => async (text: string, ...rest: unknown[]) => {
      this.shown[kind].push(text);
      const modal = typeof rest[0] === 'object' && rest[0] !== null && (rest[0] as vscode.MessageOptions).modal;
      if (modal) return this.confirms.shift();
      return undefined;
    };
    w.showWarningMessage = message('warning');
    w.showInformationMessage = message('info');
    w.showErrorMessage = message('error');
  }

  dispose(): void {
    Object.assign(vscode.window as unknown as Record<string, unknown>, this.saved);
  }
}

/** Label and description of a node's row, as VS Code shows it. */
export function row(api: VolumeExplorerApi, node: TreeNode): { label: string; description: string; contextValue: string; icon: string } {
  const item = api.context.tree.getTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
  return { label, description: String(item.description ?? ''), contextValue: item.contextValue ?? '', icon: (item.iconPath as vscode.ThemeIcon | undefined)?.id ?? '' };
}

export async function children(api: VolumeExplorerApi, node?: TreeNode): Promise<TreeNode[]> {
  return api.context.tree.getChildren(node);
}

/** The root row of a connection; fails when the tree shows no root rows (one connection). */
export async function rootRow(api: VolumeExplorerApi, connectionId: string): Promise<ConnectionNode> {
  const top = await children(api);
  const root = top.find((n): n is ConnectionNode => n.kind === 'connection' && n.connectionId === connectionId);
  assert.ok(root, `a root row for connection ${connectionId} among ${top.map((n) => n.id).join(', ')}`);
  return root;
}

/**
 * The organization rows of a connection: the top rows with one connection (no root row), the
 * children of its root row with several. `connectionId` is needed only with several.
 */
export async function organizations(api: VolumeExplorerApi, connectionId?: string): Promise<ScopeNode[]> {
  const top = await children(api);
  const list = top.some((n) => n.kind === 'connection')
    ? await children(api, await rootRow(api, connectionId ?? assert.fail('several connections: say which')))
    : top;
  assert.ok(list.every((n) => n.kind === 'scope' && n.scope.kind === 'organization'), `organization rows: ${list.map((n) => n.id).join(', ')}`);
  if (connectionId) assert.ok(list.every((n) => n.kind === 'scope' && n.ref.connectionId === connectionId), 'rows of that connection');
  return list as ScopeNode[];
}

/** The project row of `projectId` (seeded in `sandbox`), loaded through the tree as expanding it would. */
export async function projectRow(api: VolumeExplorerApi, sandbox: Sandbox, projectId: string, connectionId?: string): Promise<ScopeNode> {
  const p = sandbox.store.projects.find((x) => x.uuid === projectId);
  assert.ok(p, `the sandbox has project ${projectId}`);
  const org = (await organizations(api, connectionId)).find((n) => n.scope.id === p.customer_uuid);
  assert.ok(org, `organization ${p.customer_name} is in the tree`);
  const project = (await children(api, org)).find((n): n is ScopeNode => n.kind === 'scope' && n.scope.kind === 'project' && n.scope.id === projectId);
  assert.ok(project, `project ${p.name} is in the tree`);
  return project;
}

/** The rows of a project, loaded through the tree as expanding it would. */
export async function projectRows(api: VolumeExplorerApi, sandbox: Sandbox, projectId: string, connectionId?: string): Promise<TreeNode[]> {
  return children(api, await projectRow(api, sandbox, projectId, connectionId));
}

/** A volume's row, loaded down through organization and project. */
export async function volumeRow(api: VolumeExplorerApi, sandbox: Sandbox, id: string, connectionId?: string): Promise<VolumeNode> {
  const v = sandbox.store.volumes.find((x) => x.uuid === id);
  assert.ok(v, `the sandbox has volume ${id}`);
  const node = (await projectRows(api, sandbox, v.project_uuid, connectionId)).find((n): n is VolumeNode => n.kind === 'volume' && n.volume.id === id);
  assert.ok(node, `volume ${v.name} is in the tree`);
  return node;
}

/** Waits until no job runs (the status-bar item is gone). */
export async function jobsDone(api: VolumeExplorerApi, timeoutMs = 30_000): Promise<void> {
  await eventually(() => api.context.jobs.statusBarText === undefined, 'jobs to finish', timeoutMs);
}

/** Polls `check` until it returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Tabs of our detail panels, by title. */
export function panelTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('volumeExplorer.details'))
    .map((t) => t.label);
}
