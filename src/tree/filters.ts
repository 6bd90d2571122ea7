import * as vscode from 'vscode';
import { describeFilter, isEmptyFilter, parseFilter, filterText, type VolumeFilter } from '../core/filter';

const STATE_KEY = 'volumeExplorer.filters';
/** The context key that shows "Clear Filter" in the view's title bar. */
export const FILTERED_CONTEXT = 'volumeExplorer.filtered';

/**
 * The volume filter of each connection, remembered per workspace (`workspaceState`): which
 * volumes a project row lists. Stored as typed text, read back through the same parser.
 */
export class TreeFilters implements vscode.Disposable {
  private readonly filters = new Map<string, VolumeFilter>();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the connection whose filter changed (undefined: several). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    const saved = state.get<Record<string, string>>(STATE_KEY) ?? {};
    for (const [id, text] of Object.entries(saved)) {
      const parsed = typeof text === 'string' ? parseFilter(text) : undefined;
      if (parsed?.filter && !isEmptyFilter(parsed.filter)) this.filters.set(id, parsed.filter);
    }
    void this.updateContext();
  }

  get(connectionId: string): VolumeFilter | undefined {
    return this.filters.get(connectionId);
  }

  /** Connections with a filter. */
  filtered(): string[] {
    return [...this.filters.keys()];
  }

  async set(connectionIds: readonly string[], filter: VolumeFilter | undefined): Promise<void> {
    for (const id of connectionIds) {
      if (!filter || isEmptyFilter(filter)) this.filters.delete(id);
      else this.filters.set(id, filter);
    }
    await this.state.update(STATE_KEY, Object.fromEntries([...this.filters].map(([id, f]) => [id, filterText(f)])));
    await this.updateContext();
    this.changed.fire(connectionIds.length === 1 ? connectionIds[0] : undefined);
  }

  /** A removed connection's filter goes with it. */
  async forget(connectionId: string): Promise<void> {
    if (this.filters.has(connectionId)) await this.set([connectionId], undefined);
  }

  describe(connectionId: string): string {
    return describeFilter(this.filters.get(connectionId));
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', FILTERED_CONTEXT, this.filters.size > 0);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
