import type { Capabilities } from './capabilities';
import type { Capacity } from './capacity';
import type { CopyOptions, CopyTarget } from './copy-as';
import type { Badge, DetailSection } from './details';
import type { VolumeFilter } from './filter';
import type { DeleteOutcome, Identity, Instance, Scope, Snapshot, Volume, VolumeType } from './model';
import type { RawKind } from './raw';
import type { BackendRules } from './rules';

/** What a backend fills a detail panel with: the fresh resource and the sections below its header. */
export interface ResourceDetails<R = Volume | Snapshot> {
  resource: R;
  sections: DetailSection[];
  /** State badges for the header; by default one from the resource's status. */
  badges?: Badge[];
}

/**
 * What the tree, commands, jobs and panels need from a cloud. Waldur is the first
 * implementation; a native OpenStack one (Keystone, Cinder, Nova) fills the same interface.
 * Its `capabilities` say which actions exist; optional methods are there exactly when listed.
 */
export interface Backend {
  readonly kind: 'waldur' | 'openstack' | (string & {});
  /** Where it talks to, for display (no secrets). */
  readonly endpoint: string;
  readonly capabilities: Capabilities;
  readonly rules: BackendRules;
  /**
   * A sentence about how this connection works when it is not the usual way (an OpenStack cloud
   * reached through Nova's os-volumes proxy: fewer actions), for the connection's tooltip.
   */
  readonly notice?: string;

  whoAmI(signal?: AbortSignal): Promise<Identity>;
  /** The top level (no parent) or the scopes below `parent` (organizations → projects). */
  listScopes(parent?: Scope, signal?: AbortSignal): Promise<Scope[]>;
  /**
   * Volumes of a project scope, or of every project the user can see (pickers). With a filter,
   * exactly the matching ones: the server filters what it can (a superset), `matchesFilter` the rest.
   * `onFirstPage` hears the first page's rows (checked) when more pages follow, so a big project
   * shows its first rows while the rest arrive; what resolves is still the whole checked list.
   */
  listVolumes(scope?: Scope, signal?: AbortSignal, filter?: VolumeFilter, onFirstPage?: (first: Volume[], total: number) => void): Promise<Volume[]>;
  /** Snapshots of a volume, of a project scope (Insights), or every snapshot the user can see (pickers). */
  listSnapshots(volumeId?: string, signal?: AbortSignal, scope?: Scope): Promise<Snapshot[]>;
  getVolume(id: string, signal?: AbortSignal): Promise<Volume>;
  getSnapshot(id: string, signal?: AbortSignal): Promise<Snapshot>;
  /** The full resource and the panel's sections (fields, related resources). */
  details(kind: 'volume' | 'snapshot', id: string, signal?: AbortSignal): Promise<ResourceDetails>;
  /**
   * Go to Resource of a HomePort page (`/resource-details/<uuid>/`): the volume behind that
   * marketplace resource, or a refusal naming what it is instead. Waldur only.
   */
  resolveMarketplaceResource?(id: string, signal?: AbortSignal): Promise<{ kind: 'volume'; id: string }>;
  /** Where Copy as… points its commands (API URL, cloud, microversion; the Cinder ids behind Waldur records). */
  copyTarget(kind: 'volume' | 'snapshot', resource: Volume | Snapshot, signal?: AbortSignal): Promise<{ target: CopyTarget; options: CopyOptions }>;
  /** The page of a resource in the web console at `base` (HomePort, Horizon): Open in Browser. */
  webPageOf(kind: 'volume' | 'snapshot', resource: Volume | Snapshot, base: string, signal?: AbortSignal): Promise<string>;
  /** The resource's record exactly as the API returns it (Open as JSON; secrets are taken out by `rawDocument`). */
  raw(kind: RawKind, id: string, signal?: AbortSignal): Promise<unknown>;

  // Pickers
  /** Instances this volume may be attached to (same project, compatible zone). */
  listAttachableInstances(volume: Volume, signal?: AbortSignal): Promise<Instance[]>;
  /** Volume types of where a volume is (or will be created), including its current one. */
  listVolumeTypes(where: Volume | Scope, signal?: AbortSignal, placementId?: string): Promise<VolumeType[]>;

  // Actions resolve when the server accepted the request; the resource then moves through
  // busy states that jobs follow.
  attachVolume(volume: Volume, instance: Instance): Promise<void>;
  detachVolume(volume: Volume): Promise<void>;
  extendVolume(volume: Volume, newSizeMiB: number): Promise<void>;
  retypeVolume(volume: Volume, type: VolumeType): Promise<void>;
  snapshotVolume(volume: Volume, input: { name: string; description?: string; keptUntil?: string }): Promise<Snapshot>;
  updateVolume(volume: Volume, changes: VolumeChanges): Promise<Volume>;
  /** `cascade` (when `capabilities.cascadeDelete`): its snapshots are deleted with it. */
  deleteVolume(volume: Volume, options?: { cascade?: boolean }): Promise<DeleteOutcome>;
  restoreSnapshot(snapshot: Snapshot, input: { name: string; description?: string }): Promise<Volume>;
  updateSnapshot(snapshot: Snapshot, changes: { name?: string; description?: string; keptUntil?: string | null }): Promise<Snapshot>;
  deleteSnapshot(snapshot: Snapshot): Promise<void>;

  /** Puts the snapshot's data back into its volume in place (the volume's later writes are lost). */
  revertToSnapshot?(snapshot: Snapshot): Promise<void>;
  /**
   * A new volume in a scope that holds volumes; present when `capabilities.createVolume`. The
   * volume as accepted (OpenStack), or the marketplace order that will make it (Waldur), which
   * {@link readOrder} follows.
   */
  createVolume?(scope: Scope, input: NewVolume): Promise<Volume | VolumeOrder>;
  /** Where in a scope a new volume may go (Waldur: the volume offering of each tenant); asked when there are several. */
  listPlacements?(scope: Scope, signal?: AbortSignal): Promise<Placement[]>;
  /** How a creation order is doing; once it made the volume, its id. */
  readOrder?(orderId: string, signal?: AbortSignal): Promise<OrderProgress>;
  /**
   * Quotas and their usage (`capabilities.capacity`): every set a project scope has (one per
   * Waldur tenant, one OpenStack project), or the one a volume or snapshot counts against (one).
   */
  capacity?(where: { scope: Scope } | { volume: Volume } | { snapshot: Snapshot }, signal?: AbortSignal): Promise<Capacity[]>;
  /** Admins (when `capabilities.volumeTypeAdmin`): a new volume type, as openstacksdk's `create_type`; returns its id. */
  createVolumeType?(input: NewVolumeType, signal?: AbortSignal): Promise<string>;
  /** Admins: the server refuses while volumes use the type (its message is shown). */
  deleteVolumeType?(id: string, signal?: AbortSignal): Promise<void>;
  /** The availability zones a new volume may go to (Create Volume asks only when there are several). */
  listAvailabilityZones?(scope: Scope, signal?: AbortSignal, placementId?: string): Promise<string[]>;

  // Present when the capabilities list them (Waldur: sync from the backend, drop the record only).
  pullVolume?(volume: Volume): Promise<void>;
  unlinkVolume?(volume: Volume): Promise<void>;
  pullSnapshot?(snapshot: Snapshot): Promise<void>;
  unlinkSnapshot?(snapshot: Snapshot): Promise<void>;
}

/** What a new volume is made of (size in whole GiB, what people type). */
export interface NewVolume {
  name: string;
  sizeGiB: number;
  description?: string;
  typeName?: string;
  availabilityZone?: string;
  /** Start from this snapshot's data (size at least the snapshot's; `capabilities.createFromSnapshot`). */
  snapshotId?: string;
  /** One of `listPlacements` (Waldur: the tenant's volume offering). */
  placementId?: string;
}

/** Where a new volume may go: a Waldur tenant's volume offering. */
export interface Placement {
  id: string;
  /** "Volume in data-lake-tenant". */
  name: string;
  description?: string;
  /** The capacity (`Capacity.id`) a volume placed here counts against. */
  capacityId?: string;
}

/** A creation that the server does later (a Waldur marketplace order). */
export interface VolumeOrder {
  kind: 'order';
  orderId: string;
  /** The order's state when it was created ("pending-consumer", "executing"…), for messages. */
  state?: string;
}

export interface OrderProgress {
  /** `pending`: waiting for approval; `executing`; `done`: the volume exists; `failed`: erred, rejected or canceled. */
  state: 'pending' | 'executing' | 'done' | 'failed';
  /** The server's own state, for display ("pending-provider", "executing", "erred"). */
  label: string;
  /** Known once the order made it. */
  volumeId?: string;
  /** Why it failed, in the server's words. */
  error?: string;
}

/** A volume type an admin creates (`extraSpecs` such as `volume_backend_name`). */
export interface NewVolumeType {
  name: string;
  description?: string;
  extraSpecs?: Record<string, string>;
  isPublic?: boolean;
}

/** The fields Edit changes (each only where `capabilities.editable.volume` lists it). */
export interface VolumeChanges {
  name?: string;
  description?: string;
  bootable?: boolean;
  readOnly?: boolean;
}

/**
 * Where a backend is, as saved with a connection (no secret in it): a Waldur API URL, or a cloud
 * of clouds.yaml (found in the standard places unless `cloudsYaml` names the file).
 */
export type BackendDescriptor = { kind: 'waldur'; url: string } | { kind: 'openstack'; cloud: string; cloudsYaml?: string };
