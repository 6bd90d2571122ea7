/**
 * Marketplace: `marketplace-resources/<uuid>/` (what a HomePort page names: the volume behind it),
 * `marketplace-resources/<uuid>/terminate/` (volume deletion), `marketplace-orders/` (list, and
 * a Create order of a tenant's volume offering: a new volume) and `marketplace-orders/<uuid>/`.
 */
import { azUuid } from '../factory';
import { applyFilters, applyOrdering, conflict, invalid, normaliseUuid, notFound, readJson, type Reply } from '../http';
import { quotaExceeded } from '../quotas';
import { GiB } from '../records';
import { fail, fails, setState } from '../transitions';
import { BodyValidator } from '../validate';
import { allow, type Ctx, type Deps, detail, list, STABLE } from './context';
import { offeringRows } from './tenants';

/** The marketplace resource of a volume, in the fields HomePort's resource page reads (a subset of `Resource`). */
export function resourceDetail(d: Deps, ctx: Ctx, id: string): Reply {
  allow(ctx, ['GET', 'HEAD']);
  const volume = d.store.volumes.find((v) => v.marketplace_resource_uuid === normaliseUuid(id));
  if (!volume) throw notFound();
  return detail(ctx, {
    uuid: volume.marketplace_resource_uuid,
    name: volume.name,
    state: volume.state === 'Erred' ? 'Erred' : 'OK',
    resource_type: 'OpenStack.Volume',
    offering_type: 'OpenStack.Volume',
    resource_uuid: volume.uuid,
    scope: d.factory.url('openstack-volumes', volume.uuid),
    project_uuid: volume.project_uuid,
    project_name: volume.project_name,
    customer_uuid: volume.customer_uuid,
    customer_name: volume.customer_name,
    created: volume.created,
    modified: volume.modified,
  });
}

export function orderDetail(d: Deps, ctx: Ctx, id: string): Reply {
  allow(ctx, ['GET', 'HEAD']);
  const order = d.store.orders.find((o) => o.uuid === normaliseUuid(id));
  if (!order) throw notFound();
  return detail(ctx, order);
}

export async function terminate(d: Deps, ctx: Ctx, id: string): Promise<Reply> {
  allow(ctx, ['POST']);
  const body = await readJson(ctx.req);
  if (body.attributes !== undefined && (typeof body.attributes !== 'object' || body.attributes === null)) {
    throw invalid({ attributes: ['Value must be valid JSON object.'] });
  }
  const volume = d.store.volumes.find((v) => v.marketplace_resource_uuid === normaliseUuid(id));
  if (!volume) throw notFound();
  if (!STABLE.includes(volume.state)) throw conflict(`Volume "${volume.name}" is ${volume.state}; it can be deleted only in state OK or Erred.`);
  if (volume.runtime_state === 'in-use' && volume.instance) {
    throw conflict(`Volume "${volume.name}" is attached to ${volume.instance_name}${volume.bootable ? ' as its system volume' : ''}; detach it before deleting.`);
  }
  const order = d.factory.terminateOrder(volume, ctx.user);
  d.store.orders.push(order);
  const failed = fails(volume.name);
  setState(volume, 'Deletion Scheduled', volume.runtime_state, d.factory);
  volume.action = 'delete';
  d.transitions.schedule(volume, [
    () => setState(volume, 'Deleting', 'deleting', d.factory),
    () => {
      const now = d.factory.now();
      order.modified = now;
      order.completed_at = now;
      if (failed) {
        const message = `Failed to delete volume ${volume.name}: Cinder reported "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer".`;
        fail(volume, 'error_deleting', message, 'delete_volume', d.factory);
        order.state = 'erred';
        order.error_message = message;
        order.error_traceback = volume.error_traceback;
      } else {
        d.transitions.removeVolume(volume);
        order.state = 'done';
      }
    },
  ]);
  return { status: 200, body: { order_uuid: order.uuid } };
}

/** `marketplace-orders/`: GET lists the orders, POST creates one (volume offerings only). */
export async function orders(d: Deps, ctx: Ctx): Promise<Reply> {
  allow(ctx, ['GET', 'HEAD', 'POST']);
  if (ctx.method === 'POST') return createOrder(d, ctx);
  const items = applyFilters(d.store.orders, ctx.url, {
    project_uuid: (o, v) => o.project_uuid === v,
    customer_uuid: (o, v) => o.customer_uuid === v,
    offering_uuid: (o, v) => o.offering_uuid === v,
    resource_uuid: (o, v) => o.marketplace_resource_uuid === v,
    state: (o, v) => o.state === v,
    type: (o, v) => o.type === v,
  });
  return list(d.store, ctx, applyOrdering(items, ctx.url, { created: (o) => o.created }, '-created'));
}

/**
 * A new volume, as HomePort orders it: `{offering, project, attributes: {name, size (MiB), type?,
 * availability_zone?, description?}}`, checked like Waldur (400 with field errors: offering,
 * project, size, type or zone of another tenant, a quota exceeded). The order executes at once;
 * one step later its volume exists (Creating), one more and it is OK and the order done — or, for
 * a name with "fail" in it, the volume Erred and the order erred.
 */
async function createOrder(d: Deps, ctx: Ctx): Promise<Reply> {
  const body = await readJson(ctx.req);
  const v = new BodyValidator(body);
  const offering = v.hyperlink('offering', 'marketplace-public-offerings', (uuid) => offeringRows(d.store).find((o) => o.uuid === uuid));
  const project = v.hyperlink('project', 'projects', (uuid) => d.store.projects.find((p) => p.uuid === uuid));
  if (body.plan !== undefined && body.plan !== null && body.plan !== '') v.error('plan', 'This offering has no plans: order it without one.');
  if (body.accepting_terms_of_service !== undefined) v.boolean('accepting_terms_of_service');
  const raw = body.attributes;
  const attributesOk = !!raw && typeof raw === 'object' && !Array.isArray(raw);
  if (!attributesOk) v.error('attributes', raw === undefined ? 'This field is required.' : 'Value must be valid JSON object.');
  v.check();
  if (!offering || !project) throw new Error('unreachable');
  const tenant = offering._tenant;
  if (project.uuid !== tenant.project_uuid) {
    throw invalid({ project: [`Offering "Volume in ${tenant.name}" belongs to another project; it can't be ordered in project ${project.name}.`] });
  }
  // The volume plugin checks the attributes as the fields of the order (Waldur's own error shape).
  const attributes = raw as Record<string, unknown>;
  const a = new BodyValidator(attributes);
  const name = a.string('name', { required: true, maxLength: 150 });
  const size = a.integer('size', { required: true, min: GiB });
  if (size !== undefined && size >= GiB && size % GiB !== 0) a.error('size', `Size must be a whole number of GiB (a multiple of ${GiB} MiB).`);
  const description = a.string('description', { maxLength: 4096, allowBlank: true });
  const type = a.has('type') ? a.hyperlink('type', 'openstack-volume-types', (uuid) => d.store.volumeTypes.find((t) => t.uuid === uuid)) : undefined;
  if (type && type._tenant_uuid !== tenant.uuid) a.error('type', 'Volume type and offering should belong to the same tenant.');
  let zone: string | undefined;
  if (a.has('availability_zone') && attributes.availability_zone !== null) {
    const zones = new Map(tenant.availability_zones.map((z) => [azUuid(tenant, z), z]));
    const found = a.hyperlink('availability_zone', 'openstack-volume-availability-zones', (uuid) => (d.store.tenants.some((t) => t.availability_zones.some((z) => azUuid(t, z) === uuid)) ? uuid : undefined));
    zone = found ? zones.get(found) : undefined;
    if (found && !zone) a.error('availability_zone', 'Availability zone and offering should belong to the same tenant.');
  }
  a.check();
  if (name === undefined || size === undefined) throw new Error('unreachable');
  const volumeType = type ?? d.store.volumeTypes.find((t) => t._tenant_uuid === tenant.uuid && t.name === 'ssd') ?? d.store.volumeTypes.find((t) => t._tenant_uuid === tenant.uuid);
  if (!volumeType) throw new Error(`tenant ${tenant.name} has no volume types`);
  const over = quotaExceeded(d.store, tenant, { volumes: 1, storageMiB: size, typeName: volumeType.name }, `the new volume ${name}`);
  if (over) throw invalid({ non_field_errors: [over] });

  const order = d.factory.createOrder(tenant, ctx.user, attributes, name);
  d.store.orders.push(order);
  const failed = fails(name);
  let volume: ReturnType<Deps['factory']['volume']> | undefined;
  d.transitions.schedule(order, [
    () => {
      volume = d.factory.volume(tenant, {
        name, size, type: volumeType, zone: zone ?? tenant.availability_zones[0] ?? '', description: description ?? '', state: 'Creating', runtime: 'creating',
      });
      volume.backend_id = null;
      volume.marketplace_resource_uuid = order.marketplace_resource_uuid;
      volume.marketplace_resource_state = 'Creating';
      d.store.volumes.push(volume);
      order.modified = d.factory.now();
    },
    () => {
      const made = volume && d.store.volumes.includes(volume) ? volume : undefined;
      const now = d.factory.now();
      order.modified = now;
      order.completed_at = now;
      if (failed || !made) {
        const message = `Failed to create volume ${name}: Cinder reported "No valid backend was found. Exceeded max scheduling attempts 3 for resource".`;
        if (made) fail(made, 'error', message, 'create_volume', d.factory);
        order.state = 'erred';
        order.error_message = message;
        order.error_traceback = made?.error_traceback ?? '';
        return;
      }
      made.backend_id = d.factory.backendId();
      setState(made, 'OK', 'available', d.factory);
      order.state = 'done';
    },
  ]);
  return detail(ctx, order, 201);
}

