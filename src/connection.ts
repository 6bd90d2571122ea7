import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Backend } from './backend/types';
import { WaldurBackend } from './backend/waldur';
import type { Identity } from './model/types';
import { plainText } from './util/escape';

const URL_KEY = 'volumeExplorer.url';
const tokenKey = (url: string): string => `volumeExplorer.token:${url}`;

export interface Connection {
  backend: Backend;
  url: string;
  identity?: Identity;
  /** Set when connected to the embedded demo server, which stops on disconnect. */
  demo?: { close(): Promise<void> };
}

/** The embedded sandbox module (dist/sandbox.js), loaded only when the demo is asked for. */
interface SandboxModule {
  startSandbox(options: { port?: number; transitionMs?: number }): Promise<{ url: string; token: string; close(): Promise<void> }>;
}

/**
 * Who we are connected to. The token lives in SecretStorage only; the URL (not a secret) in
 * global state. The `volumeExplorer.connected` context key drives the welcome view.
 */
export class ConnectionManager implements vscode.Disposable {
  private current: Connection | undefined;
  private readonly changed = new vscode.EventEmitter<Connection | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get connection(): Connection | undefined {
    return this.current;
  }

  /** Builds a backend with the user's settings. */
  createBackend(url: string, token: string): WaldurBackend {
    const timeoutSeconds = vscode.workspace.getConfiguration('volumeExplorer').get<number>('requestTimeoutSeconds', 30);
    return new WaldurBackend({
      baseUrl: url,
      token,
      timeoutMs: Math.max(1, timeoutSeconds) * 1000,
      userAgent: `volume-explorer/${this.context.extension.packageJSON.version} vscode/${vscode.version}`,
      onRequestDone: ({ method, url: where, status, ms }) => this.log.debug(`[api] ${method} ${where} → ${status} in ${ms} ms`),
    });
  }

  /** Restores the saved connection at start-up; who we are is read in the background. */
  async restore(): Promise<void> {
    const url = this.context.globalState.get<string>(URL_KEY);
    const token = url ? await this.context.secrets.get(tokenKey(url)) : undefined;
    if (url && token) {
      await this.set({ backend: this.createBackend(url, token), url });
      // Who we are is shown in the view; a failure here surfaces in the tree instead.
      this.current?.backend.whoAmI().then((identity) => {
        if (this.current?.url === url) {
          this.current.identity = identity;
          void vscode.commands.executeCommand('setContext', 'volumeExplorer.isStaff', identity.isStaff);
          this.changed.fire(this.current);
        }
      }, (err: unknown) => this.log.warn(`[connection] could not read the current user: ${String(err)}`));
    } else {
      await this.set(undefined);
    }
  }

  /** Saves a verified connection (token to SecretStorage). */
  async save(url: string, token: string, backend: Backend, identity: Identity): Promise<void> {
    await this.dropDemo();
    // One saved connection: the token of a server we switch away from is not kept.
    const previous = this.context.globalState.get<string>(URL_KEY);
    if (previous && previous !== url) await this.context.secrets.delete(tokenKey(previous));
    await this.context.secrets.store(tokenKey(url), token);
    await this.context.globalState.update(URL_KEY, url);
    await this.set({ backend, url, identity });
  }

  /** Starts the embedded demo server and connects to it (nothing is saved). A second click while it starts reuses the first. */
  startDemo(): Promise<Connection> {
    this.demoStarting ??= this.doStartDemo().finally(() => {
      this.demoStarting = undefined;
    });
    return this.demoStarting;
  }
  private demoStarting: Promise<Connection> | undefined;

  private async doStartDemo(): Promise<Connection> {
    await this.dropDemo();
    const modulePath = path.join(this.context.extensionPath, 'dist', 'sandbox.js');
    // A runtime require keeps the server out of the extension bundle until it is asked for.
    const sandbox = (require(modulePath) as SandboxModule);
    const seconds = vscode.workspace.getConfiguration('volumeExplorer').get<number>('demo.transitionSeconds', 2);
    const server = await sandbox.startSandbox({ port: 0, transitionMs: Math.max(0, seconds) * 1000 });
    this.log.info(`[demo] sandbox started at ${server.url}`);
    try {
      const backend = this.createBackend(server.url, server.token);
      const identity = await backend.whoAmI();
      await this.set({ backend, url: server.url, identity, demo: server });
      return this.current!;
    } catch (err) {
      await server.close();
      throw err;
    }
  }

  /** Forgets the token and URL (and stops the demo server). */
  async disconnect(): Promise<void> {
    const url = this.current?.url ?? this.context.globalState.get<string>(URL_KEY);
    if (url && !this.current?.demo) await this.context.secrets.delete(tokenKey(url));
    if (!this.current?.demo) await this.context.globalState.update(URL_KEY, undefined);
    await this.dropDemo();
    await this.set(undefined);
  }

  private async dropDemo(): Promise<void> {
    const demo = this.current?.demo;
    if (demo) {
      this.current = undefined;
      await demo.close().catch((err: unknown) => this.log.warn(`[demo] stop failed: ${String(err)}`));
      this.log.info('[demo] sandbox stopped');
    }
  }

  private async set(connection: Connection | undefined): Promise<void> {
    this.current = connection;
    await vscode.commands.executeCommand('setContext', 'volumeExplorer.connected', Boolean(connection));
    // Unlink is staff-only; its menus read this key.
    await vscode.commands.executeCommand('setContext', 'volumeExplorer.isStaff', connection?.identity?.isStaff ?? false);
    this.changed.fire(connection);
  }

  /** One line for the view: `alice @ waldur.example.com` / `alice @ 127.0.0.1:PORT (demo data)`. */
  describe(): string | undefined {
    const c = this.current;
    if (!c) return undefined;
    const host = safeHost(c.url);
    const who = plainText(c.identity?.username, 80) || '…';
    return `${who} @ ${host}${c.demo ? ' (demo data)' : ''}`;
  }

  dispose(): void {
    void this.dropDemo();
    this.changed.dispose();
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
