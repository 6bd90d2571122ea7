import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import { rawDocument, type RawKind } from '../core/raw';
import type { ConnectionManager } from '../connections/manager';
import type { RefreshManager } from '../tree/refresh';
import { plainText } from '../util/escape';

export const RAW_SCHEME = 'volume-explorer';

export interface RawRef {
  connectionId: string;
  kind: RawKind;
  id: string;
}

/** A file name from API text: one line, no path separators or characters file systems refuse. */
function fileName(name: string, fallback: string): string {
  const clean = plainText(name, 80).replace(/[\\/:*?"<>|\ufffd]+/g, '_').replace(/^\.+/, '').trim();
  return clean || fallback;
}

/** `volume-explorer:/<connection>/volumes/<name>.json?…` — the tab reads `<name>.json`, the breadcrumbs the connection and kind. */
export function rawUri(r: RawRef, name: string, connectionLabel: string): vscode.Uri {
  const query = new URLSearchParams({ connection: r.connectionId, kind: r.kind, id: r.id }).toString();
  return vscode.Uri.from({ scheme: RAW_SCHEME, path: `/${fileName(connectionLabel, 'connection')}/${r.kind}s/${fileName(name, r.id)}.json`, query });
}

export function refOfUri(uri: vscode.Uri): RawRef | undefined {
  const q = new URLSearchParams(uri.query);
  const kind = q.get('kind');
  const connectionId = q.get('connection');
  const id = q.get('id');
  if (!connectionId || !id || (kind !== 'volume' && kind !== 'snapshot' && kind !== 'instance')) return undefined;
  return { connectionId, kind, id };
}

/**
 * Open as JSON: read-only documents with a resource exactly as the API returns it (secrets taken
 * out). A document re-reads when its resource changes (a job's read, an edit, a refresh); VS
 * Code asks again only while it is open.
 */
export class RawDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly connections: ConnectionManager, refresh: RefreshManager) {
    this.subscriptions.push(
      refresh.onDidChangeResource((e) => this.touch((r) => r.connectionId === e.ref.connectionId && r.kind === e.ref.kind && r.id === e.ref.id)),
      refresh.onDidReload((connectionId) => this.touch((r) => !connectionId || r.connectionId === connectionId)),
      connections.onDidChange((c) => this.touch((r) => !c || r.connectionId === c.id)),
    );
  }

  /** Re-reads the open documents `matches` accepts, once per 500 ms at most. */
  private touch(matches: (r: RawRef) => boolean): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== RAW_SCHEME) continue;
      const r = refOfUri(doc.uri);
      if (!r || !matches(r)) continue;
      const key = doc.uri.toString();
      if (this.pending.has(key)) continue;
      this.pending.set(key, setTimeout(() => {
        this.pending.delete(key);
        this.changed.fire(doc.uri);
      }, 500));
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const r = refOfUri(uri);
    if (!r) return '// Volume Explorer: this document names no resource.\n';
    const c = this.connections.get(r.connectionId);
    if (!c?.backend) return `// Volume Explorer: ${c ? `${plainText(c.record.label, 80)} is not connected` : 'its connection was removed'}; reconnect, and the document reads again.\n`;
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return rawDocument(await c.backend.raw(r.kind, r.id, abort.signal));
    } catch (err) {
      return `// Volume Explorer couldn't read this ${r.kind}: ${plainText(describeError(err), 2000)}\n`;
    } finally {
      sub.dispose();
    }
  }

  dispose(): void {
    this.pending.forEach((t) => clearTimeout(t));
    this.changed.dispose();
    this.subscriptions.forEach((d) => d.dispose());
  }
}
