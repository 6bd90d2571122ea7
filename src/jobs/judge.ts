/**
 * How a followed resource is judged — the one place: stable when not busy, failed when its
 * status is an error (with the API's message). Jobs, watchers and tests use these.
 */
import type { Resource } from '../core/model';
import { uiText } from '../util/escape';

export const isStable = (r: Resource): boolean => r.status.category !== 'busy';

/** The API's error message, or what the status says; undefined when it is not an error. */
export function failureOf(r: Resource): string | undefined {
  if (r.status.category !== 'error') return undefined;
  if (r.errorMessage) return r.errorMessage;
  const name = uiText(r.name, 80) || '(unnamed)';
  return `${name} is ${r.status.label}${r.runtimeState && r.runtimeState !== r.status.label ? ` (${r.runtimeState})` : ''}`;
}

/** The backend's word for what it is doing now. */
export function stillText(r: Resource | undefined): string {
  return r ? r.status.label || 'running' : 'running';
}
