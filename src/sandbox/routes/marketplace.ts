/**
 * Marketplace: `marketplace-resources/<uuid>/` (what a HomePort page names: the volume behind it),
 * `marketplace-resources/<uuid>/terminate/` (volume deletion) and `marketplace-orders/<uuid>/`.
 */
import { conflict, invalid, normaliseUuid, notFound, readJson, type Reply } from '../http';
import { fail, fails, setState } from '../transitions';
import { allow, type Ctx, type Deps, detail, STABLE } from './context';

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
