// Shared helpers for the scripts that install and drive code-server (the real VS Code workbench
// + Node extension host, from npm) on machines where desktop VS Code cannot be downloaded.
// See ../shared/REAL-VSCODE.md for why each workaround exists.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR
  ? resolve(process.env.CODE_SERVER_DIR)
  : join(REPO, '.vscode-test', 'code-server');
export const CODE_SERVER_PKG = join(CODE_SERVER_DIR, 'node_modules', 'code-server');
/** Entry point of code-server's CLI; run it with the current node. */
export const CODE_SERVER_ENTRY = join(CODE_SERVER_PKG, 'out', 'node', 'entry.js');
export const INSTALLED_MARKER = join(CODE_SERVER_DIR, '.installed');
export const SCRATCH = join(REPO, '.vscode-test', 'scratch');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export function isCodeServerInstalled() {
  if (!existsSync(INSTALLED_MARKER) || !existsSync(CODE_SERVER_ENTRY)) return false;
  try {
    return JSON.parse(readFileSync(join(CODE_SERVER_PKG, 'package.json'), 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

/**
 * Environment with HOME/XDG/TMPDIR moved into a scratch folder so that neither npm, node-gyp
 * nor VS Code writes into the real home directory. The user's npmrc is kept (registry, cafile,
 * nodedir live there) and node-gyp is pointed at the headers that ship with this node.
 */
export function scratchEnv(base = process.env, root = SCRATCH) {
  const dirs = {
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CACHE_HOME: join(root, 'cache'),
    TMPDIR: join(root, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const env = { ...base, ...dirs };
  const realHome = base.HOME || homedir();
  if (!base.npm_config_userconfig && !base.NPM_CONFIG_USERCONFIG && existsSync(join(realHome, '.npmrc'))) {
    env.npm_config_userconfig = join(realHome, '.npmrc');
  }
  const headers = join(dirname(process.execPath), '..', 'include', 'node', 'common.gypi');
  if (!base.npm_config_nodedir && existsSync(headers)) env.npm_config_nodedir = resolve(dirname(process.execPath), '..');
  return env;
}

/** Run a command with inherited output; resolves with its exit code (never rejects on code). */
export function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: REPO, ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

export async function runOrThrow(cmd, args, opts = {}) {
  const code = await run(cmd, args, opts);
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}`);
}

export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePromise(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitForHealthz(port, timeoutMs = 60_000, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('code-server exited before it became healthy');
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  throw new Error(`code-server did not answer /healthz on port ${port} within ${timeoutMs} ms`);
}

/**
 * Start code-server in its own process group (detached = setsid) so that it and every child it
 * leaves behind (extension host, pty host, file watcher) can be stopped with one kill(-pgid).
 * Returns { proc, port, url, stop() }.
 */
export async function startCodeServer({
  port, host = '127.0.0.1', userDataDir, extensionsDir, extraArgs = [], env = process.env,
  stdio = ['ignore', 'pipe', 'pipe'], onOutput, healthTimeoutMs = 60_000,
} = {}) {
  if (!isCodeServerInstalled()) throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed; run: node scripts/install-code-server.mjs`);
  port = port ?? (await freePort());
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...extraArgs,
  ];
  const proc = spawn(process.execPath, args, { env, stdio, detached: true });
  let exited = false;
  proc.on('exit', () => { exited = true; });
  if (onOutput && proc.stdout) {
    proc.stdout.on('data', (d) => onOutput(String(d), 'stdout'));
    proc.stderr.on('data', (d) => onOutput(String(d), 'stderr'));
  }
  const stop = () => killGroup(proc);
  try {
    await waitForHealthz(port, healthTimeoutMs, () => !exited);
  } catch (e) {
    await stop();
    throw e;
  }
  return { proc, port, url: `http://${host}:${port}/`, stop };
}

/** SIGTERM the whole process group, SIGKILL after a grace period. */
export async function killGroup(proc, graceMs = 3000) {
  if (!proc || proc.pid === undefined) return;
  const alive = () => {
    try { process.kill(-proc.pid, 0); return true; } catch { return false; }
  };
  if (!alive()) return;
  try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(50);
  if (alive()) {
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

export function seconds(startMs) {
  return ((Date.now() - startMs) / 1000).toFixed(1) + ' s';
}

/**
 * Files under `dir` (recursively) whose name ends with `suffix`, as sorted paths relative to the
 * repository, e.g. findTests(join(REPO, 'test', 'unit'), '.test.ts'). Replaces a `**` glob, which
 * `node --test` only expands itself from Node 21 on.
 */
export function findTests(dir, suffix) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p, suffix));
    else if (e.name.endsWith(suffix)) out.push(relative(REPO, p));
  }
  return out.sort();
}
