/** `customers/` (organizations) and `projects/`: read-only lists and details. */
import { icontains, normaliseUuid, type Reply } from '../http';
import { type Ctx, type Deps, simpleCollection } from './context';

export function customers(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Reply {
  return simpleCollection(d.store, ctx, id, action, d.store.customers, {
    filters: {
      name: (c, v) => icontains(c.name, v),
      name_exact: (c, v) => c.name === v,
      abbreviation: (c, v) => icontains(c.abbreviation, v),
      query: (c, v) => icontains(c.name, v) || icontains(c.abbreviation, v) || c.uuid === v,
      uuid: (c, v) => c.uuid === v,
    },
    ordering: { name: (c) => c.name, created: (c) => c.created, abbreviation: (c) => c.abbreviation },
    defaultOrder: 'name',
  });
}

export function projects(d: Deps, ctx: Ctx, id: string | undefined, action: string | undefined): Reply {
  return simpleCollection(d.store, ctx, id, action, d.store.projects, {
    filters: {
      customer_uuid: (p, v) => p.customer_uuid === v,
      customer: (p, v) => p.customer_uuid === normaliseUuid(v),
      name: (p, v) => icontains(p.name, v),
      name_exact: (p, v) => p.name === v,
      query: (p, v) => icontains(p.name, v) || icontains(p.description, v) || p.uuid === normaliseUuid(v),
      uuid: (p, v) => p.uuid === v,
    },
    ordering: { name: (p) => p.name, created: (p) => p.created, customer_name: (p) => p.customer_name },
    defaultOrder: 'name',
  });
}
