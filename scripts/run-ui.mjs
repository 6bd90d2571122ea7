#!/usr/bin/env node
// UI tests: package the extension (.vsix), install it into a fresh code-server extensions dir the
// way a user would, then run test/e2e/*.test.mjs with `node --test` (headless chromium driving the
// real VS Code 1.100 workbench; screenshots land in docs/screenshots/).
// Knobs: UI_VERBOSE=1 (code-server output + browser console), UI_SKIP_PACKAGE=1 (reuse dist/*.vsix).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, run, seconds } from './lib/common.mjs';
import { installCodeServer } from './install-code-server.mjs';

const t0 = Date.now();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!process.env.UI_SKIP_PACKAGE) {
  console.log('[ui] packaging (npm run package)');
  // stdin closed so that vsce can never stop to ask a question.
  const code = await run(npm, ['run', '--silent', 'package'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (code !== 0) {
    console.error('[ui] packaging failed');
    process.exit(1);
  }
}
await installCodeServer();

const scratch = mkdtempSync(join(tmpdir(), 've-ui-run-'));
let code = 1;
try {
  const { installVsix, VSIX } = await import('../test/e2e/lib.mjs');
  const extensionsDir = await installVsix(VSIX, join(scratch, 'extensions'));
  console.log(`[ui] installed ${VSIX} into ${extensionsDir} (${seconds(t0)})`);
  const tests = readdirSync(join(REPO, 'test', 'e2e')).filter((f) => f.endsWith('.test.mjs')).map((f) => join('test', 'e2e', f));
  code = await run(process.execPath, ['--test', '--test-concurrency=1', ...tests], {
    env: { ...process.env, UI_EXTENSIONS_DIR: extensionsDir },
  });
} catch (err) {
  console.error(`[ui] ${err?.stack ?? err}`);
} finally {
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
}
console.log(`[ui] ${code === 0 ? 'passed' : 'FAILED'} in ${seconds(t0)}`);
process.exit(code === 0 ? 0 : 1);
