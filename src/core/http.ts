/**
 * The one fetch every API client uses. What it guarantees, for Waldur, Keystone, Cinder and Nova:
 *
 * - **The timeout covers the whole exchange**: headers and body. The body is read here, whole,
 *   before anyone sees the response, so a body that stalls is a `timeout` and a connection reset
 *   mid-body is a `network` error saying the answer was cut off — never a half-parsed answer.
 * - **Redirects are not followed** (`redirect: 'manual'`): a 3xx is an error naming where it
 *   pointed. Nothing — no token, no body — is sent to the place it points to.
 * - **An HTML page is never an answer**: a 2xx HTML page (a login or captive portal, a proxy) is
 *   `bad-response`; a non-2xx one becomes a sentence in {@link unwrap} ("… answered 502 Bad
 *   Gateway (an HTML error page from a proxy)"), with the body kept for the log only.
 * - **Only reads are retried**: a GET or HEAD that meets 502/503/504, a reset or a timeout is sent
 *   again with bounded exponential back-off and full jitter (at most {@link DEFAULT_RETRY}.tries
 *   in all, honouring `Retry-After` up to a cap); POST/PUT/PATCH/DELETE go out exactly once.
 * - **A write that failed after it was sent says it may have been applied** (timeout, reset,
 *   a cut-off answer, 500/502/504), so nobody is invited to send it twice.
 *
 * Never sees or logs secrets: `onRequestDone` and `onRetry` get method, path and status only.
 */
import { plainText } from '../util/escape';
import { ApiError, httpError, parseErrorBody, type ErrorBodyParser } from './errors';

export interface RetryPolicy {
  /** Tries in all for a GET/HEAD (1 = no retry); default 3. */
  tries: number;
  /** First back-off; doubled per retry, with full jitter; default 400 ms. */
  baseDelayMs: number;
  /** Upper bound of one back-off; default 4 s. */
  maxDelayMs: number;
  /** The longest `Retry-After` honoured; a server asking for more is not retried. Default 10 s. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 3, baseDelayMs: 400, maxDelayMs: 4_000, maxRetryAfterMs: 10_000 };

/** What `onRetry` is told before a read is sent again. */
export interface RetryInfo {
  method: string;
  /** Host and path (no query: it may name resources, never secrets, but keep it short). */
  where: string;
  /** The try about to be made (2 or 3). */
  attempt: number;
  tries: number;
  delayMs: number;
  /** Why, for a person: "502 Bad Gateway", "the connection was reset", "no answer within 30 s". */
  reason: string;
}

export interface FetchOptions {
  /** Per-try timeout for the whole exchange (headers and body); default 30 s. */
  timeoutMs?: number;
  /**
   * Injected fetch (tests, latency wrappers, a connection's TLS transport); default
   * globalThis.fetch. An {@link ApiError} it throws reaches the caller unchanged.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Called for each finished request (for logging). */
  onRequestDone?: (info: { method: string; url: string; status: number; ms: number }) => void;
  /** Called before a read is retried (for the log and a "retrying…" line). */
  onRetry?: (info: RetryInfo) => void;
  /** Retry policy of reads; default {@link DEFAULT_RETRY}. */
  retry?: Partial<RetryPolicy>;
  /** Jitter source (tests); default Math.random. */
  random?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Statuses a read is retried on: a proxy or load balancer between us and a healthy server. */
const RETRY_STATUS = new Set([502, 503, 504]);
/** Statuses after which a write may have been applied by the server behind the proxy. */
const MAYBE_APPLIED_STATUS = new Set([500, 502, 504]);
const NULL_BODY = new Set([204, 205, 304]);
const READS = new Set(['GET', 'HEAD']);

export const MAYBE_APPLIED = 'it may have been applied, so refresh before trying again';

/** What {@link unwrap} needs to know about a response that openapi-fetch does not keep. */
const exchanges = new WeakMap<Response, { method: string; host: string; tries: number }>();

export function timedFetch(options: FetchOptions): (request: Request) => Promise<Response> {
  const baseFetch = options.fetch ?? ((req: Request) => globalThis.fetch(req));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;

  /** One try: request, headers and the whole body, within the timeout. */
  const exchange = async (request: Request): Promise<Response> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    const started = Date.now();
    const url = new URL(request.url);
    const where = { method: request.method, path: url.pathname };
    const write = !READS.has(request.method);
    let response: Response;
    try {
      response = await baseFetch(new Request(request, { signal, redirect: 'manual' }));
    } catch (cause) {
      // Already a domain error (e.g. a connection's CA bundle that cannot be read): said as it is.
      if (cause instanceof ApiError) throw cause;
      if (timeout.aborted) {
        throw new ApiError({ kind: 'timeout', message: `${url.host} did not answer within ${seconds(timeoutMs)}${write ? `; ${MAYBE_APPLIED}` : ''}`, cause, ...where });
      }
      if (request.signal.aborted) throw new ApiError({ kind: 'cancelled', message: 'Cancelled', cause, ...where });
      const { reason, sent } = networkReason(cause);
      const applied = write && sent ? `; ${MAYBE_APPLIED}` : write ? '; nothing was applied' : '';
      throw new ApiError({ kind: 'network', message: `Could not reach ${url.host}: ${reason}${applied}`, cause, ...where });
    }
    options.onRequestDone?.({ method: request.method, url: url.pathname + url.search, status: response.status, ms: Date.now() - started });

    if (response.status >= 300 && response.status < 400) {
      void response.body?.cancel().catch(() => undefined);
      throw redirectError(response, url, request.method);
    }
    let body: ArrayBuffer;
    try {
      body = await response.arrayBuffer();
    } catch (cause) {
      if (timeout.aborted) {
        throw new ApiError({ kind: 'timeout', message: `${url.host} began to answer but the rest did not arrive within ${seconds(timeoutMs)}${write ? `; ${MAYBE_APPLIED}` : ''}`, cause, ...where });
      }
      if (request.signal.aborted) throw new ApiError({ kind: 'cancelled', message: 'Cancelled', cause, ...where });
      throw new ApiError({
        kind: 'network', cause, ...where,
        message: `${url.host} began to answer, but the connection was closed before the answer was complete${write ? `; ${MAYBE_APPLIED}` : ''}`,
      });
    }
    const contentType = response.headers.get('Content-Type') ?? '';
    // Only a 2xx that may be an HTML page is decoded here (lists are large; error bodies are read by unwrap).
    const text = response.ok && (/html/i.test(contentType) || firstByte(body) === 0x3c) ? new TextDecoder().decode(body) : '';
    if (text.trim() && isHtml(contentType, text)) {
      throw new ApiError({
        kind: 'bad-response', status: response.status, ...where, body: text.slice(0, 4000),
        message: `${url.host} answered with an HTML page where the API's JSON was expected (a proxy or sign-in page in between?)${write ? `; ${MAYBE_APPLIED}` : ''}`,
      });
    }
    const buffered = new Response(NULL_BODY.has(response.status) || request.method === 'HEAD' ? null : body, {
      status: response.status, statusText: response.statusText, headers: response.headers,
    });
    Object.defineProperty(buffered, 'url', { value: response.url || request.url });
    exchanges.set(buffered, { method: request.method, host: url.host, tries: 1 });
    return buffered;
  };

  return async (request: Request) => {
    const tries = READS.has(request.method) ? Math.max(1, policy.tries) : 1;
    const url = new URL(request.url);
    for (let attempt = 1; ; attempt++) {
      let delay: number | undefined;
      let reason: string;
      try {
        const response = await exchange(request);
        const seen = exchanges.get(response);
        if (seen) seen.tries = attempt;
        if (attempt >= tries || !RETRY_STATUS.has(response.status)) return response;
        delay = retryAfter(response.headers.get('Retry-After'));
        if (delay !== undefined && delay > policy.maxRetryAfterMs) return response;
        reason = `${response.status} ${statusPhrase(response.status)}`;
      } catch (err) {
        if (attempt >= tries || !(err instanceof ApiError) || !retriable(err)) throw withTries(err, attempt);
        reason = err.kind === 'timeout' ? `no answer within ${seconds(timeoutMs)}` : err.message.replace(/^Could not reach [^:]+: /, '');
      }
      delay ??= Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
      options.onRetry?.({ method: request.method, where: `${url.host}${url.pathname}`, attempt: attempt + 1, tries, delayMs: delay, reason });
      await sleep(delay, request.signal);
    }
  };
}

/** Network failures a read is worth trying again after (not a name that does not resolve, not a certificate). */
function retriable(err: ApiError): boolean {
  if (err.kind === 'timeout') return true;
  if (err.kind !== 'network') return false;
  const code = causeCode(err.cause);
  return !code || !(code === 'ENOTFOUND' || TLS_CODE.test(code));
}

/** "… (3 tries)" on the final error of a read that was retried. */
function withTries(err: unknown, attempt: number): unknown {
  if (attempt <= 1 || !(err instanceof ApiError)) return err;
  return new ApiError({ ...err, kind: err.kind, message: `${err.message} (${attempt} tries)`, cause: err.cause, body: err.body });
}

const TLS_CODE = /CERT|SSL|TLS|SIGNATURE|ISSUER|ALTNAME/;
/** Failures that happen before a byte of the request left: the server cannot have applied it. */
const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(cause: unknown): string | undefined {
  for (let e: unknown = cause, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** A person's words for a fetch failure, and whether the request may have reached the server. */
function networkReason(cause: unknown): { reason: string; sent: boolean } {
  const code = causeCode(cause);
  const inner = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
  const sent = !code || !(BEFORE_SENDING.has(code) || TLS_CODE.test(code));
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || /other side closed|socket hang up|terminated/i.test(inner)) {
    return { reason: `the connection was reset (${code ?? inner})`, sent };
  }
  return { reason: plainText(inner, 300), sent };
}

function redirectError(response: Response, url: URL, method: string): ApiError {
  const location = response.headers.get('Location');
  let target = 'nowhere (no Location)';
  if (location) {
    try {
      const to = new URL(location, url);
      target = plainText(`${to.origin}${to.pathname}`, 200);
    } catch {
      target = plainText(location, 200);
    }
  }
  const write = !READS.has(method);
  return new ApiError({
    kind: 'http', status: response.status, method, path: url.pathname,
    message: `${url.host} answered ${response.status} ${statusPhrase(response.status)}, a redirect to ${target}. API calls do not follow redirects, so nothing was sent there; check the connection's URL.${write ? ' The server may still have applied the request: refresh before trying again.' : ''}`,
  });
}

/** The first byte that is not white space, or -1. */
function firstByte(body: ArrayBuffer): number {
  const bytes = new Uint8Array(body);
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  return -1;
}

function isHtml(contentType: string, text: string): boolean {
  return /html/i.test(contentType) || /^\s*<(!doctype|html|head|body|title|center|h1)\b/i.test(text);
}

/** `Retry-After` as milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ApiError({ kind: 'cancelled', message: 'Cancelled' }));
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(timer);
      reject(new ApiError({ kind: 'cancelled', message: 'Cancelled' }));
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}

const seconds = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

const PHRASES: Record<number, string> = {
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict',
  413: 'Content Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** The standard reason phrase (HTTP/2 sends none, and a proxy's own text is not trusted). */
export function statusPhrase(status: number): string {
  return PHRASES[status] ?? (status >= 500 ? 'Server Error' : status >= 400 ? 'Client Error' : 'Unexpected Status');
}

/** What openapi-fetch resolves to. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws one {@link ApiError} (HTTP status
 * with the server's own reason, network, timeout, cancelled, bad JSON). `parseBody` reads the
 * API's error body shape (Waldur's by default). A non-JSON error body (a proxy's HTML page, a
 * plain-text line) becomes a sentence naming the host and status; the body goes to the log only.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>, parseBody: ErrorBodyParser = parseErrorBody): Promise<{ data: T; response: Response }> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof SyntaxError) {
      // Not the parser's message: it quotes the start of the body, which is untrusted text.
      throw new ApiError({ kind: 'bad-response', message: 'The server sent an answer that is not valid JSON.', cause: err });
    }
    if (err instanceof Error && err.name === 'AbortError') throw new ApiError({ kind: 'cancelled', message: 'Cancelled', cause: err });
    throw new ApiError({ kind: 'network', message: err instanceof Error ? err.message : String(err), cause: err });
  }
  const { response } = result;
  const url = new URL(response.url || 'http://x/');
  if (!response.ok) {
    const seen = exchanges.get(response);
    const method = seen?.method;
    const maybe = (method && !READS.has(method) && MAYBE_APPLIED_STATUS.has(response.status) ? `; ${MAYBE_APPLIED}` : '')
      + (seen && seen.tries > 1 ? ` (${seen.tries} tries)` : '');
    const contentType = response.headers.get('Content-Type') ?? '';
    if (typeof result.error === 'string' && result.error.trim() && !/json/i.test(contentType)) {
      const text = result.error;
      const host = seen?.host ?? url.host;
      const head = `${host} answered ${response.status} ${statusPhrase(response.status)}`;
      const line = text.trim();
      const what = isHtml(contentType, text) ? ' (an HTML error page from a proxy)'
        : line.length <= 200 && !/[\r\n]/.test(line) ? `: "${plainText(line, 200)}"`
          : ' (a non-JSON answer; its text is in the log)';
      throw new ApiError({ kind: 'http', status: response.status, message: `${head}${what}${maybe}`, method, path: url.pathname, body: text.slice(0, 4000) });
    }
    const err = httpError(response.status, result.error, method, url.pathname, parseBody);
    throw maybe ? new ApiError({ ...err, kind: err.kind, message: `${err.message}${maybe}` }) : err;
  }
  return { data: result.data as T, response };
}
