/**
 * Open in Browser: the web console page of a resource — HomePort for Waldur, Horizon for
 * OpenStack. The console's address is the connection's own setting, asked once and prefilled
 * with a guess from where the API is.
 */
import { isLoopbackHost } from '../util/url';

/** A guess at the console from the API address: HomePort beside Waldur's `/api/`; Horizon at `/dashboard/` of the auth host. */
export function guessWebUrl(kind: string, endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (kind === 'waldur') return `${url.origin}${url.pathname.replace(/\/?api\/?$/, '').replace(/\/+$/, '')}/`;
  if (kind === 'openstack') return `${url.protocol}//${url.hostname}/dashboard/`;
  return undefined;
}

/** Checks a console address typed by a person; returns the problem or undefined. */
export function validateWebUrl(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return 'Not a URL. Example: https://cloud.example.com/dashboard/';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return 'Use an https:// address (plain http only for localhost).';
  if (url.username || url.password) return 'Leave credentials out of the address.';
  if (url.search || url.hash) return 'Remove the query (?…) or fragment (#…).';
  return undefined;
}

/** The console address as kept: with a trailing slash, so pages are joined below it. */
export function canonicalWebUrl(input: string): string {
  const url = new URL(input.trim());
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/`;
}

/** `base` + a relative page, ids percent-encoded. */
export function webPage(base: string, ...segments: string[]): string {
  return `${canonicalWebUrl(base)}${segments.map(encodeURIComponent).join('/')}/`;
}
