#!/usr/bin/env node
// `npm start`: build the extension and open it in VS Code for development.
//  - desktop `code` on PATH  -> `code --extensionDevelopmentPath=<repo> [folder]`
//  - otherwise               -> code-server 4.100.3 (installed on demand) on 127.0.0.1:$PORT
//    (default 8080), --auth none. code-server has no --extensionDevelopmentPath flag, so the
//    printed URL carries it in the workbench's `payload` query parameter, which opens an
//    Extension Development Host window loading dist/extension.js straight from this repo.
//    Rebuild with `npm run watch` in another terminal and run "Developer: Reload Window".
// Usage: npm start [-- <folder to open>]    Env: PORT, START_NO_DESKTOP=1 (force code-server)
// Ctrl-C stops code-server and everything it started (its process group).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO, run, scratchEnv, startCodeServer, seconds, CODE_SERVER_VERSION } from './lib/common.mjs';
import { installCodeServer } from './install-code-server.mjs';

const t0 = Date.now();
const folderArg = process.argv[2] ? resolve(process.argv[2]) : undefined;

console.log('[start] building (node esbuild.mjs)');
if ((await run(process.execPath, ['esbuild.mjs'])) !== 0) {
  console.error('[start] build failed');
  process.exit(1);
}

const hasDesktopCode = !process.env.START_NO_DESKTOP
  && spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim() !== ''
  && !/code-server/.test(spawnSync('code', ['--version'], { encoding: 'utf8' }).stdout ?? '');
if (hasDesktopCode) {
  console.log(`[start] launching desktop VS Code with --extensionDevelopmentPath=${REPO}`);
  process.exit(await run('code', [`--extensionDevelopmentPath=${REPO}`, ...(folderArg ? [folderArg] : [])]));
}

await installCodeServer();
const base = join(REPO, '.vscode-test', 'start');
const folder = folderArg ?? join(base, 'workspace');
const userDataDir = join(base, 'user-data');
const extensionsDir = join(base, 'extensions');
for (const d of [folder, join(userDataDir, 'User'), extensionsDir]) mkdirSync(d, { recursive: true });
const settings = join(userDataDir, 'User', 'settings.json');
if (!existsSync(settings)) {
  writeFileSync(settings, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' }, null, 2));
}

const port = Number(process.env.PORT || 8080);
const server = await startCodeServer({
  port, userDataDir, extensionsDir,
  env: scratchEnv(process.env, join(base, 'env')),
  stdio: ['ignore', 'inherit', 'inherit'],
});
const authority = `127.0.0.1:${port}`;
const payload = JSON.stringify([
  ['extensionDevelopmentPath', `vscode-remote://${authority}${REPO}`],
  ['skipWelcome', 'true'],
]);
const url = `http://${authority}/?${new URLSearchParams({ folder, payload })}`;
console.log(`
[start] code-server ${CODE_SERVER_VERSION} is running (${seconds(t0)}). Open in a browser:

  ${url}

[start] (the Extension Development Host with Volume Explorer loaded from ${REPO})
[start] plain workbench without the dev extension: http://${authority}/
[start] press Ctrl-C to stop`);

let stopping = false;
const shutdown = async (sig) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n[start] ${sig}: stopping code-server`);
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
server.proc.on('exit', (code) => {
  if (!stopping) {
    console.error(`[start] code-server exited (${code})`);
    process.exit(code ?? 1);
  }
});
