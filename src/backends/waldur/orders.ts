/**
 * Creating a volume through the marketplace: the volume offering of each tenant of a project
 * (where a new volume may go) and what an order's state means. Pure, apart from the one lookup
 * `offeringsOf` is given.
 */
import type { OrderProgress } from '../../core/backend';
import { idFromUrl, type TenantRecord } from './records';
import type { components } from './waldur.gen';

type OfferingRecord = Partial<components['schemas']['PublicOfferingDetails']>;

/** A tenant's `OpenStack.Volume` offering, with what an order of it needs. */
export interface VolumeOffering {
  uuid: string;
  url: string;
  name: string;
  tenantId: string;
  tenantName: string;
  /** The offering's first plan that is not archived, when it has plans. */
  planUrl?: string;
  /** The tenant's project, as the order names it. */
  projectUrl?: string;
}

const bare = (uuid: string | null | undefined): string => (uuid ?? '').replace(/-/g, '').toLowerCase();

/** Offerings that can't be ordered any more (`Archived`, `Paused`, …); no state at all is taken as orderable. */
const orderable = (o: OfferingRecord): boolean => !o.state || o.state === 'Active';

/**
 * The volume offerings of these tenants, in the tenants' order. An offering's `scope_uuid` is
 * its tenant, or (as Waldur makes them) the tenant's own service settings: those are asked of
 * `settingsOf` only for offerings no tenant claimed directly. Offerings of no tenant here are
 * left out (nothing to count the volume against).
 */
export async function offeringsOf(
  tenants: TenantRecord[],
  offerings: OfferingRecord[],
  settingsOf: (tenantId: string) => Promise<string | undefined>,
): Promise<VolumeOffering[]> {
  const usable = offerings.filter((o) => typeof o.uuid === 'string' && o.uuid && typeof o.url === 'string' && o.url && orderable(o));
  const byTenant = new Map<string, OfferingRecord>();
  const unclaimed: OfferingRecord[] = [];
  for (const o of usable) {
    const tenant = tenants.find((t) => bare(t.uuid) === bare(o.scope_uuid));
    if (tenant && !byTenant.has(tenant.uuid!)) byTenant.set(tenant.uuid!, o);
    else if (!tenant) unclaimed.push(o);
  }
  const waiting = tenants.filter((t) => t.uuid && !byTenant.has(t.uuid));
  if (unclaimed.length && waiting.length) {
    const settings = await Promise.all(waiting.map((t) => settingsOf(t.uuid!).catch(() => undefined)));
    waiting.forEach((t, i) => {
      const match = unclaimed.find((o) => settings[i] && bare(o.scope_uuid) === bare(settings[i]));
      if (match) byTenant.set(t.uuid!, match);
    });
  }
  const out: VolumeOffering[] = [];
  for (const t of tenants) {
    const o = t.uuid ? byTenant.get(t.uuid) : undefined;
    if (!o) continue;
    const plan = (Array.isArray(o.plans) ? o.plans : []).find((p) => p && typeof p.url === 'string' && p.url && !p.archived);
    out.push({
      uuid: o.uuid!, url: o.url!, name: typeof o.name === 'string' ? o.name : '', tenantId: t.uuid!, tenantName: t.name || t.uuid!,
      ...(plan ? { planUrl: plan.url } : {}), ...(t.project ? { projectUrl: t.project } : {}),
    });
  }
  return out;
}

/** An order record as read: its progress, and the marketplace resource it made (to find the volume). */
export function orderProgress(order: { state?: unknown; error_message?: unknown; marketplace_resource_uuid?: unknown; resource_uuid?: unknown; consumer_rejection_comment?: unknown; provider_rejection_comment?: unknown }): { public: OrderProgress; resourceId?: string } {
  const label = typeof order.state === 'string' ? order.state.trim() : '';
  const state = label.toLowerCase().replace(/[\s_]+/g, '-');
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const resource = text(order.marketplace_resource_uuid) ?? text(order.resource_uuid);
  const resourceId = resource ? (idFromUrl(resource) ?? resource) : undefined;
  if (state === 'done') return { public: { state: 'done', label }, ...(resourceId ? { resourceId } : {}) };
  if (state === 'executing') return { public: { state: 'executing', label } };
  if (state === 'erred' || state === 'rejected' || state === 'canceled' || state === 'cancelled') {
    const error = text(order.error_message) ?? text(order.provider_rejection_comment) ?? text(order.consumer_rejection_comment) ?? `The order was ${state}.`;
    return { public: { state: 'failed', label, error } };
  }
  // pending-consumer, pending-provider, pending-project, pending-start-date; and anything new: still waiting.
  return { public: { state: state.startsWith('pending') || !state ? 'pending' : 'executing', label: label || 'unknown' } };
}
