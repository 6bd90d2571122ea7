/**
 * The vscode-free core: what the VS Code layer, the unit tests, the bench and any other tool use.
 *
 *   const backend = await createBackend({ kind: 'waldur', url: 'https://waldur.example.com/api/' }, token);
 *   for (const org of await backend.listScopes()) …
 */
export type { Backend, BackendDescriptor, NewVolume, NewVolumeType, OrderProgress, Placement, ResourceDetails, VolumeChanges, VolumeOrder } from './backend';
export { describeLine, fillOf, preflight, quotaAmount, quotaRefusal, usageText, type Capacity, type Demand, type Preflight, type QuotaCheck, type QuotaLine } from './capacity';
export { DEFAULT_INSIGHTS, cleanupPlan, describeTotal, findInsights, formatSize, type CleanupPlan, type Finding, type FindingKind, type InsightSettings } from './insights';
export {
  SNAPSHOT_ACTIONS, SNAPSHOT_FIELDS, VOLUME_ACTIONS, VOLUME_FIELDS, childLevel, hasSnapshotAction, hasVolumeAction, holdsVolumes, scopeLevel,
  type Action, type Capabilities, type ScopeLevel, type SnapshotAction, type SnapshotField, type VolumeAction, type VolumeField,
} from './capabilities';
export * from './details';
export { ApiError, Refusal, describeError, describeForLog, type ApiErrorKind } from './errors';
export { DEFAULT_RETRY, type RetryInfo, type RetryPolicy } from './http';
export { PagesDidNotAddUp } from './listing';
export { canonicalUuid, parseLocator, waldurUuid, type Located, type LocatedKind } from './locate';
export { HIDDEN_VALUE, rawDocument, withoutSecrets, type RawKind } from './raw';
export { COPY_FORMATS, copyAs, type CopyFormat, type CopyKind, type CopyOptions, type CopyTarget } from './copy-as';
export { canonicalWebUrl, guessWebUrl, validateWebUrl, webPage } from './web';
export {
  FILTER_HELP, FILTER_STATUSES, describeFilter, filterText, isEmptyFilter, matchesFilter, parseFilter, singleStatus, statusOf,
  type FilterStatus, type VolumeFilter,
} from './filter';
export {
  MIB_PER_GIB, formatGiB, isAttached,
  type DeleteOutcome, type Identity, type Instance, type Resource, type Scope, type ScopeKind, type Snapshot, type Volume, type VolumeType,
} from './model';
export {
  RESOURCE_KINDS, connectionKey, connectionOfKey, isConnectionId, isLocalRef, isResourceId, isResourceKind, isResourceRef, messageKey, parseRefKey, ref, refKey, sameRef,
  type LocalRef, type ResourceKind, type ResourceRef,
} from './ref';
export {
  allowedSnapshotActions, allowedVolumeActions, snapshotActionBlocker, volumeActionBlocker,
  type BackendRules, type RuledBackend, type Viewer,
} from './rules';
export { actionGerund, blockStorageStatus, isBusy, isErred, type Status, type StatusCategory } from './status';
export * from './validation';
export { createBackend, type BackendOptions } from '../backends/create';
