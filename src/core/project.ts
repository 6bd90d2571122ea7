/**
 * A project's panel: its quotas as bars, what it holds, and its findings — from the capacity and
 * the project's volume and snapshot lists (the same ones the tree and Insights read). Pure.
 */
import { describeLine, fillOf, type Capacity } from './capacity';
import type { DetailSection, Meter, TableRow } from './details';
import { formatSize, type Finding } from './insights';
import { isAttached, type Snapshot, type Volume } from './model';
import { plainText } from '../util/escape';

const toneOf = (fill: number | undefined): Meter['tone'] => (fill === undefined || fill < 0.8 ? 'ok' : fill < 1 ? 'warn' : 'error');

/** The quota sections: one per set (a Waldur project may have several tenants). */
export function capacitySections(capacities: readonly Capacity[] | undefined, problem?: string): DetailSection[] {
  if (problem) return [{ type: 'meters', id: 'quota', heading: 'Quota', meters: [], note: `Couldn't read the quota: ${problem}` }];
  if (!capacities) return [];
  if (!capacities.length) return [{ type: 'meters', id: 'quota', heading: 'Quota', meters: [], note: 'No quota is known for this project.' }];
  return capacities.map((c, i) => ({
    type: 'meters' as const,
    id: `quota-${i}`,
    heading: capacities.length > 1 || c.owner.startsWith('tenant') ? `Quota of ${plainText(c.owner, 120)}` : 'Quota',
    meters: c.lines.map((line) => {
      const fill = fillOf(line);
      return { label: plainText(line.label, 120), text: describeLine(line).slice(line.label.length + 1), ...(fill !== undefined ? { fill } : {}), tone: toneOf(fill) };
    }),
    ...(c.lines.length ? {} : { note: 'The server reports no block-storage quota here.' }),
  }));
}

/** "12 volumes · 1.2 TiB" for the header. */
export function projectSize(volumes: readonly Volume[]): string {
  const total = volumes.reduce((n, v) => n + (v.sizeMiB ?? 0), 0);
  return `${volumes.length} volume${volumes.length === 1 ? '' : 's'} · ${formatSize(total)}`;
}

/** What the project holds, and its findings (each row opens the resource's panel). */
export function contentSections(volumes: readonly Volume[], snapshots: readonly Snapshot[], findings: readonly Finding[]): DetailSection[] {
  const size = (xs: ReadonlyArray<{ sizeMiB: number | undefined }>): string => formatSize(xs.reduce((n, x) => n + (x.sizeMiB ?? 0), 0));
  const attached = volumes.filter((v) => isAttached(v));
  const rows: TableRow[] = findings.map((f) => ({
    cells: [{ text: plainText(f.resource.name, 150) || `(unnamed ${f.resourceKind})`, open: { kind: f.resourceKind, id: f.resource.id } }, { text: f.resourceKind }, { text: plainText(f.reason, 200) }, { text: formatSize(f.sizeMiB) }],
    open: { kind: f.resourceKind, id: f.resource.id },
  }));
  return [
    {
      type: 'fields', id: 'contents', heading: 'Contents',
      fields: [
        { label: 'Volumes', value: { text: `${volumes.length} (${size(volumes)})` } },
        { label: 'Attached', value: { text: `${attached.length} (${size(attached)})` } },
        { label: 'Snapshots', value: { text: `${snapshots.length} (${size(snapshots)})` } },
      ],
    },
    { type: 'table', id: 'findings', heading: `Findings (${findings.length})`, columns: ['Name', 'Kind', 'Why', 'Size'], rows, empty: 'Nothing to clean up: no unattached, orphaned, expired, erred or stuck resources.' },
  ];
}
