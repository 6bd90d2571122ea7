/**
 * A small stand-in for the `vscode` module, so thin VS Code layers (src/jobs/ui.ts) run in plain
 * Node. Import this file before the module under test: it makes `require('vscode')` return the
 * stub and records what the code under test asked VS Code to do.
 */
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export interface Message {
  severity: 'info' | 'error' | 'warning';
  text: string;
  buttons: string[];
}

/** What the code under test did; reset with {@link resetRecorder}. */
export const recorder = {
  messages: [] as Message[],
  /** Answer to the next message (a button label), or undefined. */
  answer: undefined as string | undefined,
  executed: [] as Array<{ command: string; args: unknown[] }>,
  registered: new Map<string, (...args: unknown[]) => unknown>(),
  progress: [] as Array<{ title?: string; done: boolean }>,
  statusItems: [] as StatusBarItem[],
  config: new Map<string, unknown>(),
};

export function resetRecorder(): void {
  recorder.messages.length = 0;
  recorder.answer = undefined;
  recorder.executed.length = 0;
  recorder.registered.clear();
  recorder.progress.length = 0;
  recorder.statusItems.length = 0;
  recorder.config.clear();
}

class StatusBarItem {
  text = '';
  tooltip: unknown;
  name = '';
  command: unknown;
  visible = false;
  constructor(readonly id: string) {}
  show(): void { this.visible = true; }
  hide(): void { this.visible = false; }
  dispose(): void { this.visible = false; }
}

const message = (severity: Message['severity']) => async (text: string, ...buttons: string[]) => {
  recorder.messages.push({ severity, text, buttons });
  const answer = recorder.answer;
  recorder.answer = undefined;
  return answer && buttons.includes(answer) ? answer : undefined;
};

class ThemeIcon { constructor(readonly id: string, readonly color?: unknown) {} }
class ThemeColor { constructor(readonly id: string) {} }
class MarkdownString { isTrusted = false; supportHtml = false; constructor(readonly value = '') {} }
class TreeItem { [k: string]: unknown; constructor(readonly label: string, readonly collapsibleState?: number) {} }

export const vscodeStub = {
  EventEmitter,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  window: {
    showInformationMessage: message('info'),
    showErrorMessage: message('error'),
    showWarningMessage: message('warning'),
    createStatusBarItem: (id: string) => {
      const item = new StatusBarItem(id);
      recorder.statusItems.push(item);
      return item;
    },
    withProgress: async (options: { title?: string }, task: () => Promise<unknown>) => {
      const entry = { title: options.title, done: false };
      recorder.progress.push(entry);
      try {
        return await task();
      } finally {
        entry.done = true;
      }
    },
  },
  commands: {
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
      recorder.registered.set(id, fn);
      return { dispose: () => recorder.registered.delete(id) };
    },
    executeCommand: async (command: string, ...args: unknown[]) => {
      recorder.executed.push({ command, args });
      return undefined;
    },
    getCommands: async () => [...recorder.registered.keys(), 'volumeExplorer.showDetails'],
  },
  workspace: {
    getConfiguration: () => ({
      get: <T>(key: string, fallback: T): T => (recorder.config.has(key) ? (recorder.config.get(key) as T) : fallback),
    }),
  },
};

const STUB_ID = '\0vscode-stub';
const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
const resolve = mod._resolveFilename;
mod._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? STUB_ID : resolve.call(this, request, ...rest);
};
mod._cache[STUB_ID] = { id: STUB_ID, filename: STUB_ID, loaded: true, exports: vscodeStub };
