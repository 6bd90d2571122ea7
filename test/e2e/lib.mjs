// UI-test helpers: a real VS Code workbench (code-server 4.100.3) in headless Debian chromium,
// driven by playwright-core. One code-server + one browser per process (module state).
//
//   const { url } = await startCodeServer({ extensionsDir, env });
//   const page = await openWorkbench(`${url}?folder=/some/dir`);
//   await screenshot('tree');        // -> docs/screenshots/tree.png
//   await stop();
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, CHROMIUM_ARGS, CODE_SERVER_ENTRY, REPO, run, scratchEnv,
  startCodeServer as startServer,
} from '../../scripts/lib/common.mjs';

export { REPO };
export const SCREENSHOT_DIR = join(REPO, 'docs', 'screenshots');
export const VSIX = join(REPO, 'dist', 'volume-explorer.vsix');

let server; let context; let page; let scratch;
const serverLog = [];

function scratchDir() {
  scratch ??= mkdtempSync(join(tmpdir(), 've-ui-'));
  return scratch;
}

/** Install a packaged .vsix into a fresh extensions dir (the way users get the extension). */
export async function installVsix(vsix = VSIX, extensionsDir = join(scratchDir(), 'extensions')) {
  if (!existsSync(vsix)) throw new Error(`${vsix} not found; run: npm run package`);
  mkdirSync(extensionsDir, { recursive: true });
  const env = scratchEnv(process.env, join(scratchDir(), 'env'));
  const code = await run(process.execPath, [CODE_SERVER_ENTRY, '--install-extension', vsix, '--extensions-dir', extensionsDir,
    '--user-data-dir', join(scratchDir(), 'install-user-data')], { env });
  if (code !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${code})`);
  return extensionsDir;
}

/** Start code-server (own process group, free port, --auth none) with the given extensions dir. */
export async function startCodeServer({ extensionsDir, env = {}, userDataDir, extraArgs = [] } = {}) {
  if (server) throw new Error('code-server already started');
  const dir = scratchDir();
  userDataDir ??= join(dir, 'user-data');
  extensionsDir ??= join(dir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }, null, 2));
  server = await startServer({
    userDataDir, extensionsDir, extraArgs,
    env: { ...scratchEnv(process.env, join(dir, 'env')), ...env },
    onOutput: (s) => {
      serverLog.push(s);
      if (serverLog.length > 300) serverLog.shift();
      if (process.env.UI_VERBOSE) process.stderr.write(s);
    },
  });
  return { url: server.url, port: server.port, userDataDir, extensionsDir };
}

/** Last lines code-server printed (for failure messages). */
export function serverOutput(lines = 40) {
  return serverLog.join('').split('\n').slice(-lines).join('\n');
}

/** Launch headless chromium, open the workbench at `url` and wait until it is rendered. */
export async function openWorkbench(url, { width = 1280, height = 800, timeout = 60_000 } = {}) {
  if (!context) {
    context = await chromium.launchPersistentContext(join(scratchDir(), 'chromium'), {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width, height },
      env: scratchEnv(process.env, join(scratchDir(), 'env')),
    });
    context.setDefaultTimeout(30_000);
  }
  page = context.pages()[0] ?? (await context.newPage());
  if (process.env.UI_VERBOSE) page.on('console', (m) => console.error(`[browser ${m.type()}] ${m.text()}`));
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('.activitybar').waitFor({ state: 'visible', timeout });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout });
  // The first paint uses the built-in light theme; wait until the configured dark theme applies
  // so screenshots are stable.
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 }).catch(() => {});
  return page;
}

export function currentPage() {
  if (!page) throw new Error('openWorkbench() first');
  return page;
}

/** Save a PNG of the page to docs/screenshots/<name>.png; returns the path. */
export async function screenshot(name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await currentPage().screenshot({ path: file });
  return file;
}

/** Close the browser, kill code-server's process group, remove scratch dirs. */
export async function stop() {
  const c = context; const s = server;
  context = undefined; server = undefined; page = undefined;
  if (c) await c.close().catch(() => {});
  if (s) await s.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  scratch = undefined;
}

// ---- workbench helpers (selectors that worked on VS Code 1.100) ----

/** Click an activity-bar entry by its title (aria-label starts with it). */
export async function openViewContainer(title) {
  const item = currentPage().locator(`.activitybar [aria-label^="${title}"]`).first();
  await item.click();
  return item;
}

/** Rows of the tree/list views in the side bar. */
export function sideBarRows() {
  return currentPage().locator('.part.sidebar .monaco-list-row');
}

/** Expand a collapsed tree row (click its twistie) and wait for it to be expanded. */
export async function expandRow(row) {
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    await row.locator('.monaco-tl-twistie').click();
  }
  await currentPage().waitForFunction(
    (el) => el.getAttribute('aria-expanded') === 'true', await row.elementHandle(), { timeout: 30_000 });
}

/** Run a command through the command palette by its title. */
export async function runCommand(title) {
  const p = currentPage();
  await p.keyboard.press('F1');
  const input = p.locator('.quick-input-widget input');
  await input.fill(`>${title}`);
  await p.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await p.keyboard.press('Enter');
}
