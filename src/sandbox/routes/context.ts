/**
 * What every sandbox route gets: the request context, the shared dependencies, and the generic
 * list/detail views, filters and guards they are built from.
 */
import type { IncomingMessage } from 'node:http';
import type { Factory } from '../factory';
import { applyFilters, applyOrdering, conflict, type Filter, icontains, invalid, JsonBytes, methodNotAllowed, normaliseUuid, notFound, paginate, publicView, type Reply } from '../http';
import { pageJson } from '../listing';
import { GiB } from '../records';
import type { Transitions } from '../transitions';
import type { StateDisplay, Store, UserRecord } from '../types';
import { parseState } from '../types';

export interface Ctx {
  req: IncomingMessage;
  method: string;
  url: URL;
  user: UserRecord;
  fields: string[];
}

/** Shared state of one sandbox, handed to every route. */
export interface Deps {
  readonly store: Store;
  readonly factory: Factory;
  readonly transitions: Transitions;
}

export const STABLE: StateDisplay[] = ['OK', 'Erred'];

export function allow(ctx: Ctx, methods: string[]): void {
  if (!methods.includes(ctx.method)) throw methodNotAllowed(ctx.method, methods);
}

export function accepted(action: string): Reply {
  return { status: 202, body: { status: `${action} was scheduled` } };
}

export function requireState(resource: { name?: string; state: StateDisplay; resource_type?: string }, states: StateDisplay[], operation: string): void {
  if (!states.includes(resource.state)) {
    const kind = resource.resource_type === 'OpenStack.Snapshot' ? 'Snapshot' : 'Volume';
    throw conflict(`${kind} "${resource.name}" is ${resource.state}; ${operation} is possible only in state ${states.join(' or ')}.`);
  }
}

export function gib(mib: number): number {
  return Math.round((mib / GiB) * 10) / 10;
}

// --- generic views --------------------------------------------------------------------------

/**
 * One page of `items`. Records served as they are (no `view`) go out as cached JSON rows (see
 * listing.ts); a view joins other records at response time, so its rows are made afresh.
 */
export function list<T extends object>(store: Store, ctx: Ctx, items: T[], view?: (item: T) => object): Reply {
  const { page, start, headers } = paginate(items, ctx.url, store.baseUrl);
  if (ctx.method === 'HEAD') return { status: 200, headers: { 'X-Result-Count': headers['X-Result-Count'] ?? '0' } };
  if (!view) return { status: 200, body: new JsonBytes(pageJson(items, start, page, ctx.fields)), headers };
  return { status: 200, body: page.map((item) => publicView(view(item), ctx.fields)), headers };
}

export function detail(ctx: Ctx, item: object, status = 200): Reply {
  return { status, body: publicView(item, ctx.fields) };
}

export function simpleCollection<T extends { uuid: string; created?: string }>(
  store: Store,
  ctx: Ctx,
  id: string | undefined,
  action: string | undefined,
  items: T[],
  spec: { filters: Record<string, Filter<T>>; ordering: Record<string, (item: T) => string | number>; defaultOrder: string; view?: (item: T) => object },
): Reply {
  if (action !== undefined) throw notFound();
  if (id === undefined) {
    allow(ctx, ['GET', 'HEAD']);
    const filtered = applyFilters(items, ctx.url, spec.filters);
    return list(store, ctx, applyOrdering(filtered, ctx.url, spec.ordering, spec.defaultOrder), spec.view);
  }
  allow(ctx, ['GET', 'HEAD']);
  const uuid = normaliseUuid(id);
  const item = items.find((x) => x.uuid === uuid);
  if (!item) throw notFound();
  return detail(ctx, spec.view ? spec.view(item) : item);
}

/** Filters shared by OpenStack resources (volumes, snapshots, instances). */
export function resourceFilters<T extends { uuid: string; name?: string; project_uuid?: string; customer_uuid?: string; backend_id?: string | null; description?: string; runtime_state?: string; state: StateDisplay; project_name?: string; customer_name?: string; service_settings_uuid?: string }>(store: Store): Record<string, Filter<T>> {
  return {
    project_uuid: (x, v) => x.project_uuid === v,
    project: (x, v) => x.project_uuid === normaliseUuid(v),
    project_name: (x, v) => icontains(x.project_name, v),
    customer_uuid: (x, v) => x.customer_uuid === v,
    customer: (x, v) => x.customer_uuid === normaliseUuid(v),
    customer_name: (x, v) => icontains(x.customer_name, v),
    service_settings_uuid: (x, v) => x.service_settings_uuid === v,
    tenant_uuid: (x, v) => tenantUuidOf(x) === v,
    tenant: (x, v) => store.tenants.some((t) => t.uuid === tenantUuidOf(x) && t.url === v),
    name: (x, v) => icontains(x.name, v),
    name_exact: (x, v) => x.name === v,
    description: (x, v) => icontains(x.description, v),
    backend_id: (x, v) => x.backend_id === v,
    runtime_state: (x, v) => (x.runtime_state ?? '').toLowerCase() === v.toLowerCase(),
    uuid: (x, v) => x.uuid === v,
  };
}

/** `state` is a multiple-choice filter: repeatable, enum names or display strings. */
export function stateFilter<T extends { state: StateDisplay }>(ctx: Ctx, items: T[]): T[] {
  const states = stateChoices(ctx);
  return states ? items.filter((x) => states.includes(x.state)) : items;
}

/** The states `?state=` asks for (400 for one that is not a state), or undefined without any. */
export function stateChoices(ctx: Ctx): StateDisplay[] | undefined {
  const raw = ctx.url.searchParams.getAll('state').filter((s) => s !== '');
  if (!raw.length) return undefined;
  return raw.map((s) => {
    const state = parseState(s);
    if (!state) throw invalid({ state: [`Select a valid choice. ${s} is not one of the available choices.`] });
    return state;
  });
}

function tenantUuidOf(x: object): string | undefined {
  if ('_tenant_uuid' in x) return (x as { _tenant_uuid: string })._tenant_uuid;
  if ('tenant_uuid' in x) return (x as { tenant_uuid: string }).tenant_uuid;
  return undefined;
}
