/** `openstack-volume-types/`: read-only lists and details. */
import { icontains, type Reply } from '../http';
import { type Ctx, type Deps, simpleCollection } from './context';

export function volumeTypes(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Reply {
  return simpleCollection(d.store, ctx, id, action, d.store.volumeTypes, {
    filters: {
      tenant_uuid: (t, v) => t._tenant_uuid === v,
      tenant: (t, v) => d.store.tenants.some((x) => x.uuid === t._tenant_uuid && x.url === v),
      settings_uuid: (t, v) => t.settings.includes(v),
      name: (t, v) => icontains(t.name, v),
      name_exact: (t, v) => t.name === v,
      uuid: (t, v) => t.uuid === v,
    },
    ordering: { name: (t) => t.name },
    defaultOrder: 'name',
  });
}
