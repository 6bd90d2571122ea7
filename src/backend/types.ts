import type { Identity, Organization, Project, Snapshot, Volume } from '../model/types';

/**
 * What the tree and commands need from a cloud. Waldur is the first implementation; a native
 * OpenStack one (Keystone, Cinder, Nova from clouds.yaml) can follow without touching the UI.
 */
export interface Backend {
  readonly kind: 'waldur' | 'openstack';
  /** Where it talks to, for display (no secrets). */
  readonly endpoint: string;
  whoAmI(signal?: AbortSignal): Promise<Identity>;
  listOrganizations(signal?: AbortSignal): Promise<Organization[]>;
  listProjects(organizationId: string, signal?: AbortSignal): Promise<Project[]>;
  listVolumes(projectId: string, signal?: AbortSignal): Promise<Volume[]>;
  listSnapshots(volumeId: string, signal?: AbortSignal): Promise<Snapshot[]>;
  getVolume(id: string, signal?: AbortSignal): Promise<Volume>;
  getSnapshot(id: string, signal?: AbortSignal): Promise<Snapshot>;
}
