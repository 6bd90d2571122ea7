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

    // Volumes are collapsible; a volume without snapshots shows an info placeholder row
    // ("No snapshots of this volume", codicon-info). Open volumes until one has a real snapshot.
    const volumes = rows.and(page.locator('[aria-level="3"][aria-expanded]'));
    await volumes.first().waitFor();
    let snapshot;
    const count = Math.min(await volumes.count(), 25);
    for (let i = 0; i < count && !snapshot; i++) {
      const volume = volumes.nth(i);
      const volumeName = await volume.locator('.label-name').first().innerText();
      await expandRow(volume);
      const index = Number(await volume.getAttribute('data-index'));
      const child = rows.and(page.locator(`[data-index="${index + 1}"][aria-level="4"]`));
      await child.waitFor({ timeout: 30_000 });
      await page.waitForTimeout(100); // let a "Loading…" placeholder be replaced
      const label = (await child.locator('.label-name').first().innerText()).trim();
      const placeholder = (await child.locator('.codicon-info, .codicon-loading, .codicon-error, .codicon-warning').count()) > 0
        || /^(no |loading)/i.test(label);
      if (placeholder) {
        t.diagnostic(`volume ${volumeName}: no snapshot ("${label}"), trying the next one`);
        await volume.locator('.monaco-tl-twistie').click(); // collapse again, keep the picture tidy
        continue;
      }
      t.diagnostic(`volume: ${volumeName}`);
      snapshot = child;
    }
    assert.ok(snapshot, `none of the first ${count} volumes of the first project shows a snapshot row`);

    // 4. Select the snapshot row.
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
