// UI test: the packaged extension in a real VS Code workbench, as a user sees it.
// Run with `npm run test:ui` (packages + installs the .vsix first) or directly with
// `node --test test/e2e/ui.test.mjs` (uses UI_EXTENSIONS_DIR if set, else installs dist/volume-explorer.vsix).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  expandRow, installVsix, openViewContainer, openWorkbench, screenshot, serverOutput, sideBarRows,
  startCodeServer, stop, currentPage,
} from './lib.mjs';

const CONTAINER_TITLE = 'Volume Explorer';
let workspace;

before(async () => {
  const extensionsDir = process.env.UI_EXTENSIONS_DIR || (await installVsix());
  workspace = mkdtempSync(join(tmpdir(), 've-ui-ws-'));
  writeFileSync(join(workspace, 'README.md'), '# Volume Explorer UI-test workspace\n');
  const { url } = await startCodeServer({ extensionsDir, env: { VOLUME_EXPLORER_UI_TEST: '1' } });
  await openWorkbench(`${url}?folder=${encodeURIComponent(workspace)}`);
});

after(async () => {
  await stop();
});

test('the workbench renders', { timeout: 120_000 }, async () => {
  const page = currentPage();
  assert.ok(await page.locator('.part.editor').isVisible(), 'editor part visible');
  const file = await screenshot('workbench');
  console.log(`# screenshot ${file}`);
});

test('demo data: organisation → project → volume → snapshot', { timeout: 180_000 }, async (t) => {
  const page = currentPage();
  try {
    // 1. The activity-bar container contributed by the extension.
    await page.locator(`.activitybar [aria-label^="${CONTAINER_TITLE}"]`).first().waitFor({ timeout: 30_000 });
    await openViewContainer(CONTAINER_TITLE);

    // 2. Welcome view (no connection yet) → "Try the demo data".
    const demo = page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Try the demo data' }).first();
    await demo.waitFor({ timeout: 30_000 });
    await screenshot('welcome');
    await demo.click();

    // 3. Expand the first organisation, its first project, then the first volume with a twistie.
    const rows = sideBarRows();
    const org = rows.and(page.locator('[aria-level="1"][aria-expanded]')).first();
    await org.waitFor({ timeout: 60_000 });
    await expandRow(org);
    t.diagnostic(`organisation: ${await org.locator('.label-name').first().innerText()}`);

    const project = rows.and(page.locator('[aria-level="2"][aria-expanded]')).first();
    await project.waitFor();
    await expandRow(project);
    t.diagnostic(`project: ${await project.locator('.label-name').first().innerText()}`);

    // Volumes with snapshots are collapsible (have a twistie); the others are leaves.
    const volume = rows.and(page.locator('[aria-level="3"][aria-expanded]')).first();
    await volume.waitFor();
    await expandRow(volume);
    t.diagnostic(`volume: ${await volume.locator('.label-name').first().innerText()}`);

    // 4. Select a snapshot row.
    const snapshot = rows.and(page.locator('[aria-level="4"]')).first();
    await snapshot.waitFor();
    await snapshot.click();
    const snapshotName = await snapshot.locator('.label-name').first().innerText();
    assert.ok(snapshotName.trim().length > 0, 'snapshot row has a label');
    t.diagnostic(`snapshot: ${snapshotName}`);
    assert.equal(await snapshot.getAttribute('aria-selected'), 'true');

    const file = await screenshot('tree');
    console.log(`# screenshot ${file}`);
  } catch (err) {
    await screenshot('tree-failure').catch(() => {});
    err.message += `\n(screenshot: docs/screenshots/tree-failure.png)\n--- code-server output ---\n${serverOutput(20)}`;
    throw err;
  }
});
