/**
 * A fetch with a connection's own TLS settings — a CA bundle of its own, or no verification —
 * over `node:https`, for the one connection that asks for it (nothing global changes: no
 * NODE_TLS_REJECT_UNAUTHORIZED, no global agent). Plain http goes to global fetch unchanged.
 *
 * Why not global fetch with an undici `Agent` as `dispatcher`: VS Code's extension host wraps
 * global fetch (`http.fetchAdditionalSupport`, on by default) and swaps the dispatcher for one of
 * its own that keeps only `connect.ca`, so `rejectUnauthorized: false` would be lost there; and an
 * npm undici's Agent need not match the undici inside Node or Electron. VS Code's wrapper of
 * `https.request` (proxy support) keeps a request's own `ca` and `rejectUnauthorized`, routes it
 * through the user's proxy, and adds no system CAs when `ca` is given.
 *
 * What it does like fetch: the Request's method, headers, body and signal; gzip, deflate and br
 * answers decoded. Redirects are never followed: the 3xx is returned as it is, and timedFetch
 * (src/core/http.ts) turns it into an error, as for global fetch with `redirect: 'manual'` — no
 * token or body ever goes to where a redirect points.
 * The body is read whole before the Response is returned (API answers, not downloads).
 */
import type { IncomingMessage } from 'node:http';
import * as https from 'node:https';
import { checkServerIdentity } from 'node:tls';
import { pipeline, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';

export interface TlsSettings {
  /** PEM CA certificates that replace the default CAs (as python-requests' `verify=<bundle>`). */
  ca?: string;
  /** false: the server's certificate and host name are not checked. */
  rejectUnauthorized: boolean;
}

export type Fetch = (request: Request) => Promise<Response>;

const NULL_BODY = new Set([204, 205, 304]);

/** A fetch whose https requests use `settings`; `plain` (global fetch by default) takes http. */
export function tlsFetch(settings: TlsSettings, plain: Fetch = (request) => globalThis.fetch(request)): Fetch {
  const tls = settings.ca === undefined ? { rejectUnauthorized: settings.rejectUnauthorized } : { ca: settings.ca, rejectUnauthorized: settings.rejectUnauthorized };
  // Keep-alive per connection: Keystone, Cinder and Nova each reuse their sockets. Idle sockets
  // are unref'd by Node, so they never hold a process open.
  const agent = new https.Agent({ keepAlive: true, ...tls });
  return async (request) => {
    if (new URL(request.url).protocol !== 'https:') return plain(request);
    const signal = request.signal;
    const url = new URL(request.url);
    const method = request.method;
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'gzip, deflate, br' };
    request.headers.forEach((value, name) => { headers[name] = value; });
    const res = await send(url, { method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers, agent, ...tls, checkServerIdentity: identityOf(url) }, body, signal);
    const status = res.statusCode ?? 0;
    const data = await readBody(res, signal);
    return toResponse(res, NULL_BODY.has(status) || method === 'HEAD' ? null : data, url);
  };
}

/**
 * The host name the certificate must match, given explicitly: through VS Code's proxy agent a
 * host that is an IP address would otherwise be checked as "localhost" (it drops `host` and sets
 * no `servername` for IPs), and refused.
 */
function identityOf(url: URL): https.RequestOptions['checkServerIdentity'] {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return (_name, cert) => checkServerIdentity(host, cert);
}

/** Like undici's network errors: a TypeError "fetch failed" whose cause says why. */
function failed(reason: string | Error): TypeError {
  return new TypeError('fetch failed', { cause: typeof reason === 'string' ? new Error(reason) : reason });
}

/** One request; resolves at the response head, rejects with the signal's reason when aborted. */
function send(url: URL, options: https.RequestOptions, body: Buffer | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const req = https.request(url, options, (res) => {
      signal.removeEventListener('abort', onAbort);
      resolve(res);
    });
    const onAbort = () => req.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(signal.aborted ? signal.reason : failed(err));
    });
    req.end(body);
  });
}

/** The whole body, decoded as its Content-Encoding says. */
async function readBody(res: IncomingMessage, signal: AbortSignal): Promise<Buffer> {
  const onAbort = () => res.destroy(signal.reason as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
    const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip()
      : encoding === 'deflate' ? zlib.createInflate()
        : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
    const source: Readable = decoder ? pipeline(res, decoder, () => undefined) : res;
    const chunks: Buffer[] = [];
    for await (const chunk of source) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (err) {
    throw signal.aborted ? signal.reason : failed(err as Error);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function toResponse(res: IncomingMessage, body: Buffer | null, url: URL): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    try {
      headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
    } catch {
      // A header fetch could not hold (invalid bytes): left out, as nothing here reads it.
    }
  }
  const bytes = body && new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
  const response = new Response(bytes, { status: res.statusCode, statusText: res.statusMessage, headers });
  // Error messages name the path answered (`unwrap` reads response.url), as with global fetch.
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}
