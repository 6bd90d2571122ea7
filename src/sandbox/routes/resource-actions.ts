/** Actions shared by volumes and snapshots: pull, unlink, set_erred, set_ok. */
import { conflict, forbidden, readJson, type Reply } from '../http';
import { setState } from '../transitions';
import type { SnapshotRecord, VolumeRecord } from '../types';
import { BodyValidator } from '../validate';
import { type Ctx, type Deps, STABLE } from './context';

export function pull(d: Deps, resource: VolumeRecord | SnapshotRecord, kind: 'volume' | 'snapshot'): Reply {
  if (!STABLE.includes(resource.state) || !resource.backend_id) {
    throw conflict(`Pull operation is not possible for ${kind} "${resource.name}" in state ${resource.state}${resource.backend_id ? '' : ' without a backend ID'}.`);
  }
  const runtime = resource.runtime_state;
  d.transitions.transition(resource, 'pull', {
    during: runtime,
    errorRuntime: 'error',
    errorMessage: `Failed to pull ${kind} ${resource.name}: the OpenStack API answered 503 Service Unavailable.`,
    scheduled: 'Update Scheduled',
  });
  return { status: 202, body: { detail: 'Pull operation was successfully scheduled.' } };
}

export function unlink(d: Deps, ctx: Ctx, resource: VolumeRecord | SnapshotRecord): Reply {
  if (!ctx.user.is_staff) throw forbidden();
  if ('resource_type' in resource && resource.resource_type === 'OpenStack.Volume') d.transitions.removeVolume(resource as VolumeRecord);
  else d.transitions.removeSnapshot(resource as SnapshotRecord);
  return { status: 204 };
}

export async function setErred(d: Deps, ctx: Ctx, resource: VolumeRecord | SnapshotRecord): Promise<Reply> {
  if (!ctx.user.is_staff) throw forbidden();
  const v = new BodyValidator(await readJson(ctx.req));
  const message = v.string('error_message', { allowBlank: true }) ?? '';
  const traceback = v.string('error_traceback', { allowBlank: true }) ?? '';
  v.check();
  d.transitions.cancel(resource);
  setState(resource, 'Erred', resource.runtime_state, d.factory);
  resource.error_message = message;
  resource.error_traceback = traceback;
  resource.action = '';
  return { status: 200, body: { detail: 'State has been changed to Erred.' } };
}

export function setOk(d: Deps, ctx: Ctx, resource: VolumeRecord | SnapshotRecord): Reply {
  if (!ctx.user.is_staff) throw forbidden();
  d.transitions.cancel(resource);
  setState(resource, 'OK', resource.runtime_state, d.factory);
  resource.error_message = '';
  resource.error_traceback = '';
  resource.action = '';
  return { status: 200, body: { detail: 'State has been changed to OK.' } };
}
