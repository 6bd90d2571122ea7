/**
 * Backend-neutral models. The tree, commands, jobs and panels use these, never raw API records.
 * What only one backend's rules need travels in `native`, opaque to everything else.
 */
import type { Status } from './status';

export interface Identity {
  username: string;
  fullName: string;
  isStaff: boolean;
  /** ISO time, when the backend tells. */
  tokenExpiresAt?: string;
}

/** A level of the tree above volumes: Waldur's organizations and projects, OpenStack's projects. */
export type ScopeKind = 'organization' | 'project';

export interface Scope {
  id: string;
  kind: ScopeKind;
  name: string;
  description?: string;
  /** Why no volume can be created here though the backend creates volumes (shown instead of offering it). */
  createBlocked?: string;
  /** The scope it belongs to (a project's organization). */
  parentId?: string;
}

export interface Volume {
  id: string;
  name: string;
  description: string;
  sizeMiB: number | undefined;
  status: Status;
  /** The block-storage status (Cinder's), lower-case: `available`, `in-use`, `extending`… */
  runtimeState: string;
  bootable: boolean;
  /** Attached read-only (Cinder's `readonly` flag); undefined where the backend has no such flag. */
  readOnly?: boolean;
  typeName?: string;
  availabilityZone?: string;
  instanceId?: string;
  instanceName?: string;
  device?: string;
  projectId?: string;
  projectName?: string;
  organizationName?: string;
  errorMessage?: string;
  created?: string;
  /** Last change (Waldur `modified`, Cinder `updated_at`): "unattached since", "stuck since". */
  modified?: string;
  /** The backend's own fields (Waldur: state, marketplace and tenant ids); only its rules read them. */
  native?: unknown;
}

export interface Snapshot {
  id: string;
  name: string;
  description: string;
  sizeMiB: number | undefined;
  status: Status;
  runtimeState: string;
  projectId?: string;
  projectName?: string;
  sourceVolumeId?: string;
  sourceVolumeName?: string;
  created?: string;
  /** Last change (Waldur `modified`, Cinder `updated_at`). */
  modified?: string;
  /** ISO time; undefined = keep forever (backends whose capabilities edit `keptUntil`). */
  keptUntil?: string;
  errorMessage?: string;
  native?: unknown;
}

export type Resource = Volume | Snapshot;

export interface Instance {
  id: string;
  name: string;
  /** The server's status as the backend words it (`ACTIVE`, `SHUTOFF`). */
  statusLabel: string;
  availabilityZone?: string;
  native?: unknown;
}

export interface VolumeType {
  id: string;
  name: string;
  description: string;
  native?: unknown;
}

/** What an accepted delete gave back: Waldur creates a marketplace order; others just accept. */
export type DeleteOutcome = { kind: 'order'; orderId: string } | { kind: 'accepted' };

export const MIB_PER_GIB = 1024;

/** MiB → "40 GiB" (one decimal when not whole). */
export function formatGiB(mib: number | undefined): string {
  if (mib === undefined || mib === null || !Number.isFinite(mib)) return '? GiB';
  const gib = mib / MIB_PER_GIB;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

/** Whether a volume is attached to an instance. */
export function isAttached(v: Volume): boolean {
  return Boolean(v.instanceId) || v.runtimeState === 'in-use';
}
