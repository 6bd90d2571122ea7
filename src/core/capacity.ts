/**
 * Capacity: a project's quotas and what is used of them (Waldur: the tenant's quotas; OpenStack:
 * Cinder's absolute limits and, where readable, the per-type quota set), and the pre-flight of an
 * action — what it would take each quota to, and the first quota it would exceed. Pure.
 */
import { MIB_PER_GIB } from './model';

/** One quota: `volumes`, `snapshots`, `storage` (all block storage), `storage:<type>`… */
export interface QuotaLine {
  key: string;
  /** "Volumes", "Storage", "Storage of type ssd". */
  label: string;
  unit: 'count' | 'MiB';
  used: number;
  /** Undefined: no limit (the APIs' -1). */
  limit?: number;
  /** Set on per-type storage lines: the volume type it counts. */
  typeName?: string;
}

/** The quotas one set of resources counts against (a Waldur tenant, an OpenStack project). */
export interface Capacity {
  /** The tenant's or project's id. */
  id: string;
  /** "tenant data-lake-tenant", "project demo": what the quota belongs to, for messages. */
  owner: string;
  lines: QuotaLine[];
  /** Snapshots count against storage too (Cinder's `gigabytes`; Waldur's `storage`). */
  snapshotsUseStorage: boolean;
}

/** What an action would add. */
export interface Demand {
  volumes?: number;
  snapshots?: number;
  /** Storage the action adds (a new volume's size, an extend's difference, a snapshot's size). */
  storageMiB?: number;
  /** Snapshot storage (counted against storage only where `snapshotsUseStorage`). */
  snapshotMiB?: number;
  /** The volume type of the storage, for per-type lines. */
  typeName?: string;
}

export interface QuotaCheck {
  line: QuotaLine;
  after: number;
  /** Of the limit, after the action (0–∞), rounded down. */
  percent: number;
}

export interface Preflight {
  /** Every limited quota the action touches, with where it ends up. */
  checks: QuotaCheck[];
  /** The first quota it would exceed: refuse before sending. */
  exceeded?: QuotaCheck;
  /** "This takes storage to 92% of the quota (920 of 1000 GiB)." — empty when nothing is limited. */
  text: string;
}

/** `420 GiB` / `7` in a line's unit. */
export function quotaAmount(line: Pick<QuotaLine, 'unit'>, n: number): string {
  if (line.unit === 'count') return String(n);
  const gib = n / MIB_PER_GIB;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

const percentOf = (used: number, limit: number): number => (limit <= 0 ? (used > 0 ? Infinity : 0) : Math.floor((used / limit) * 100));

/** "Storage 420 of 1000 GiB (42%)", "Volumes 7 (no limit)". */
export function describeLine(line: QuotaLine): string {
  if (line.limit === undefined) return `${line.label} ${quotaAmount(line, line.used)} (no limit)`;
  const of = line.unit === 'count' ? `${line.used} of ${line.limit}` : `${quotaAmount(line, line.used).replace(/ GiB$/, '')} of ${quotaAmount(line, line.limit)}`;
  const p = percentOf(line.used, line.limit);
  return `${line.label} ${of} (${Number.isFinite(p) ? `${p}%` : 'over'})`;
}

/** One line for a tooltip: "Storage 420 of 1000 GiB (42%) · Volumes 7 of 10 (70%) · Snapshots 3 of 10 (30%)". */
export function usageText(capacity: Capacity): string {
  return capacity.lines.map(describeLine).join(' · ');
}

/** How full a line is, 0–1 (a bar's width); undefined without a limit. */
export function fillOf(line: QuotaLine): number | undefined {
  if (line.limit === undefined) return undefined;
  if (line.limit <= 0) return line.used > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, line.used / line.limit));
}

/**
 * What `demand` does to each limited quota of `capacity` it touches. A per-type storage line
 * counts only storage of its type; snapshot storage counts where the backend says so.
 */
export function preflight(capacity: Capacity, demand: Demand): Preflight {
  const checks: QuotaCheck[] = [];
  for (const line of capacity.lines) {
    let add = 0;
    if (line.key === 'volumes') add = demand.volumes ?? 0;
    else if (line.key === 'snapshots') add = demand.snapshots ?? 0;
    else if (line.unit === 'MiB' && (line.typeName === undefined || line.typeName === demand.typeName)) {
      add = (demand.storageMiB ?? 0) + (capacity.snapshotsUseStorage ? demand.snapshotMiB ?? 0 : 0);
    }
    if (add <= 0 || line.limit === undefined) continue;
    const after = line.used + add;
    checks.push({ line, after, percent: percentOf(after, line.limit) });
  }
  const exceeded = checks.find((c) => c.after > c.line.limit!);
  const worst = exceeded ?? [...checks].sort((a, b) => b.percent - a.percent)[0];
  return { checks, exceeded, text: worst ? sentence(capacity, worst, !!exceeded) : '' };
}

function sentence(capacity: Capacity, c: QuotaCheck, over: boolean): string {
  const name = c.line.label.charAt(0).toLowerCase() + c.line.label.slice(1);
  const amounts = `${quotaAmount(c.line, c.after).replace(/ GiB$/, '')} of ${quotaAmount(c.line, c.line.limit!)}`;
  if (over) {
    const free = Math.max(0, c.line.limit! - c.line.used);
    return `This would exceed the ${name} quota of ${capacity.owner}: ${amounts} (${quotaAmount(c.line, free)} left).`;
  }
  return `This takes ${name} to ${c.percent}% of the quota of ${capacity.owner} (${amounts}).`;
}

/** The refusal of an action that exceeds a quota, naming it ("… — nothing was sent."). */
export function quotaRefusal(what: string, check: Preflight): string | undefined {
  if (!check.exceeded) return undefined;
  return `${what} refused before sending: ${check.text.replace(/^This would/, 'it would')} Free some up or ask for a bigger quota; nothing was sent.`;
}
