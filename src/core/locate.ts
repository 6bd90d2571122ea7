/**
 * Go to Resource: what a pasted text points at. Accepted forms:
 *   - an id: a UUID with dashes (Cinder's form) or 32 hex digits (Waldur's form);
 *   - a Waldur API URL: `…/api/openstack-volumes/<uuid>/`, `…/api/openstack-snapshots/<uuid>/`;
 *   - a HomePort URL: `…/resource-details/<marketplace resource uuid>/…` (the volume behind the
 *     marketplace resource is looked up), or any HomePort URL with `?object=`/`?volume=` naming one;
 *   - a Horizon URL: `…/project/volumes/<id>/`, `…/admin/volumes/<id>/`, `…/project/snapshots/<id>/`,
 *     `…/project/volumes/snapshots/<id>/`, `…/admin/snapshots/<id>/`;
 *   - a Cinder API URL: `…/v3/<project>/volumes/<id>`, `…/snapshots/<id>`.
 */

export type LocatedKind = 'volume' | 'snapshot';

export interface Located {
  /** The id, lower-case with dashes (`8-4-4-4-12`). */
  id: string;
  /** What the URL said it is; undefined for a bare id (try both). */
  kind?: LocatedKind;
  /** The id is a Waldur marketplace resource's (HomePort): the volume behind it is looked up. */
  marketplace?: boolean;
  /** The host of a pasted URL: connections on that host are tried first. */
  host?: string;
}

const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;

/** `8-4-4-4-12` lower case from either form; undefined when `text` is not a UUID. */
export function canonicalUuid(text: string): string | undefined {
  const t = text.trim();
  if (DASHED.test(t)) return t.toLowerCase();
  if (HEX32.test(t)) {
    const h = t.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return undefined;
}

/** Waldur writes UUIDs as 32 hex digits. */
export const waldurUuid = (id: string): string => id.replace(/-/g, '').toLowerCase();

const HELP = 'Paste a volume or snapshot id (UUID), or a HomePort, Horizon, Waldur API or Cinder API URL of one.';

/** What a pasted text points at, or a message saying what is accepted. */
export function parseLocator(input: string): { located: Located; error?: undefined } | { error: string; located?: undefined } {
  const text = input.trim().replace(/^<(.*)>$/, '$1').replace(/^["'](.*)["']$/, '$1');
  if (!text) return { error: HELP };
  const bare = canonicalUuid(text);
  if (bare) return { located: { id: bare } };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `"${text.length > 60 ? `${text.slice(0, 59)}…` : text}" is neither an id nor a URL. ${HELP}` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: `Only http(s) URLs point at resources. ${HELP}` };
  const host = url.host.toLowerCase();
  // HomePort and other single-page apps may keep the route after `#`.
  const route = `${url.pathname}/${url.hash.replace(/^#!?/, '')}`.split(/[?]/)[0]!;
  const segments = route.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  const after = (names: readonly string[]): string | undefined => {
    for (let i = segments.length - 2; i >= 0; i--) {
      if (names.includes(segments[i]!.toLowerCase())) {
        const id = canonicalUuid(segments[i + 1]!);
        if (id) return id;
      }
    }
    return undefined;
  };
  const params = new URLSearchParams(url.search || url.hash.split('?')[1] || '');
  for (const key of ['volume', 'volume_uuid', 'snapshot', 'snapshot_uuid']) {
    const id = canonicalUuid(params.get(key) ?? '');
    if (id) return { located: { id, kind: key.startsWith('snapshot') ? 'snapshot' : 'volume', host } };
  }
  const snapshot = after(['openstack-snapshots', 'snapshots']);
  if (snapshot) return { located: { id: snapshot, kind: 'snapshot', host } };
  const volume = after(['openstack-volumes', 'volumes']);
  if (volume) return { located: { id: volume, kind: 'volume', host } };
  const object = canonicalUuid(params.get('object') ?? '');
  if (object) return { located: { id: object, host } };
  const marketplace = after(['resource-details', 'marketplace-resources', 'marketplace-project-resource-details', 'marketplace-public-resource-details']);
  if (marketplace) return { located: { id: marketplace, marketplace: true, host } };
  return { error: `${host} … has no volume or snapshot id in it. ${HELP}` };
}
