/**
 * Small helpers that work on sandbox records, shared by the factory, the seed and the routes:
 * units, marketplace state mapping, attach/detach bookkeeping and fake tracebacks.
 */
import type { InstanceRecord, StateDisplay, VolumeRecord } from './types';

export const GiB = 1024;

/** Marketplace resource states (Creating, OK, Erred, Updating, Terminating) mirror the core state. */
export function marketplaceState(state: StateDisplay): string {
  switch (state) {
    case 'Creation Scheduled':
    case 'Creating':
      return 'Creating';
    case 'Update Scheduled':
    case 'Updating':
      return 'Updating';
    case 'Deletion Scheduled':
    case 'Deleting':
      return 'Terminating';
    default:
      return state;
  }
}

export function attachVolume(volume: VolumeRecord, instance: InstanceRecord, device: string): void {
  volume.instance = instance.url;
  volume.instance_name = instance.name;
  volume.device = device;
  volume.runtime_state = 'in-use';
  if (instance.marketplace_resource_uuid) volume.instance_marketplace_uuid = instance.marketplace_resource_uuid;
}

export function detachVolume(volume: VolumeRecord): void {
  volume.instance = null;
  volume.instance_name = '';
  volume.device = '';
  volume.runtime_state = 'available';
  // Not `delete`: that turns the record into a slow dictionary-mode object; JSON omits undefined.
  volume.instance_marketplace_uuid = undefined;
}

/** A multi-line Python traceback in the style Waldur stores in `error_traceback`. */
export function fakeTraceback(method: string, message: string): string {
  return [
    'Traceback (most recent call last):',
    '  File "/usr/src/waldur/src/waldur_core/core/tasks.py", line 232, in execute',
    '    return self.execute(*args, **kwargs)',
    `  File "/usr/src/waldur/src/waldur_openstack/backend.py", line 1884, in ${method}`,
    `    self.cinder_client.volumes.${method.replace(/_volume$/, '')}(backend_id)`,
    '  File "/usr/local/lib/python3.11/site-packages/cinderclient/client.py", line 231, in request',
    '    raise exceptions.from_response(resp, body)',
    `waldur_openstack.exceptions.OpenStackBackendError: ${message}`,
  ].join('\n');
}
