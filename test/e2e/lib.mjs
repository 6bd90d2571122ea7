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
export async function startCodeServer({ extensionsDir, env = {}, userDataDir, extraArgs = [], settings = {} } = {}) {
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
    ...settings,
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

/**
 * Expand a collapsed tree row (click its twistie) and wait for it to be expanded. The locator is
 * asked again each time (a refresh may replace the row's element just as it is clicked: a
 * handle to the old one would never see it open), and the click is tried up to three times.
 */
export async function expandRow(row) {
  for (let attempt = 1; ; attempt++) {
    if ((await row.getAttribute('aria-expanded')) === 'true') return;
    await row.locator('.monaco-tl-twistie').click();
    try {
      await waitUntil(async () => (await row.getAttribute('aria-expanded')) === 'true', { timeout: 10_000, message: 'the row to expand' });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/**
 * Run a command through the command palette by its title. F1 can be swallowed (focus inside a
 * webview, or a palette still closing from the previous command on a busy machine): retry until
 * the palette is really open.
 */
export async function runCommand(title) {
  const p = currentPage();
  const widget = p.locator('.quick-input-widget');
  const input = p.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => p.keyboard.press('Escape'));
    await p.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt >= 4) throw err;
      // Move focus out of whatever swallowed the key (a webview): the side bar's title is inert.
      await p.locator('.part.sidebar .composite.title .title-label').first().click({ timeout: 2_000 }).catch(() => {});
    }
  }
  await input.fill(`>${title}`);
  await p.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await p.keyboard.press('Enter');
}

/** Polls `fn` until it returns a truthy value; fails with `message` (and the last value) after `timeout` ms. */
export async function waitUntil(fn, { timeout = 30_000, interval = 200, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for: ${message} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Drags the sash between the side bar and the editor so the side bar is `width` px wide. */
export async function resizeSideBar(width) {
  const p = currentPage();
  const sidebar = await p.locator('.part.sidebar').boundingBox();
  if (!sidebar) throw new Error('side bar not visible');
  const edge = sidebar.x + sidebar.width;
  const sashes = p.locator('.monaco-sash.vertical');
  let sash;
  for (let i = 0; i < (await sashes.count()); i++) {
    const box = await sashes.nth(i).boundingBox();
    if (box && box.height > sidebar.height / 2 && Math.abs(box.x + box.width / 2 - edge) <= 4) {
      sash = box;
      break;
    }
  }
  if (!sash) throw new Error(`no vertical sash at the side bar's edge (x=${edge})`);
  const x = sash.x + sash.width / 2; const y = sash.y + sash.height / 2;
  await p.mouse.move(x, y);
  await p.mouse.down();
  await p.mouse.move(x + (sidebar.x + width - edge) / 2, y, { steps: 5 });
  await p.mouse.move(sidebar.x + width, y, { steps: 5 });
  await p.mouse.up();
  return (await p.locator('.part.sidebar').boundingBox())?.width;
}

/** A side-bar tree row by its exact label. */
export function rowByLabel(label) {
  const p = currentPage();
  return sideBarRows().filter({ has: p.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
}

export function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `{ label, description }` of the side bar's rows at `level` (volumes are level 3). */
export async function rowTexts(level) {
  const rows = sideBarRows().and(currentPage().locator(`[aria-level="${level}"]`));
  const out = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push({
      label: (await row.locator('.label-name').first().innerText()).trim(),
      description: ((await row.locator('.label-description').first().textContent().catch(() => '')) ?? '').trim(),
    });
  }
  return out;
}

/** The open context menu's item labels (the menu may live in a shadow root; CSS locators pierce it). */
export async function contextMenuLabels() {
  const p = currentPage();
  const items = p.locator('.context-view .monaco-menu .action-item:not(.disabled) .action-label:not(.separator)');
  await items.first().waitFor({ state: 'visible', timeout: 10_000 });
  return (await items.allInnerTexts()).map((s) => s.trim()).filter(Boolean);
}

/** Clicks an item of the open context menu by its label. */
export async function clickContextMenuItem(label) {
  const p = currentPage();
  const menu = p.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item .action-label', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }).first();
  // Point at the item first, as a hand does: a click that lands while the menu is still settling
  // is ignored by the menu (it stays open), so try again if it did not close.
  for (let attempt = 1; ; attempt++) {
    await item.hover();
    await p.waitForTimeout(150);
    await item.click();
    try {
      await menu.waitFor({ state: 'hidden', timeout: 2_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw new Error(`context menu item "${label}" did not run after ${attempt} clicks`, { cause: err });
    }
  }
}

/** Visible notification toasts' messages. */
export async function toastMessages() {
  return (await currentPage().locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts()).map((s) => s.trim());
}

/** The body of the visible webview (detail panel): frame of `iframe#active-frame` inside `iframe.webview.ready`. */
export function activeWebview() {
  return currentPage().locator('iframe.webview.ready').filter({ visible: true }).first()
    .contentFrame().locator('iframe#active-frame').contentFrame();
}

/** The editor tab with exactly this label. */
export function editorTab(label) {
  const p = currentPage();
  return p.locator('.part.editor .tabs-container .tab')
    .filter({ has: p.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
}
