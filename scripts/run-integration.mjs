#!/usr/bin/env node
// Integration tests: the mocha suite in test/integration/suite runs inside a real VS Code
// extension host through the standard `runTests()` of @vscode/test-electron.
//
// Which VS Code runs it:
//  - default: test/launcher/code-server-launcher, a stand-in VS Code executable that runs the suite
//    in code-server 4.100.3 (= VS Code 1.100.3) + headless chromium. Works offline; see
//    ../shared/REAL-VSCODE.md.
//  - VSCODE_EXECUTABLE=/path/to/code  : a desktop VS Code binary (same runTests call).
//  - VSCODE_EXECUTABLE=download       : let @vscode/test-electron download desktop VS Code
//    (the call minus vscodeExecutablePath; needs update.code.visualstudio.com; add xvfb-run on a
//    headless Linux box). Optionally VSCODE_VERSION=1.90.0 / stable / insiders.
// Extra knobs: VSCODE_LAUNCHER_TIMEOUT_MS (default 300000), VSCODE_LAUNCHER_VERBOSE=1.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO, run, seconds } from './lib/common.mjs';
import { installCodeServer } from './install-code-server.mjs';

const t0 = Date.now();
const LAUNCHER = join(REPO, 'test', 'launcher', 'code-server-launcher');
const override = process.env.VSCODE_EXECUTABLE;

console.log('[integration] building (node esbuild.mjs)');
if ((await run(process.execPath, ['esbuild.mjs'])) !== 0) {
  console.error('[integration] build failed');
  process.exit(1);
}
const suite = join(REPO, 'dist', 'test', 'index.js');
if (!existsSync(suite)) {
  console.error(`[integration] ${suite} was not built (is test/integration/suite/index.ts there?)`);
  process.exit(1);
}
if (!override) await installCodeServer();

const openstackClouds = process.env.VE_OPENSTACK_CLOUDS ?? join(REPO, '.vscode-test', 'openstack', 'clouds.yaml');
const scratch = mkdtempSync(join(tmpdir(), 've-integration-'));
const workspace = join(scratch, 'workspace');
const { mkdirSync } = await import('node:fs');
mkdirSync(workspace);
writeFileSync(join(workspace, 'README.md'), '# Volume Explorer integration-test workspace\n');

const options = {
  extensionDevelopmentPath: REPO,
  extensionTestsPath: suite,
  launchArgs: [
    workspace,
    `--user-data-dir=${join(scratch, 'user-data')}`,
    `--extensions-dir=${join(scratch, 'extensions')}`,
    '--disable-extensions',
  ],
  // Reaches the extension host (code-server's extension host inherits the server's environment).
  extensionTestsEnv: {
    VOLUME_EXPLORER_INTEGRATION: '1',
    VOLUME_EXPLORER_REPO: REPO,
    // The real OpenStack of scripts/openstack/up.sh, when it is there (its tests skip by name otherwise).
    ...(existsSync(openstackClouds) ? { OS_CLIENT_CONFIG_FILE: openstackClouds } : {}),
  },
};
if (!override) options.vscodeExecutablePath = LAUNCHER;
else if (override !== 'download') options.vscodeExecutablePath = override;
else if (process.env.VSCODE_VERSION) options.version = process.env.VSCODE_VERSION;

let code = 0;
try {
  console.log(`[integration] running ${suite} in ${options.vscodeExecutablePath ?? 'a downloaded VS Code'}`);
  await runTests(options);
} catch (err) {
  console.error(`[integration] ${err?.message ?? err}`);
  code = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
}
console.log(`[integration] ${code === 0 ? 'passed' : 'FAILED'} in ${seconds(t0)}`);
process.exit(code);
