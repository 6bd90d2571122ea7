/**
 * clouds.yaml `cacert` and `verify: false` / `insecure` over real TLS: a throwaway CA and server
 * certificate made with openssl at test time, and a small fake Keystone + Cinder on
 * https://127.0.0.1 (TLS is what is tested; it answers the calls a connect makes, and its catalog
 * points Cinder at itself, so Cinder's requests are checked too). When the project's OpenStack
 * runs, an https proxy in front of its real Keystone is connected to through createBackend.
 * Without openssl every test is reported as skipped, by name, with the reason.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectApi } from '../../src/backends/openstack/api';
import { loadCloud, type CloudConfig } from '../../src/backends/openstack/clouds';
import { Keystone } from '../../src/backends/openstack/keystone';
import { ApiError, createBackend } from '../../src/core/index';
import { timedFetch } from '../../src/core/http';
import { tlsFetch } from '../../src/core/tls';

const PASSWORD = 'Pa55-word-never-shown';
const TOKEN = 'gAAAA-token-never-shown';
const REAL_KEYSTONE = 'http://127.0.0.1:32500';

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const skip: string | false = openssl.status === 0 ? false : `openssl is not installed (${openssl.error?.message ?? openssl.stderr}); the test certificates can't be made`;

let dir = '';
let caPem = '';
let otherCaPem = '';
let server: https.Server;
let origin = '';
/** Every request the fake saw: method, path, headers, body. */
const seen: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: string }> = [];

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
`;

function run(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA (`<name>.pem`, `<name>.key`); EC keys, as they are made in milliseconds. */
function makeCa(name: string): void {
  run('req', '-x509', '-config', 'openssl.cnf', '-extensions', 'ca', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=Volume Explorer test ${name}`);
}

/** Answers like Keystone (tokens, projects) and Cinder (its version document), plus a few routes for the transport itself. */
function fake(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const where = new URL(req.url ?? '/', origin).pathname;
    seen.push({ method: req.method ?? '', path: where, headers: req.headers, body });
    const json = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
      let data: Buffer = Buffer.from(JSON.stringify(value));
      if (String(req.headers['accept-encoding'] ?? '').includes('gzip')) {
        data = gzipSync(data);
        headers = { ...headers, 'Content-Encoding': 'gzip' };
      }
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(data);
    };
    const authorized = req.headers['x-auth-token'] === TOKEN;
    if (req.method === 'POST' && where === '/v3/auth/tokens') {
      const password = (JSON.parse(body) as { auth?: { identity?: { password?: { user?: { password?: string } } } } }).auth?.identity?.password?.user?.password;
      if (password !== PASSWORD) return json(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
      return json(201, {
        token: {
          expires_at: new Date(Date.now() + 3600_000).toISOString(), project: { id: 'p1', name: 'demo' }, user: { id: 'u1', name: 'demo' },
          roles: [{ name: 'member' }],
          catalog: [{ type: 'block-storage', endpoints: [{ url: `${origin}/v3/p1`, interface: 'public', region: 'RegionOne' }] }],
        },
      }, { 'X-Subject-Token': TOKEN });
    }
    if (where === '/v3/auth/projects') return authorized ? json(200, { projects: [{ id: 'p1', name: 'demo', enabled: true }] }) : json(401, {});
    if (where === '/v3/') return authorized ? json(200, { versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.60' }] }) : json(401, {});
    if (where === '/to-other-origin') return void res.writeHead(307, { Location: `https://localhost:${new URL(origin).port}/echo` }).end();
    if (where === '/see-other') return void res.writeHead(303, { Location: '/echo' }).end();
    if (where === '/echo') return json(200, { method: req.method, token: req.headers['x-auth-token'] ?? null, body });
    if (where === '/no-content') return void res.writeHead(204).end();
    if (where === '/slow') return; // never answers
    json(404, { error: { message: 'no such path' } });
  });
}

before(async () => {
  if (skip) return;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 've-tls-'));
  await fs.writeFile(path.join(dir, 'openssl.cnf'), OPENSSL_CONFIG);
  makeCa('ca');
  makeCa('other-ca');
  run('req', '-new', '-config', 'openssl.cnf', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'openssl.cnf', '-extensions', 'leaf');
  caPem = path.join(dir, 'ca.pem');
  otherCaPem = path.join(dir, 'other-ca.pem');
  // The server sends its own certificate only, as most do: the client needs the CA.
  server = https.createServer({ key: await fs.readFile(path.join(dir, 'server.key')), cert: await fs.readFile(path.join(dir, 'server.pem')) }, fake);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** One cloud of a clouds.yaml written for the test: `extra` is YAML for cacert/verify/insecure. */
async function cloud(extra: string, authUrl = `${origin}/v3`, name = 'tls'): Promise<CloudConfig> {
  const file = path.join(dir, `clouds-${seen.length}-${Math.random().toString(36).slice(2)}.yaml`);
  await fs.writeFile(file, `clouds:\n  ${name}:\n${extra ? `    ${extra}\n` : ''}    region_name: RegionOne\n    auth:\n      auth_url: "${authUrl}"\n      username: demo\n      password: "${PASSWORD}"\n      project_name: demo\n      user_domain_name: Default\n      project_domain_name: Default\n`);
  return loadCloud(name, { clouds: file }, {});
}

/** The error `promise` rejects with, checked to hold no secret. */
async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(() => assert.fail('expected a refusal'), (e: unknown) => e);
  assert.ok(err instanceof ApiError, `not an ApiError: ${String(err)}`);
  noSecrets(err.message);
  return err;
}

function noSecrets(...texts: string[]): void {
  for (const text of texts) for (const secret of [PASSWORD, TOKEN]) assert.ok(!text.includes(secret), `a secret in: ${text}`);
}

test('cacert: Keystone and Cinder are reached over TLS verified against that bundle', async (t) => {
  if (skip) return t.skip(skip);
  const c = await cloud(`cacert: "${caPem}"`);
  assert.equal(c.cacert, caPem);
  const keystone = new Keystone(c, undefined);
  const token = await keystone.token();
  assert.equal(token.projectName, 'demo');
  assert.deepEqual((await keystone.projects()).map((p) => p.name), ['demo'], 'a gzip answer is decoded');
  // Cinder from the catalog, on the same https origin: its version document comes over the same transport.
  const api = await projectApi(keystone, 'p1', {});
  assert.deepEqual(api.volumeVersion, [3, 60]);
  const cinder = seen.filter((r) => r.path === '/v3/');
  assert.equal(cinder.at(-1)?.headers['x-auth-token'], TOKEN);
  noSecrets(...c.warnings);
});

test('without cacert an unknown CA is refused, naming the certificate problem and cacert', async (t) => {
  if (skip) return t.skip(skip);
  const err = await refusal(new Keystone(await cloud(''), undefined).token());
  assert.equal(err.kind, 'network');
  assert.match(err.message, /^Could not reach 127\.0\.0\.1:\d+: unable to verify the first certificate/);
  assert.match(err.message, /set cacert in clouds\.yaml/);
});

test('cacert of another CA: refused, and the message names that bundle', async (t) => {
  if (skip) return t.skip(skip);
  const err = await refusal(new Keystone(await cloud(`cacert: "${otherCaPem}"`), undefined).token());
  assert.equal(err.kind, 'network');
  assert.match(err.message, /unable to verify the first certificate \(the server's certificate is not signed by a CA of cacert .*other-ca\.pem\)/);
});

test('verify: false and insecure: true connect without checking, for that connection only, with a warning', async (t) => {
  if (skip) return t.skip(skip);
  for (const setting of ['verify: false', 'insecure: true']) {
    const c = await cloud(setting);
    assert.equal(c.verify, false);
    assert.ok(c.warnings.some((w) => /TLS certificates are not checked for this cloud/.test(w)), c.warnings.join(' | '));
    noSecrets(...c.warnings);
    const keystone = new Keystone(c, undefined);
    assert.equal((await keystone.token()).userName, 'demo', setting);
    assert.deepEqual((await projectApi(keystone, 'p1', {})).volumeVersion, [3, 60]);
  }
  // Nothing global changed: global fetch, and a cloud without the setting, still refuse the certificate.
  await assert.rejects(fetch(`${origin}/v3/`), (e: Error) => /unable to verify/.test(String((e.cause as Error | undefined)?.message)));
  assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
  await refusal(new Keystone(await cloud(''), undefined).token());
});

test('a cacert that cannot be read, or holds no certificate, is an error naming the file, before any request', async (t) => {
  if (skip) return t.skip(skip);
  const before = seen.length;
  const missing = path.join(dir, 'no-such-ca.pem');
  const err = await refusal(new Keystone(await cloud(`cacert: "${missing}"`), undefined).token());
  assert.equal(err.kind, 'network');
  assert.equal(err.message, `Cloud tls: cannot read the CA bundle of cacert, ${missing} (there is no such file). Nothing was sent; fix cacert in clouds.yaml.`);
  const notPem = path.join(dir, 'server.csr');
  assert.match((await refusal(new Keystone(await cloud(`cacert: "${notPem}"`), undefined).token())).message, /cacert .*server\.csr holds no PEM certificate/);
  assert.match((await refusal(new Keystone(await cloud(`cacert: "${dir}"`), undefined).token())).message, /it is a directory/);
  assert.equal(seen.length, before, 'no request was sent');
});

test('an injected fetch stays the transport (tests fake the server with it)', async (t) => {
  if (skip) return t.skip(skip);
  const urls: string[] = [];
  const keystone = new Keystone(await cloud(`cacert: "${path.join(dir, 'no-such-ca.pem')}"`), undefined, {
    fetch: async (request) => {
      urls.push(request.url);
      return new Response(JSON.stringify({ token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), user: { name: 'faked' }, catalog: [] } }), { status: 201, headers: { 'X-Subject-Token': 't' } });
    },
  });
  assert.equal((await keystone.token()).userName, 'faked');
  assert.deepEqual(urls, [`${origin}/v3/auth/tokens`]);
});

test('the TLS transport: redirects are errors (nothing sent where they point), bodies, no-content, timeout, cancel', async (t) => {
  if (skip) return t.skip(skip);
  let echoes = 0;
  const send = timedFetch({ fetch: tlsFetch({ ca: await fs.readFile(caPem, 'utf8'), rejectUnauthorized: true }), timeoutMs: 300, onRequestDone: ({ url }) => { if (url === '/echo') echoes++; } });
  const other = await refusal(send(new Request(`${origin}/to-other-origin`, { headers: { 'X-Auth-Token': TOKEN } })));
  assert.equal(other.status, 307);
  assert.match(other.message, /answered 307 Temporary Redirect, a redirect to https:\/\/localhost:\d+\/echo\. API calls do not follow redirects, so nothing was sent there/);
  const same = await refusal(send(new Request(`${origin}/see-other`, { method: 'POST', body: '{"a":1}', headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' } })));
  assert.equal(same.status, 303);
  assert.match(same.message, /The server may still have applied the request: refresh before trying again\.$/);
  assert.equal(echoes, 0, 'neither redirect was followed');
  const echo = await send(new Request(`${origin}/echo`, { method: 'PUT', body: 'ünïcode body' }));
  assert.deepEqual(await echo.json(), { method: 'PUT', token: null, body: 'ünïcode body' });
  const empty = await send(new Request(`${origin}/no-content`, { method: 'DELETE' }));
  assert.equal(empty.status, 204);
  assert.equal(await empty.text(), '');
  assert.equal((await refusal(send(new Request(`${origin}/slow`)))).kind, 'timeout');
  const controller = new AbortController();
  const cancelled = send(new Request(`${origin}/slow`, { signal: controller.signal }));
  setTimeout(() => controller.abort(), 50);
  assert.equal((await refusal(cancelled)).kind, 'cancelled');
  // Plain http is left to global fetch.
  const plain = http.createServer((_req, res) => res.end('plain')).listen(0, '127.0.0.1');
  await new Promise((resolve) => plain.once('listening', resolve));
  try {
    assert.equal(await (await send(new Request(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/`))).text(), 'plain');
  } finally {
    plain.closeAllConnections();
    plain.close();
  }
});

test('the real Keystone behind an https proxy: createBackend with cacert signs in and lists projects', async (t) => {
  if (skip) return t.skip(skip);
  const up = await fetch(`${REAL_KEYSTONE}/v3`).then((r) => r.ok, () => false);
  if (!up) return t.skip(`the project's OpenStack is not running (${REAL_KEYSTONE}; scripts/openstack/up.sh starts it)`);
  // The proxy forwards as is; the catalog still names plain-http loopback endpoints (plain http stays as it is).
  const proxy = https.createServer({ key: await fs.readFile(path.join(dir, 'server.key')), cert: await fs.readFile(path.join(dir, 'server.pem')) }, (req, res) => {
    const upstream = http.request(`${REAL_KEYSTONE}${req.url}`, { method: req.method, headers: { ...req.headers, host: '127.0.0.1:32500' } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const file = path.join(dir, 'real-clouds.yaml');
    await fs.writeFile(file, `clouds:\n  demo-tls:\n    cacert: "${caPem}"\n    region_name: RegionOne\n    auth:\n      auth_url: "https://127.0.0.1:${(proxy.address() as AddressInfo).port}/v3"\n      username: demo\n      password: demopass\n      project_name: demo\n      user_domain_name: Default\n      project_domain_name: Default\n`);
    const backend = await createBackend({ kind: 'openstack', cloud: 'demo-tls', cloudsYaml: file });
    assert.equal((await backend.whoAmI()).username, 'demo');
    assert.ok((await backend.listScopes()).some((s) => s.name === 'demo'));
  } finally {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  }
});
