import type { Scope, Snapshot, Volume } from '../../../src/core/model';
import type { RuledBackend, Viewer } from '../../../src/core/rules';
import { WALDUR_CAPABILITIES } from '../../../src/backends/waldur/backend';
import { WALDUR_RULES } from '../../../src/backends/waldur/rules';
import { normalizeState, waldurStatus } from '../../../src/backends/waldur/states';
import { connectionNode, scopeNode, type ConnectionNode, type ScopeNode } from '../../../src/tree/nodes';

/** The Waldur backend's capabilities and rules, as the tree and commands see them. */
export const waldur: RuledBackend = { capabilities: WALDUR_CAPABILITIES, rules: WALDUR_RULES };
export const member: Viewer = { isStaff: false };
export const staff: Viewer = { isStaff: true };

/** Waldur's own fields, given as overrides the way a Waldur record would carry them. */
interface WaldurOverrides { state?: string; backendId?: string; marketplaceResourceId?: string; tenantId?: string }

/** Typed fixture builders: defaults for a healthy Waldur resource, overrides per test. */
export const anOrganization = (o: Partial<Scope> = {}): Scope => ({ id: 'org1', kind: 'organization', name: 'Acme Research', ...o });
export const aProject = (o: Partial<Scope> = {}): Scope => ({ id: 'prj1', kind: 'project', parentId: 'org1', name: 'Genomics', ...o });

export const aVolume = (o: Partial<Volume> & WaldurOverrides = {}): Volume => {
  const { state = 'OK', backendId, marketplaceResourceId, tenantId, ...rest } = o;
  const runtimeState = rest.runtimeState ?? 'available';
  const s = normalizeState(state);
  return {
    id: 'vol1', name: 'data-01', description: '', sizeMiB: 40 * 1024, runtimeState, bootable: false,
    status: waldurStatus(s, runtimeState),
    native: { state: s, url: `https://w.example/api/openstack-volumes/${rest.id ?? 'vol1'}/`, backendId, marketplaceResourceId, tenantId },
    ...rest,
  };
};

export const aSnapshot = (o: Partial<Snapshot> & Pick<WaldurOverrides, 'state' | 'backendId'> = {}): Snapshot => {
  const { state = 'OK', backendId, ...rest } = o;
  const runtimeState = rest.runtimeState ?? 'available';
  const s = normalizeState(state);
  return {
    id: 'snap1', name: 'data-01-snapshot', description: '', sizeMiB: 10 * 1024, runtimeState, created: '2026-03-01T10:20:00Z',
    status: waldurStatus(s, runtimeState),
    native: { state: s, url: `https://w.example/api/openstack-snapshots/${rest.id ?? 'snap1'}/`, backendId },
    ...rest,
  };
};

export const aConnectionNode = (id = 'c1', label = 'waldur.example'): ConnectionNode =>
  connectionNode(id, { label, kind: 'waldur', state: 'ready', who: 'alice @ waldur.example', readOnly: false });

/** organization → project under a connection, as the Waldur tree builds them. */
export function aProjectNode(connectionId = 'c1'): ScopeNode {
  const [orgLevel, projectLevel] = WALDUR_CAPABILITIES.scopeLevels;
  const org = scopeNode(anOrganization(), orgLevel!, aConnectionNode(connectionId));
  return scopeNode(aProject(), projectLevel!, org);
}
