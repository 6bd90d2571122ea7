import * as vscode from 'vscode';
import { childLevel, holdsVolumes } from '../core/capabilities';
import { describeError, describeForLog } from '../core/errors';
import { DEFAULT_INSIGHTS, describeTotal, findInsights, formatSize, type Finding, type FindingKind, type InsightSettings } from '../core/insights';
import { ref as makeRef, type ResourceRef } from '../core/ref';
import type { Backend } from '../core/backend';
import type { Scope } from '../core/model';
import type { Connection, ConnectionManager } from '../connections/manager';
import { escapeMarkdown, plainText } from '../util/escape';

/** Rows of the Insights view: a connection (when several), a project with findings, a finding, or a message. */
export type InsightNode =
  | { kind: 'connection'; id: string; connection: Connection }
  | { kind: 'project'; id: string; connectionId: string; scope: Scope; findings: Finding[] }
  | { kind: 'finding'; id: string; connectionId: string; finding: Finding; ref: ResourceRef }
  | { kind: 'message'; id: string; text: string; error?: boolean };

const KIND_ORDER: FindingKind[] = ['error', 'stuck', 'unattached', 'orphan-snapshot', 'expired-snapshot', 'old-snapshot'];
const ICONS: Record<FindingKind, { id: string; color?: string }> = {
  error: { id: 'error', color: 'errorForeground' },
  stuck: { id: 'watch', color: 'charts.yellow' },
  unattached: { id: 'debug-disconnect', color: 'charts.orange' },
  'orphan-snapshot': { id: 'device-camera', color: 'charts.orange' },
  'expired-snapshot': { id: 'history', color: 'charts.orange' },
  'old-snapshot': { id: 'history' },
};

export function insightSettings(): InsightSettings {
  const cfg = vscode.workspace.getConfiguration('volumeExplorer.insights');
  return {
    unattachedDays: Math.max(0, cfg.get<number>('unattachedDays', DEFAULT_INSIGHTS.unattachedDays)),
    snapshotAgeDays: Math.max(0, cfg.get<number>('snapshotAgeDays', DEFAULT_INSIGHTS.snapshotAgeDays)),
    stuckMinutes: Math.max(1, cfg.get<number>('stuckMinutes', DEFAULT_INSIGHTS.stuckMinutes)),
  };
}

/**
 * The Insights view: storage hygiene per connection and project, computed from the same lists
 * the tree reads (a project's volumes and snapshots, sparse fields; no request per resource).
 * It reads when shown and when the tree is refreshed — never on a timer of its own.
 */
export class InsightsProvider implements vscode.TreeDataProvider<InsightNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<InsightNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly cache = new Map<string, Promise<InsightNode[]>>();

  constructor(private readonly connections: ConnectionManager, private readonly log: vscode.LogOutputChannel, private readonly now: () => Date = () => new Date()) {}

  /** Everything is read again the next time the view shows it. */
  refresh(connectionId?: string): void {
    if (connectionId) {
      for (const key of [...this.cache.keys()]) if (key === connectionId || key.startsWith(`${connectionId}/`)) this.cache.delete(key);
    } else this.cache.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: InsightNode): vscode.TreeItem {
    switch (node.kind) {
      case 'connection': {
        const item = new vscode.TreeItem(plainText(node.connection.record.label, 80) || '(connection)', vscode.TreeItemCollapsibleState.Expanded);
        item.id = `insights/${node.id}`;
        item.iconPath = new vscode.ThemeIcon('plug');
        return item;
      }
      case 'project': {
        const item = new vscode.TreeItem(plainText(node.scope.name, 120) || node.scope.id, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `insights/${node.id}`;
        item.iconPath = new vscode.ThemeIcon('project');
        const total = node.findings.reduce((n, f) => n + f.sizeMiB, 0);
        item.description = `${node.findings.length} finding${node.findings.length === 1 ? '' : 's'} · ${formatSize(total)}`;
        const md = new vscode.MarkdownString(KIND_ORDER.filter((k) => node.findings.some((f) => f.kind === k)).map((k) => `- ${escapeMarkdown(describeTotal(node.findings, k))}`).join('\n'));
        md.isTrusted = false;
        md.supportHtml = false;
        item.tooltip = md;
        item.contextValue = `insightProject;deletable=${node.findings.some((f) => f.deletable)};`;
        return item;
      }
      case 'finding': {
        const f = node.finding;
        const item = new vscode.TreeItem(plainText(f.resource.name, 150) || `(unnamed ${f.resourceKind})`, vscode.TreeItemCollapsibleState.None);
        item.id = `insights/${node.id}`;
        item.description = `${plainText(f.reason, 120)} · ${formatSize(f.sizeMiB)}`;
        const icon = ICONS[f.kind];
        item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.tooltip = `${f.resourceKind === 'volume' ? 'Volume' : 'Snapshot'} ${plainText(f.resource.name, 150)}: ${plainText(f.reason, 200)}. Click to show it in the Volumes view.`;
        item.contextValue = `insightFinding;kind=${f.kind};deletable=${f.deletable};`;
        item.command = { command: 'volumeExplorer.revealFinding', title: 'Show in Volumes', arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = `insights/${node.id}`;
        item.iconPath = new vscode.ThemeIcon(node.error ? 'warning' : 'pass', node.error ? new vscode.ThemeColor('list.warningForeground') : undefined);
        return item;
      }
    }
  }

  getChildren(node?: InsightNode): Promise<InsightNode[]> | InsightNode[] {
    if (!node) {
      const all = this.connections.all().filter((c) => c.state !== 'connecting' || c.backend);
      if (!all.length) return [];
      if (all.length === 1) return this.projectsOf(all[0]!);
      return all.map((c) => ({ kind: 'connection' as const, id: c.id, connection: c }));
    }
    if (node.kind === 'connection') return this.projectsOf(node.connection);
    if (node.kind === 'project') {
      return [...node.findings]
        .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.sizeMiB - a.sizeMiB)
        .map((f) => {
          const r = makeRef(node.connectionId, f.resourceKind, f.resource.id);
          return { kind: 'finding' as const, id: `${node.id}/${f.kind}/${f.resource.id}`, connectionId: node.connectionId, finding: f, ref: r };
        });
    }
    return [];
  }

  /** Every finding of a connection (computed once, as the view shows them). */
  async findingsOf(connectionId: string): Promise<Array<{ connectionId: string; finding: Finding }>> {
    const c = this.connections.get(connectionId);
    if (!c) return [];
    const rows = await this.projectsOf(c);
    return rows.flatMap((r) => (r.kind === 'project' ? r.findings.map((finding) => ({ connectionId, finding })) : []));
  }

  private projectsOf(c: Connection): Promise<InsightNode[]> {
    let found = this.cache.get(c.id);
    if (!found) {
      found = this.load(c);
      this.cache.set(c.id, found);
    }
    return found;
  }

  private async load(c: Connection): Promise<InsightNode[]> {
    const backend = c.backend;
    if (!backend) return [{ kind: 'message', id: `${c.id}/offline`, text: `${plainText(c.record.label, 80)} is not connected${c.problem ? ` (${plainText(c.problem, 200)})` : ''}.`, error: true }];
    try {
      const projects = await projectScopes(backend);
      const settings = insightSettings();
      const now = this.now();
      const rows = await Promise.all(projects.map(async (scope): Promise<InsightNode | undefined> => {
        const [volumes, snapshots] = await Promise.all([backend.listVolumes(scope), backend.listSnapshots(undefined, undefined, scope)]);
        const findings = findInsights(volumes, snapshots, now, settings);
        return findings.length ? { kind: 'project', id: `${c.id}/${scope.id}`, connectionId: c.id, scope, findings } : undefined;
      }));
      const withFindings = rows.filter((r): r is InsightNode => !!r);
      return withFindings.length ? withFindings : [{ kind: 'message', id: `${c.id}/clean`, text: `Nothing to clean up in ${projects.length} project${projects.length === 1 ? '' : 's'}: no unattached, orphaned, expired, erred or stuck resources.` }];
    } catch (err) {
      this.log.error(`[insights] ${c.record.label}: ${describeForLog(err)}`);
      return [{ kind: 'message', id: `${c.id}/error`, text: `Couldn't compute the findings: ${plainText(describeError(err), 300)}`, error: true }];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Every scope that holds volumes (Waldur: each organization's projects; OpenStack: the projects). */
async function projectScopes(backend: Backend): Promise<Scope[]> {
  const out: Scope[] = [];
  const walk = async (parent: Scope | undefined): Promise<void> => {
    const scopes = await backend.listScopes(parent);
    for (const s of scopes) {
      if (holdsVolumes(backend.capabilities, s.kind)) out.push(s);
      else if (childLevel(backend.capabilities, s.kind)) await walk(s);
    }
  };
  await walk(undefined);
  return out;
}
