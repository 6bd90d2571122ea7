/**
 * `openstack-tenants/` (with quotas computed from the store), `openstack-volume-availability-zones/`
 * and `marketplace-public-offerings/` (the volume offering of each tenant, the fields a volume
 * order needs). Read-only; every view is made at response time, so quotas are never stale.
 */
import { azUuid } from '../factory';
import { icontains, type Reply } from '../http';
import { tenantQuotas } from '../quotas';
import type { Store, TenantRecord } from '../types';
import { type Ctx, type Deps, simpleCollection } from './context';

/** Volume offerings are derived from their tenant (see `marketplace()` in factory.ts). */
export const volumeOfferingUuid = (tenant: TenantRecord): string => `${tenant.uuid.slice(0, 30)}0a`;
/** The tenant's own marketplace resource and offering (an `OpenStack.Tenant`), derived likewise. */
const tenantResourceUuid = (tenant: TenantRecord): string => `${tenant.uuid.slice(0, 30)}0c`;
const tenantOfferingUuid = (tenant: TenantRecord): string => `${tenant.uuid.slice(0, 30)}0d`;

const dashed = (h: string): string => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

/** The full `OpenStackTenant` record; no randomness, so serving it never changes the seed. */
export function viewTenant(d: Deps, tenant: TenantRecord): Record<string, unknown> {
  const project = d.store.projects.find((p) => p.uuid === tenant.project_uuid);
  const customer = d.store.customers.find((c) => c.uuid === tenant.customer_uuid);
  const created = project?.created ?? '';
  return {
    access_url: null,
    availability_zone: '',
    backend_id: dashed(tenant.uuid.split('').reverse().join('')),
    created,
    customer: customer?.url ?? '',
    customer_abbreviation: customer?.abbreviation ?? '',
    customer_name: customer?.name ?? '',
    customer_native_name: customer?.native_name ?? '',
    customer_uuid: tenant.customer_uuid,
    default_volume_type_name: 'ssd',
    description: `OpenStack tenant of ${project?.name ?? 'a project'}`,
    error_message: '',
    error_traceback: '',
    external_network_id: dashed(tenant.service_settings_uuid),
    external_network_ref_name: 'public',
    external_network_ref_uuid: tenant.service_settings_uuid,
    internal_network_id: dashed(tenant.uuid),
    is_limit_based: true,
    is_usage_based: false,
    marketplace_category_name: 'Private clouds',
    marketplace_category_uuid: '2a3b4c5d6e7f40819a2b3c4d5e6f7a8b',
    marketplace_offering_name: 'Sandbox Cloud tenant',
    marketplace_offering_plugin_options: { storage_mode: 'dynamic' },
    marketplace_offering_uuid: tenantOfferingUuid(tenant),
    marketplace_plan_uuid: null,
    marketplace_resource_state: 'OK',
    marketplace_resource_uuid: tenantResourceUuid(tenant),
    modified: created,
    name: tenant.name,
    project: project?.url ?? '',
    project_name: project?.name ?? '',
    project_uuid: tenant.project_uuid,
    quotas: tenantQuotas(d.store, tenant),
    resource_type: 'OpenStack.Tenant',
    service_name: tenant.service_name,
    service_settings: tenant.service_settings_url,
    service_settings_error_message: '',
    service_settings_state: 'OK',
    service_settings_uuid: tenant.service_settings_uuid,
    skip_creation_of_default_router: false,
    state: 'OK',
    url: tenant.url,
    user_password: '',
    user_username: `${tenant.name}-admin`,
    uuid: tenant.uuid,
  };
}

export function tenants(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Reply {
  return simpleCollection(d.store, ctx, id, action, d.store.tenants, {
    filters: {
      project_uuid: (t, v) => t.project_uuid === v,
      customer_uuid: (t, v) => t.customer_uuid === v,
      service_settings_uuid: (t, v) => t.service_settings_uuid === v,
      name: (t, v) => icontains(t.name, v),
      name_exact: (t, v) => t.name === v,
      uuid: (t, v) => t.uuid === v,
    },
    ordering: { name: (t) => t.name },
    defaultOrder: 'name',
    view: (t) => viewTenant(d, t),
  });
}

interface ZoneRow {
  uuid: string;
  _tenant: TenantRecord;
  name: string;
}

function zones(store: Store): ZoneRow[] {
  return store.tenants.flatMap((t) => t.availability_zones.map((name) => ({ uuid: azUuid(t, name), _tenant: t, name })));
}

export function volumeAvailabilityZones(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Reply {
  return simpleCollection(d.store, ctx, id, action, zones(d.store), {
    filters: {
      tenant_uuid: (z, v) => z._tenant.uuid === v,
      tenant: (z, v) => z._tenant.url === v,
      settings_uuid: (z, v) => z._tenant.service_settings_uuid === v,
      name: (z, v) => icontains(z.name, v),
      name_exact: (z, v) => z.name === v,
    },
    ordering: { name: (z) => z.name },
    defaultOrder: 'name',
    view: (z) => ({ available: true, name: z.name, settings: z._tenant.service_settings_url, url: d.factory.url('openstack-volume-availability-zones', z.uuid), uuid: z.uuid }),
  });
}

interface OfferingRow {
  uuid: string;
  _tenant: TenantRecord;
  type: string;
  created: string;
}

export function offeringRows(store: Store): OfferingRow[] {
  return store.tenants.map((t) => ({ uuid: volumeOfferingUuid(t), _tenant: t, type: 'OpenStack.Volume', created: store.projects.find((p) => p.uuid === t.project_uuid)?.created ?? '' }));
}

/**
 * The public offerings: a volume offering per tenant, private to its project (`shared` false),
 * scoped to the tenant (as Waldur 8 makes them). A subset of `PublicOfferingDetails`.
 */
export function publicOfferings(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Reply {
  const types = ctx.url.searchParams.getAll('type').filter(Boolean);
  const rows = offeringRows(d.store).filter((o) => !types.length || types.includes(o.type));
  return simpleCollection(d.store, ctx, id, action, rows, {
    filters: {
      project_uuid: (o, v) => o._tenant.project_uuid === v,
      customer_uuid: (o, v) => o._tenant.customer_uuid === v,
      scope_uuid: (o, v) => o._tenant.uuid === v.replace(/-/g, '').toLowerCase(),
      name: (o, v) => icontains(`Volume in ${o._tenant.name}`, v),
    },
    ordering: { name: (o) => `Volume in ${o._tenant.name}`, created: (o) => o.created },
    defaultOrder: 'name',
    view: (o) => viewOffering(d, o),
  });
}

function viewOffering(d: Deps, o: OfferingRow): Record<string, unknown> {
  const t = o._tenant;
  const project = d.store.projects.find((p) => p.uuid === t.project_uuid);
  const customer = d.store.customers.find((c) => c.uuid === t.customer_uuid);
  return {
    billable: false,
    category_title: 'Block storage',
    category_uuid: '5b61d0811cfe4ed6a004119795a4c532',
    created: o.created,
    customer: customer?.url ?? null,
    customer_name: customer?.name ?? null,
    customer_uuid: t.customer_uuid,
    description: `Block storage volumes in tenant ${t.name}`,
    name: `Volume in ${t.name}`,
    plans: [],
    project: project?.url ?? null,
    project_name: project?.name ?? null,
    project_uuid: t.project_uuid,
    scope: t.url,
    scope_state: 'OK',
    scope_uuid: t.uuid,
    shared: false,
    state: 'Active',
    type: o.type,
    url: d.factory.url('marketplace-public-offerings', o.uuid),
    uuid: o.uuid,
  };
}
