import { ref, type Viewer } from '../../../src/core/index';
import {
  snapshotDetails as waldurSnapshotDetails, volumeDetails as waldurVolumeDetails, type SnapshotDetailsInput, type VolumeDetailsInput,
} from '../../../src/backends/waldur/details';
import type { DetailsModel, PanelKind } from '../../../src/shared/protocol';
import type { ResourceRef } from '../../../src/core/ref';
import { detailsModel } from '../../../src/webview/header';
import { waldur } from './models';

const panelRef = (kind: PanelKind, id: string) => ref('c1', kind, id) as ResourceRef & { kind: PanelKind };

/** The Waldur backend's details with the neutral header on top — what a volume panel of connection `c1` shows. */
export const volumeDetails = (input: VolumeDetailsInput, viewer: Viewer, now: Date): DetailsModel =>
  detailsModel(waldurVolumeDetails(input, now), { ref: panelRef('volume', input.volume.uuid ?? ''), backend: waldur, viewer });

export const snapshotDetails = (input: SnapshotDetailsInput, viewer: Viewer, now: Date): DetailsModel =>
  detailsModel(waldurSnapshotDetails(input, now), { ref: panelRef('snapshot', input.snapshot.uuid ?? ''), backend: waldur, viewer });
