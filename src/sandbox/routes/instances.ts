/** `openstack-instances/`: read-only lists and details, with the attached volumes joined in. */
import { icontains, type Reply } from '../http';
import type { InstanceRecord } from '../types';
import { type Ctx, type Deps, resourceFilters, simpleCollection } from './context';
import { attachable, viewInstance } from './views';

export function instances(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Reply {
  return simpleCollection(d.store, ctx, id, action, d.store.instances, {
    filters: {
      ...resourceFilters<InstanceRecord>(d.store),
      attach_volume_uuid: (i, v) => {
        const volume = d.store.volumes.find((x) => x.uuid === v);
        return !!volume && attachable(volume, i);
      },
      availability_zone_name: (i, v) => i.availability_zone_name === v,
      query: (i, v) => icontains(i.name, v) || icontains(i.description, v),
    },
    ordering: { name: (i) => i.name, created: (i) => i.created, start_time: (i) => i.start_time ?? '' },
    defaultOrder: '-created',
    view: (i) => viewInstance(d.store, i),
  });
}
