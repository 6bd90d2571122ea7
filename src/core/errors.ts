import { plainText } from '../util/escape';

/** Every failure of an API call, so no caller has to parse HTTP. */
export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'cancelled' | 'bad-response';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  message: string;
  status?: number;
  /** Waldur's own reason (`detail`, `non_field_errors`, or a bare list of strings). */
  detail?: string;
  /** Field errors of a 400, e.g. `{ disk_size: ['…'] }`. */
  fieldErrors?: Record<string, string[]>;
  method?: string;
  path?: string;
  cause?: unknown;
  /** The raw body of a non-JSON answer (an HTML error page): for the log only, never shown. */
  body?: string;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  readonly detail: string | undefined;
  readonly fieldErrors: Record<string, string[]>;
  readonly method: string | undefined;
  readonly path: string | undefined;
  /** For the log only (see {@link describeForLog}); non-enumerable so it is never serialised by accident. */
  declare readonly body: string | undefined;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? {};
    this.method = init.method;
    this.path = init.path;
    Object.defineProperty(this, 'body', { value: init.body, enumerable: false });
  }

  get isUnauthorized(): boolean {
    return this.kind === 'http' && this.status === 401;
  }
  get isConflict(): boolean {
    return this.kind === 'http' && this.status === 409;
  }
  get isNotFound(): boolean {
    return this.kind === 'http' && this.status === 404;
  }
}

/**
 * Reads Waldur's error body shapes: `{detail}`, `{non_field_errors: [...]}`, `{field: [...]}`,
 * or a bare `["…"]`. Values are kept as text (never interpreted).
 */
export type ErrorBodyParser = (body: unknown) => { detail?: string; fieldErrors: Record<string, string[]> };

export function parseErrorBody(body: unknown): { detail?: string; fieldErrors: Record<string, string[]> } {
  const fieldErrors: Record<string, string[]> = {};
  if (typeof body === 'string') return body.trim() ? { detail: body.trim().slice(0, 500), fieldErrors } : { fieldErrors };
  if (Array.isArray(body)) return { detail: body.map(String).join(' '), fieldErrors };
  if (!body || typeof body !== 'object') return { fieldErrors };
  const details: string[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const messages = Array.isArray(value) ? value.map(String) : value == null ? [] : [typeof value === 'string' ? value : JSON.stringify(value)];
    if (key === 'detail' || key === 'non_field_errors' || key === 'status' || key === 'error') details.push(...messages);
    else fieldErrors[key] = messages;
  }
  return details.length ? { detail: details.join(' '), fieldErrors } : { fieldErrors };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The server rejected the request',
  401: 'The token was not accepted',
  403: 'Permission denied',
  404: 'Not found',
  405: 'Not allowed',
  409: 'Not possible in the current state',
  429: 'Too many requests',
  500: 'Server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/** Builds the error for a non-2xx response; the message leads with the server's own reason. */
export function httpError(status: number, body: unknown, method?: string, path?: string, parseBody: ErrorBodyParser = parseErrorBody): ApiError {
  const { detail, fieldErrors } = parseBody(body);
  const fields = Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v.join(' ')}`);
  const reason = [detail, ...fields].filter(Boolean).join('; ');
  const message = reason || `${STATUS_TEXT[status] ?? 'Request failed'} (HTTP ${status})`;
  return new ApiError({ kind: 'http', status, message, detail, fieldErrors, method, path });
}

/** One line for a person: what failed and why, without secrets. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * The log's line for an error: the person's message plus, for a non-JSON answer, the start of the
 * body (one line, bounded) — what an HTML error page said, for whoever reads the log.
 */
export function describeForLog(err: unknown): string {
  // One line each: API text can't forge log lines or hide characters in them.
  const message = plainText(describeError(err), 2000);
  if (!(err instanceof ApiError) || !err.body) return message;
  const body = plainText(err.body.replace(/\s+/g, ' '), 500);
  return `${message} [${err.method ?? ''} ${err.path ?? ''} ${err.status ?? ''} body: ${body}]`;
}

/** A command that can't run, checked before anything was sent; shown as a warning. */
export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refusal';
  }
}
