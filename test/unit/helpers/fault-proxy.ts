/**
 * A real HTTP proxy on loopback that misbehaves the ways networks, load balancers and half-broken
 * servers do — in front of a real server (the local Waldur-compatible server, or the project's
 * OpenStack). Each request is recorded (method, path, headers, body) and answered by the rule in
 * force: forwarded as is, forwarded and altered, or replaced by a fault. Bounded: it closes itself
 * after `lifetimeMs` (default 60 s) and every socket with it, so a stalled test never hangs the run.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The upstream's answer, buffered, for `alter` rules. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type Fault =
  /** Forward unchanged (the default). */
  | { kind: 'pass' }
  /** Answer here, without asking upstream. */
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string }
  /** Forward, then change the answer (status, headers, body) before it goes back. */
  | { kind: 'alter'; change: (answer: Answer) => Answer }
  /** Read the request, then close the connection without a byte of answer. */
  | { kind: 'reset' }
  /** Forward, send the head and `bytes` of the body, then close the connection. */
  | { kind: 'cut'; bytes?: number }
  /** Forward, send the head and `bytes` of the body, then send nothing more. */
  | { kind: 'stall-body'; bytes?: number }
  /** Read the request and never answer. */
  | { kind: 'stall' };

export type Rule = (request: Seen, index: number) => Fault | undefined;

export interface FaultProxy {
  readonly url: string;
  readonly seen: Seen[];
  /** The rule for the requests that follow. */
  rule: Rule;
  /** Requests seen whose method and path (without query) match. */
  count(method: string, pathPrefix: string): number;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string, options: { lifetimeMs?: number; rule?: Rule } = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  const seen: Seen[] = [];
  const proxy: { rule: Rule } = { rule: options.rule ?? (() => undefined) };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      const fault = proxy.rule(entry, seen.length - 1) ?? { kind: 'pass' };
      void handle(fault, entry, req, res).catch(() => res.destroy());
    });
  });

  async function handle(fault: Fault, entry: Seen, req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (fault.kind) {
      case 'answer':
        res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall':
        return;
      default:
        break;
    }
    const answer = await forward(entry);
    if (fault.kind === 'alter') {
      const changed = fault.change(answer);
      const headers = { ...changed.headers };
      delete headers['content-length'];
      delete headers['transfer-encoding'];
      res.writeHead(changed.status, { ...headers, 'content-length': String(Buffer.byteLength(changed.body)) }).end(changed.body);
      return;
    }
    const body = Buffer.from(answer.body);
    const headers: Record<string, string | string[] | undefined> = { ...answer.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    if (fault.kind === 'pass') {
      res.writeHead(answer.status, headers).end(body);
      return;
    }
    // cut / stall-body: the head, then part of the body.
    res.writeHead(answer.status, headers);
    res.write(body.subarray(0, Math.min(fault.bytes ?? 10, Math.max(0, body.length - 1))));
    if (fault.kind === 'cut') setTimeout(() => res.socket?.destroy(), 20);
  }

  function forward(entry: Seen): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers = { ...entry.headers, host: target.host };
      delete headers['accept-encoding'];
      const up = httpRequest({ host: target.hostname, port: target.port, method: entry.method, path: entry.url, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: { ...answer.headers }, body: Buffer.concat(chunks).toString('utf8') }));
        answer.on('error', reject);
      });
      up.on('error', reject);
      up.end(entry.body || undefined);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closed;
  };
  setTimeout(() => void close(), options.lifetimeMs ?? 60_000).unref();
  return {
    url, seen, close,
    get rule() { return proxy.rule; },
    set rule(r: Rule) { proxy.rule = r; },
    count: (method, pathPrefix) => seen.filter((s) => s.method === method && s.url.split('?')[0]!.startsWith(pathPrefix)).length,
  };
}

/** A second origin that records whatever reaches it (where a redirect points) and answers as told. */
export async function startRecorder(answer: { status: number; body: string } = { status: 202, body: '[]' }): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'Content-Type': 'application/json', 'X-Result-Count': '0' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  setTimeout(() => { server.closeAllConnections(); server.close(); }, 60_000).unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The first `n` matching requests get `fault`; the rest pass. */
export function firstN(n: number, match: (s: Seen) => boolean, fault: Fault): Rule {
  let left = n;
  return (s) => {
    if (left > 0 && match(s)) {
      left--;
      return fault;
    }
    return undefined;
  };
}

export const isGet = (path: string) => (s: Seen): boolean => s.method === 'GET' && s.url.split('?')[0]!.startsWith(path);
export const isPost = (path: string) => (s: Seen): boolean => s.method === 'POST' && s.url.split('?')[0]!.startsWith(path);

/** An nginx-style HTML error page. */
export const HTML_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';
