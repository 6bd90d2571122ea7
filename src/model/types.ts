/**
 * Backend-neutral models. The tree and commands use these, never raw API records, so a second
 * backend (native OpenStack) can fill them too.
 */
export interface Identity {
  username: string;
  fullName: string;
  isStaff: boolean;
  /** ISO time, when the backend tells. */
  tokenExpiresAt?: string;
}

export interface Organization {
  id: string;
  name: string;
  abbreviation?: string;
}

export interface Project {
  id: string;
  organizationId: string;
  name: string;
  description?: string;
}

export interface Volume {
  id: string;
  url: string;
  name: string;
  description: string;
  sizeMiB: number | undefined;
  /** Normalised (`OK`, `ERRED`, `UPDATE_SCHEDULED`, …). */
  state: string;
  /** Cinder status, lower-case. */
  runtimeState: string;
  bootable: boolean;
  typeName?: string;
  availabilityZone?: string;
  instanceId?: string;
  instanceName?: string;
  device?: string;
  projectId?: string;
  projectName?: string;
  organizationName?: string;
  tenantId?: string;
  backendId?: string;
  errorMessage?: string;
  marketplaceResourceId?: string;
  created?: string;
}

export interface Snapshot {
  id: string;
  url: string;
  name: string;
  description: string;
  sizeMiB: number | undefined;
  state: string;
  runtimeState: string;
  projectName?: string;
  sourceVolumeId?: string;
  sourceVolumeName?: string;
  created?: string;
  /** ISO time; undefined = keep forever. */
  keptUntil?: string;
  backendId?: string;
  errorMessage?: string;
}

export const MIB_PER_GIB = 1024;

/** MiB → "40 GiB" (one decimal when not whole). */
export function formatGiB(mib: number | undefined): string {
  if (mib === undefined || mib === null || !Number.isFinite(mib)) return '? GiB';
  const gib = mib / MIB_PER_GIB;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

/** Last path segment of a Waldur URL (`…/openstack-instances/<uuid>/` → `<uuid>`). */
export function idFromUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  const parts = url.split('?')[0]!.split('/').filter(Boolean);
  return parts[parts.length - 1];
}

export interface Instance {
  id: string;
  url: string;
  name: string;
  state: string;
  runtimeState: string;
  availabilityZone?: string;
}

export interface VolumeType {
  id: string;
  url: string;
  name: string;
  description: string;
}

/** A marketplace order created by a delete (terminate) request. */
export interface Order {
  id: string;
  state?: string;
}
