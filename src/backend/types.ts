import type { Identity, Instance, Order, Organization, Project, Snapshot, Volume, VolumeType } from '../model/types';

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
  /** Volumes of a project, or of every project the user can see (pickers). */
  listVolumes(projectId?: string, signal?: AbortSignal): Promise<Volume[]>;
  /** Snapshots of a volume, or every snapshot the user can see (pickers). */
  listSnapshots(volumeId?: string, signal?: AbortSignal): Promise<Snapshot[]>;
  getVolume(id: string, signal?: AbortSignal): Promise<Volume>;
  getSnapshot(id: string, signal?: AbortSignal): Promise<Snapshot>;

  // Pickers
  /** Instances this volume may be attached to (same tenant/project, compatible zone). */
  listAttachableInstances(volume: Volume, signal?: AbortSignal): Promise<Instance[]>;
  listVolumeTypes(tenantId: string, signal?: AbortSignal): Promise<VolumeType[]>;

  // Actions resolve when the server accepted the request (any 2xx; servers answer 202 where the
  // schema says 200); the resource then moves through transitional states.
  attachVolume(volume: Volume, instance: Instance): Promise<void>;
  detachVolume(volume: Volume): Promise<void>;
  extendVolume(volume: Volume, newSizeMiB: number): Promise<void>;
  retypeVolume(volume: Volume, type: VolumeType): Promise<void>;
  snapshotVolume(volume: Volume, input: { name: string; description?: string; keptUntil?: string }): Promise<Snapshot>;
  updateVolume(volume: Volume, changes: { name?: string; description?: string; bootable?: boolean }): Promise<Volume>;
  pullVolume(volume: Volume): Promise<void>;
  unlinkVolume(volume: Volume): Promise<void>;
  /** Deleting a volume is a marketplace terminate order, which may need approval. */
  deleteVolume(volume: Volume): Promise<Order>;

  // Snapshot actions
  restoreSnapshot(snapshot: Snapshot, input: { name: string; description?: string }): Promise<Volume>;
  updateSnapshot(snapshot: Snapshot, changes: { name?: string; description?: string; keptUntil?: string | null }): Promise<Snapshot>;
  pullSnapshot(snapshot: Snapshot): Promise<void>;
  unlinkSnapshot(snapshot: Snapshot): Promise<void>;
  deleteSnapshot(snapshot: Snapshot): Promise<void>;
}
