import type { Organization, Project, Snapshot, Volume } from '../../../src/model/types';

/** Typed fixture builders: defaults for a healthy resource, overrides per test. */
export const anOrganization = (o: Partial<Organization> = {}): Organization => ({ id: 'org1', name: 'Acme Research', ...o });
export const aProject = (o: Partial<Project> = {}): Project => ({ id: 'prj1', organizationId: 'org1', name: 'Genomics', ...o });
export const aVolume = (o: Partial<Volume> = {}): Volume => ({
  id: 'vol1', url: 'https://w.example/api/openstack-volumes/vol1/', name: 'data-01', description: '', sizeMiB: 40 * 1024,
  state: 'OK', runtimeState: 'available', bootable: false, ...o,
});
export const aSnapshot = (o: Partial<Snapshot> = {}): Snapshot => ({
  id: 'snap1', url: 'https://w.example/api/openstack-snapshots/snap1/', name: 'data-01-snapshot', description: '', sizeMiB: 10 * 1024,
  state: 'OK', runtimeState: 'available', created: '2026-03-01T10:20:00Z', ...o,
});
