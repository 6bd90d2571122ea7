import type { RestorationRecord, SnapshotRecord, VolumeRecord } from '../../../src/backends/waldur/records';

/**
 * The schema types `state` as the upper-case enum; servers in the field send display strings
 * (`Erred`, `Update Scheduled`), so the builders take any string.
 */
type WithAnyState<T> = Omit<T, 'state'> & { state?: string };

/** Typed builders for full Waldur records (what the detail panel reads); overrides per test. */
export const aVolumeRecord = (o: WithAnyState<VolumeRecord> = {}): VolumeRecord => ({
  uuid: 'vol1', url: 'https://w.example/api/openstack-volumes/vol1/', name: 'data-01', description: 'Scratch space',
  size: 40 * 1024, state: 'OK', runtime_state: 'available', bootable: false, type_name: 'ssd',
  availability_zone_name: 'nova', backend_id: 'cinder-1', service_name: 'tenant-a', tenant_uuid: 'ten1',
  project_uuid: 'prj1', project_name: 'Genomics', customer_name: 'Acme Research',
  marketplace_resource_uuid: 'mr1', marketplace_offering_name: 'OpenStack volumes', marketplace_plan_uuid: 'plan1',
  marketplace_resource_state: 'OK', created: '2026-03-01T10:00:00Z', modified: '2026-03-04T09:00:00Z',
  ...o,
} as VolumeRecord);

export const aSnapshotRecord = (o: WithAnyState<SnapshotRecord> = {}): SnapshotRecord => ({
  uuid: 'snap1', url: 'https://w.example/api/openstack-snapshots/snap1/', name: 'data-01-snapshot', description: '',
  size: 10 * 1024, state: 'OK', runtime_state: 'available', backend_id: 'cinder-s1',
  source_volume: 'https://w.example/api/openstack-volumes/vol1/', source_volume_name: 'data-01',
  kept_until: null, project_name: 'Genomics', customer_name: 'Acme Research', service_name: 'tenant-a',
  created: '2026-03-02T10:00:00Z', modified: '2026-03-02T10:05:00Z',
  ...o,
} as SnapshotRecord);

export const aRestoration = (o: RestorationRecord = {}): RestorationRecord => ({
  uuid: 'res1', volume: 'https://w.example/api/openstack-volumes/vol2/', volume_name: 'restored-01',
  volume_state: 'OK', volume_runtime_state: 'available', volume_size: 10 * 1024, volume_device: '',
  created: '2026-03-03T10:00:00Z',
  ...o,
});
