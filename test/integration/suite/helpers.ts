import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VolumeExplorerApi } from '../../../src/extension';
import type { Sandbox, SandboxOptions } from '../../../src/sandbox';
import type { TreeNode, VolumeNode } from '../../../src/tree/nodes';

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

/** Connects through the real "Connect to Waldur…" command, answering its two prompts. */
export async function connectTo(sandbox: Sandbox): Promise<void> {
  const ui = new ScriptedUi();
  try {
    ui.inputs.push(`${sandbox.url}/api/`, sandbox.token);
    await vscode.commands.executeCommand('volumeExplorer.connect');
  } finally {
    ui.dispose();
  }
}

type Answer = string | undefined | ((items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined);

/**
 * Scripted answers for the prompts a command shows, in order: input boxes, quick picks and
 * modal confirmations, as a person would answer them. Records every prompt and message shown.
 */
export class ScriptedUi implements vscode.Disposable {
  readonly inputs: Answer[] = [];
  readonly picks: Answer[] = [];
  readonly confirms: Array<string | undefined> = [];
  readonly shown: { info: string[]; warning: string[]; error: string[]; prompts: string[] } = { info: [], warning: [], error: [], prompts: [] };
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
      const value = typeof answer === 'function' ? undefined : answer;
      const problem = value !== undefined && options?.validateInput ? await options.validateInput(value) : undefined;
      if (problem) {
        this.shown.prompts.push(`invalid: ${typeof problem === 'string' ? problem : problem.message}`);
        return undefined; // the person would see the message and give up
      }
      return value;
    };
    w.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
      const list = await items;
      this.shown.prompts.push(`${options?.title ?? ''}: ${list.map((i) => i.label).join(' | ')}`);
      if (!this.picks.length) throw new Error(`Unexpected quick pick: ${options?.title}`);
      const answer = this.picks.shift();
      return typeof answer === 'function' ? answer(list) : list.find((i) => i.label === answer);
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

/** The rows of a project, loaded through the tree as expanding it would. */
export async function projectRows(api: VolumeExplorerApi, sandbox: Sandbox, projectId: string): Promise<TreeNode[]> {
  const p = sandbox.store.projects.find((x) => x.uuid === projectId)!;
  const org = (await children(api)).find((n) => n.kind === 'organization' && n.organization.id === p.customer_uuid)!;
  const project = (await children(api, org)).find((n) => n.kind === 'project' && n.project.id === projectId)!;
  return children(api, project);
}

/** A volume's row, loaded down through organization and project. */
export async function volumeRow(api: VolumeExplorerApi, sandbox: Sandbox, id: string): Promise<VolumeNode> {
  const v = sandbox.store.volumes.find((x) => x.uuid === id)!;
  const node = (await projectRows(api, sandbox, v.project_uuid)).find((n) => n.kind === 'volume' && n.volume.id === id);
  if (!node) throw new Error(`volume ${v.name} is not in the tree`);
  return node as VolumeNode;
}

/** Waits until no job runs (the status-bar item is gone). */
export async function jobsDone(api: VolumeExplorerApi): Promise<void> {
  await eventually(() => api.context.jobs?.statusBarText === undefined, 'jobs to finish', 30_000);
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
