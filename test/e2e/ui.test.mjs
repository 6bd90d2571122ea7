// UI test: the packaged extension in a real VS Code workbench, as a user sees it.
// Run with `npm run test:ui` (packages + installs the .vsix first) or directly with
// `node --test test/e2e/ui.test.mjs` (uses UI_EXTENSIONS_DIR if set, else installs dist/volume-explorer.vsix).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REPO, activeWebview, clickContextMenuItem, contextMenuLabels, editorTab, escapeRegExp, expandRow, installVsix, openViewContainer,
  openWorkbench, resizeSideBar, rowByLabel, rowTexts, runCommand, screenshot, serverOutput, sideBarRows,
  startCodeServer, stop, currentPage, toastMessages, waitUntil, VSIX,
} from './lib.mjs';

const CONTAINER_TITLE = 'Volume Explorer';
let workspace;
/** The volume whose snapshot the tree test opened (e.g. etl-staging). */
let treeVolume;

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

test('the .vsix installed here is small: under 400 KB (no screenshots inside)', (t) => {
  const { size } = statSync(VSIX);
  t.diagnostic(`.vsix: ${(size / 1024).toFixed(1)} KB`);
  assert.ok(size < 400 * 1024, `${VSIX} is ${(size / 1024).toFixed(1)} KB`);
});

test('the workbench renders', { timeout: 120_000 }, async () => {
  const page = currentPage();
  assert.ok(await page.locator('.part.editor').isVisible(), 'editor part visible');
  const file = await screenshot('workbench');
  console.log(`# screenshot ${file}`);
});

test('demo data: organization → project → volume → snapshot', { timeout: 180_000 }, async (t) => {
  const page = currentPage();
  try {
    // 1. The activity-bar container contributed by the extension.
    await page.locator(`.activitybar [aria-label^="${CONTAINER_TITLE}"]`).first().waitFor({ timeout: 30_000 });
    await openViewContainer(CONTAINER_TITLE);
    // Wide enough that volume descriptions ("250 GiB · in-use · → etl-runner") are not cut.
    t.diagnostic(`side bar width: ${await resizeSideBar(470)}`);

    // 2. Welcome view (no connection yet) → "Try the demo data".
    const demo = page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Try the demo data' }).first();
    await demo.waitFor({ timeout: 30_000 });
    const buttons = (await page.locator('.part.sidebar .welcome-view-content .monaco-button').allInnerTexts()).map((b) => b.trim());
    assert.deepEqual(buttons, ['Add Connection…', 'Try the demo data'], 'the welcome view offers both ways in');
    await screenshot('welcome');
    await demo.click();

    // 3. Expand the first organization, its first project, then the first volume with a twistie.
    const rows = sideBarRows();
    const org = rows.and(page.locator('[aria-level="1"][aria-expanded]')).first();
    await org.waitFor({ timeout: 60_000 });
    await expandRow(org);
    t.diagnostic(`organization: ${await org.locator('.label-name').first().innerText()}`);

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
      await page.mouse.move(900, 700); // no row tooltip over the rows below
      // Seen twice in CI (not here): the row open, no child row drawn after 30 s. Close and open it
      // once more before giving up, and say so.
      const shown = await child.waitFor({ timeout: 10_000 }).then(() => true, () => false);
      if (!shown) {
        t.diagnostic(`volume ${volumeName}: open but no child row after 10 s; closing and opening it again`);
        await volume.locator('.monaco-tl-twistie').click();
        await expandRow(volume);
        await child.waitFor({ timeout: 20_000 });
      }
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
      treeVolume = volumeName.trim();
      snapshot = child;
    }
    assert.ok(snapshot, `none of the first ${count} volumes of the first project shows a snapshot row`);

    // 4. Select the snapshot row.
    await snapshot.click();
    const snapshotName = await snapshot.locator('.label-name').first().innerText();
    assert.ok(snapshotName.trim().length > 0, 'snapshot row has a label');
    t.diagnostic(`snapshot: ${snapshotName}`);
    assert.equal(await snapshot.getAttribute('aria-selected'), 'true');
    // The click opens the snapshot's detail panel; let it draw before the picture.
    await activeWebview().locator('h1', { hasText: snapshotName.trim() }).waitFor({ timeout: 30_000 });

    const file = await screenshot('tree');
    console.log(`# screenshot ${file}`);
  } catch (err) {
    await screenshot('tree-failure').catch(() => {});
    err.message += `\n(screenshot: docs/screenshots/tree-failure.png)\n--- code-server output ---\n${serverOutput(20)}`;
    throw err;
  }
});

// ---- actions, jobs, panels and hostile names, in the same session, by mouse and keyboard ----

/** Runs `fn`; on failure saves docs/screenshots/<name>-failure.png and adds code-server's output. */
async function withFailureShot(name, fn) {
  try {
    return await fn();
  } catch (err) {
    await screenshot(`${name}-failure`).catch(() => {});
    err.message += `\n(screenshot: docs/screenshots/${name}-failure.png)\n--- code-server output ---\n${serverOutput(20)}`;
    throw err;
  }
}

/** A settled volume row's description: `250 GiB · in-use · → etl-runner` (no transitional state). */
const settled = (runtime) => new RegExp(`^\\d+ GiB · ${runtime}\\b`);
const isPlainVolume = (label) => !/fail/i.test(label) && !label.endsWith('-system');
const gibOf = (description) => Number(/^(\d+) GiB/.exec(description)?.[1]);

let extendTarget; // { label, gib } of the volume extended in step 2
const jobsStatusItem = () => currentPage().locator('.part.statusbar .statusbar-item[id$="volumeExplorer.jobs"]');

async function rowDescription(label) {
  return ((await rowByLabel(label).locator('.label-description').first().textContent()) ?? '').trim();
}

/** Clicks into an input, selects what it holds and types `text` over it, as a person would. */
async function typeInto(input, text) {
  await input.click();
  await currentPage().keyboard.press('ControlOrMeta+A');
  await currentPage().keyboard.type(text);
  assert.equal(await input.inputValue(), text, `typed "${text}" into the input`);
}

/** Opens a row's context menu with a right click. */
async function openContextMenu(label) {
  const row = rowByLabel(label);
  await row.click({ button: 'right' });
  return contextMenuLabels();
}

test('context menu of an in-use volume: detach, extend, snapshot — no attach', { timeout: 60_000 }, async (t) => {
  await withFailureShot('context-menu-in-use', async () => {
    const page = currentPage();
    const volumes = await rowTexts(3);
    const target = volumes.find((v) => settled('in-use').test(v.description) && isPlainVolume(v.label));
    assert.ok(target, `no settled in-use, non-bootable volume row among ${JSON.stringify(volumes)}`);
    t.diagnostic(`volume: ${target.label} (${target.description})`);

    const labels = await openContextMenu(target.label);
    t.diagnostic(`menu: ${labels.join(' | ')}`);
    for (const expected of ['Detach Volume…', 'Extend Volume…', 'Create Snapshot…']) {
      assert.ok(labels.includes(expected), `context menu of in-use ${target.label} lacks "${expected}": ${labels.join(' | ')}`);
    }
    assert.ok(!labels.includes('Attach Volume to Instance…'), `context menu of in-use ${target.label} offers "Attach Volume to Instance…": ${labels.join(' | ')}`);
    // Exactly what the rules allow an attached data volume for a staff user (unlink via `can=…unlink`):
    // no attach, retype (attached) or delete (attached).
    assert.deepEqual(labels, [
      'Show Details', 'Open as JSON', 'Open Instance as JSON', 'Open in Browser', 'Refresh',
      'Detach Volume…', 'Extend Volume…', 'Create Snapshot…', 'Edit Volume…', 'Pull Volume (Sync from Backend)',
      'Copy ID', 'Copy Name', 'Copy as…', 'Unlink Volume…',
    ]);
    console.log(`# screenshot ${await screenshot('context-menu-in-use')}`);

    await page.keyboard.press('Escape');
    await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 5_000 });
  });
});

test('extend an available volume: the job runs in the status bar and the row, then reports', { timeout: 120_000 }, async (t) => {
  await withFailureShot('job-running', async () => {
    const page = currentPage();
    const volumes = await rowTexts(3);
    const target = volumes.find((v) => settled('available').test(v.description) && isPlainVolume(v.label));
    assert.ok(target, `no settled available, non-bootable volume row among ${JSON.stringify(volumes)}`);
    const gib = gibOf(target.description);
    extendTarget = { label: target.label, gib };
    const newGib = gib + 10;
    t.diagnostic(`volume: ${target.label} (${target.description}) → ${newGib} GiB`);

    await openContextMenu(target.label);
    await clickContextMenuItem('Extend Volume…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    assert.equal(await input.inputValue(), String(gib + 1), `the Extend input of a ${gib} GiB volume is prefilled with the minimum ${gib + 1}`);
    await typeInto(input, String(newGib));
    await page.keyboard.press('Enter');

    // Irreversible: a modal names both sizes before anything is sent.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal((await dialog.locator('.dialog-message-text').innerText()).trim(), `Extend ${target.label} from ${gib} GiB to ${newGib} GiB?`);
    assert.match(await dialog.locator('.dialog-message-detail').innerText(), /cannot be undone/);
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Extend' }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 5_000 });

    // While the job runs: the status-bar item and a spinning icon on the row.
    const item = jobsStatusItem();
    await item.waitFor({ state: 'visible', timeout: 15_000 }).catch(async (err) => {
      const ids = await page.locator('.part.statusbar .statusbar-item').evaluateAll((els) => els.map((e) => `${e.id}=${e.textContent}`));
      throw new Error(`${err.message}\nstatus bar items: ${ids.join(' | ')}`);
    });
    const itemText = (await item.innerText()).trim();
    assert.match(itemText, /^Extending /, `status-bar jobs item text: "${itemText}"`);
    assert.ok(itemText.includes(`${target.label} to ${newGib} GiB`), `status-bar item names the volume and the new size: "${itemText}"`);
    const row = rowByLabel(target.label);
    const spinner = row.locator('.custom-view-tree-node-item-icon.codicon-modifier-spin');
    await spinner.waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(await spinner.evaluate((el) => el.classList.contains('codicon-sync')), 'the row icon is the spinning sync codicon');
    t.diagnostic(`running: status bar "${itemText}", row "${await rowDescription(target.label)}"`);
    console.log(`# screenshot ${await screenshot('job-running')}`);

    // The end: a notification, the status-bar item gone, the row at the new size.
    const done = await waitUntil(async () => (await toastMessages()).find((m) => m.includes('is now')),
      { timeout: 60_000, message: `a notification "${target.label} is now ${newGib} GiB."` });
    assert.equal(done, `${target.label} is now ${newGib} GiB.`, 'success notification');
    await item.waitFor({ state: 'hidden', timeout: 10_000 });
    await waitUntil(async () => (await rowDescription(target.label)).startsWith(`${newGib} GiB · available`),
      { timeout: 10_000, message: `row ${target.label} shows ${newGib} GiB · available` });
    await spinner.waitFor({ state: 'detached', timeout: 5_000 });
    extendTarget.gib = newGib;
  });
});

test('extend with bad input: "abc" is refused as you type, nothing is sent', { timeout: 60_000 }, async () => {
  await withFailureShot('extend-invalid', async () => {
    assert.ok(extendTarget, 'the extend test picked a volume');
    const page = currentPage();
    const before = await rowDescription(extendTarget.label);
    const toastsBefore = (await toastMessages()).length;

    await openContextMenu(extendTarget.label);
    await clickContextMenuItem('Extend Volume…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    assert.equal(await input.inputValue(), String(extendTarget.gib + 1), 'prefilled with the new minimum');
    await typeInto(input, 'abc');
    // The prompt itself mentions "whole number" too: wait for the error state, then read the message.
    await page.locator('.quick-input-widget .monaco-inputbox.error').waitFor({ state: 'visible', timeout: 10_000 });
    const message = (await page.locator('.quick-input-widget .quick-input-message').innerText()).trim();
    assert.match(message, /whole number/, 'the validation message');
    assert.ok(!message.startsWith('Current size'), `the validation message replaces the prompt: "${message}"`);
    console.log(`# screenshot ${await screenshot('extend-invalid')}`);
    // Enter on an invalid value must not accept it.
    await page.keyboard.press('Enter');
    assert.ok(await input.isVisible(), 'Enter on "abc" keeps the input box open');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 });

    await page.waitForTimeout(3_000); // long enough for a job to show up if one had been started
    assert.equal(await rowDescription(extendTarget.label), before, 'row description unchanged');
    assert.equal(await jobsStatusItem().count(), 0, 'no job in the status bar');
    assert.ok(!(await rowByLabel(extendTarget.label).locator('.codicon-modifier-spin').count()), 'no spinner on the row');
    const toasts = await toastMessages();
    assert.ok(toasts.length <= toastsBefore && !toasts.some((m) => /extend/i.test(m)), `no new notification: ${toasts.join(' | ')}`);
  });
});

/** Waits until the visible detail panel's h1 reads exactly `name`; returns the panel's frame. */
async function panelShowing(name, timeout = 30_000) {
  const wv = activeWebview();
  await waitUntil(async () => (await wv.locator('h1').first().textContent({ timeout: 1_000 })) === name,
    { timeout, message: `a detail panel whose h1 is "${name}"` });
  return wv;
}

/** Picks a color theme the way a person does: F1 → Preferences: Color Theme → type → Enter. */
async function chooseColorTheme(theme, workbenchClass) {
  const page = currentPage();
  // F1, type the command, click exactly "Preferences: Color Theme" (not "Browse Color Themes…").
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await page.keyboard.type('>Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row').filter({ visible: true })
    .filter({ has: page.locator('.label-name', { hasText: /^\s*Preferences: Color Theme\s*$/ }) }).first().click();
  await waitUntil(async () => (await input.getAttribute('placeholder'))?.toLowerCase().includes('theme'),
    { timeout: 10_000, message: 'the color theme picker' });
  await page.keyboard.type(theme);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: theme }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 15_000 });
}

let panelVolume; // the volume whose panel step 4 opened

test('detail panels: volume → snapshot, styled from the package, dark and light', { timeout: 180_000 }, async (t) => {
  await withFailureShot('panels', async () => {
    assert.ok(treeVolume, 'the tree test found a volume with snapshots');
    const page = currentPage();
    panelVolume = treeVolume;
    await runCommand('Notifications: Clear All Notifications');
    await runCommand('View: Close All Editors');
    await page.locator('.part.editor .tabs-container .tab').first().waitFor({ state: 'detached', timeout: 10_000 });

    // A click on the volume row opens its panel.
    await rowByLabel(panelVolume).click();
    let wv = await panelShowing(panelVolume);
    await wv.locator('section[data-section="timestamps"]').waitFor();
    const badges = await wv.locator('.subtitle .badge').allTextContents();
    assert.ok(badges.some((b) => /^State: \S/.test(b)), `a state badge in the header: ${JSON.stringify(badges)}`);
    const snapshots = wv.locator('section[data-section="snapshots"]');
    assert.match(await snapshots.locator('h2').innerText(), /^Snapshots \([1-9]\d*\)$/, 'the Snapshots section heading counts them');
    const links = snapshots.locator('button.link');
    assert.ok((await links.count()) >= 1, 'the Snapshots section has at least one link');
    assert.ok(await editorTab(panelVolume).isVisible(), `an editor tab titled "${panelVolume}"`);

    // panel.css from the package applied (VS Code's own webview defaults pad the body 0 20px and
    // keep the h1's margin), and the codicon font from the package loaded.
    const style = await wv.locator('body').evaluate(async (body) => {
      await document.fonts.ready;
      const cs = (sel) => getComputedStyle(document.querySelector(sel));
      const icon = document.querySelector('.codicon');
      return {
        sheets: [...document.styleSheets].map((s) => s.href ?? 'inline'),
        bodyPadding: cs('body').padding,
        h1Margin: cs('h1').margin,
        badgeRadius: cs('.badge').borderRadius,
        iconFont: icon ? getComputedStyle(icon).fontFamily : undefined,
        iconGlyph: icon ? getComputedStyle(icon, '::before').content : undefined,
        codiconFaces: [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'codicon').map((f) => f.status),
        bodyClass: body.className,
      };
    });
    t.diagnostic(`panel style: ${JSON.stringify(style)}`);
    assert.ok(style.sheets.some((h) => /panel\.css/.test(h)), `panel.css is linked: ${style.sheets.join(', ')}`);
    assert.equal(style.bodyPadding, '16px 24px 32px', 'body padding from panel.css');
    assert.equal(style.h1Margin, '0px', 'h1 margin from panel.css');
    assert.equal(style.badgeRadius, '10px', 'badge radius from panel.css');
    assert.match(style.iconFont ?? '', /codicon/, 'codicon elements use the codicon font');
    assert.notEqual(style.iconGlyph ?? 'none', 'none', 'codicon ::before has a glyph');
    assert.ok(style.codiconFaces.includes('loaded'), `the codicon font face loaded: ${JSON.stringify(style.codiconFaces)}`);
    assert.match(style.bodyClass, /vscode-dark/, 'dark theme in the webview');
    console.log(`# screenshot ${await screenshot('panel-volume-dark')}`);

    // A snapshot link opens the snapshot's panel in a tab of its own.
    const snapshotName = (await links.first().innerText()).trim();
    t.diagnostic(`snapshot link: ${snapshotName}`);
    await links.first().click();
    wv = await panelShowing(snapshotName);
    await editorTab(snapshotName).waitFor();
    assert.ok(await editorTab(panelVolume).isVisible(), 'the volume tab stays open next to it');
    assert.equal(await editorTab(snapshotName).getAttribute('aria-selected'), 'true', 'the snapshot tab is active');
    const fields = await wv.locator('section[data-section="overview"] dt').allInnerTexts();
    assert.ok(fields.includes('Keep until'), `a "Keep until" field: ${fields.join(', ')}`);
    assert.match(await wv.locator('section[data-section="restorations"] h2').innerText(), /^Restorations \(\d+\)$/, 'a Restorations section');
    const source = wv.locator('section[data-section="overview"] button.link', { hasText: panelVolume });
    assert.equal(await source.count(), 1, `the snapshot panel links back to ${panelVolume}`);
    console.log(`# screenshot ${await screenshot('panel-snapshot-dark')}`);

    // Light theme, as a person switches it.
    await chooseColorTheme('Light Modern', 'vs');
    wv = await panelShowing(snapshotName);
    await wv.locator('body.vscode-light').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300); // theme colours reach the webview with the class
    console.log(`# screenshot ${await screenshot('panel-snapshot-light')}`);

    await editorTab(panelVolume).click();
    wv = await panelShowing(panelVolume);
    await wv.locator('body.vscode-light').waitFor({ timeout: 10_000 });
    await wv.locator('section[data-section="timestamps"]').waitFor();
    await page.waitForTimeout(300);
    console.log(`# screenshot ${await screenshot('panel-volume-light')}`);
  }).finally(async () => {
    // Other screenshots stay dark, whatever happened above.
    if (!(await currentPage().locator('.monaco-workbench.vs-dark').count())) {
      if (await currentPage().locator('.quick-input-widget').isVisible()) await currentPage().keyboard.press('Escape');
      await chooseColorTheme('Dark Modern', 'vs-dark').catch(() => {});
    }
  });
  assert.ok(await currentPage().locator('.monaco-workbench.vs-dark').count(), 'back to Dark Modern');
});

test('a panel action button runs the job to its end (Pull)', { timeout: 120_000 }, async () => {
  await withFailureShot('panel-pull', async () => {
    assert.ok(panelVolume, 'the panel test opened a volume panel');
    await editorTab(panelVolume).click();
    const wv = await panelShowing(panelVolume);
    await wv.locator('body.vscode-dark').waitFor({ timeout: 10_000 });
    const pull = wv.locator('.actions button', { hasText: /^\s*Pull\s*$/ });
    await pull.waitFor({ timeout: 10_000 });
    await pull.click();
    const expected = `${panelVolume} is in sync with the backend.`;
    await waitUntil(async () => (await toastMessages()).includes(expected), { timeout: 60_000, message: `a notification "${expected}"` });
    await jobsStatusItem().waitFor({ state: 'hidden', timeout: 10_000 });
    // The panel's own status line ends the job too.
    await waitUntil(async () => /in sync with the backend/.test(await wv.locator('#status').innerText()),
      { timeout: 15_000, message: 'the panel status line reports the pull' });
    console.log(`# screenshot ${await screenshot('panel-pull-done')}`);
  });
});

const HOSTILE = '<img src=x onerror=alert(1)>[x](command:workbench.action.quit)';

test('a hostile name shows literally in row, tooltip, tab and panel; nothing runs', { timeout: 120_000 }, async (t) => {
  const page = currentPage();
  const dialogs = [];
  const onDialog = (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  };
  page.on('dialog', onDialog);
  try {
    await withFailureShot('hostile-name', async () => {
      await runCommand('Notifications: Clear All Notifications');
      const volumes = await rowTexts(3);
      const target = volumes.find((v) => settled('available').test(v.description) && isPlainVolume(v.label)
        && v.label !== extendTarget?.label && v.label !== panelVolume);
      assert.ok(target, `no other settled available volume among ${JSON.stringify(volumes)}`);
      t.diagnostic(`renaming ${target.label} (${target.description})`);

      // Its panel's "Edit…" button → Name → type the hostile name → Enter (the panel's buttons run
      // the same commands as the row's context menu).
      await rowByLabel(target.label).click();
      const before = await panelShowing(target.label);
      await before.locator('.actions button', { hasText: /^\s*Edit…\s*$/ }).click();
      const nameItem = page.locator('.quick-input-list .monaco-list-row').filter({ visible: true })
        .filter({ has: page.locator('.label-name', { hasText: /^Name$/ }) }).first();
      await nameItem.click();
      const input = page.locator('.quick-input-widget input');
      await waitUntil(async () => (await input.inputValue()) === target.label, { timeout: 10_000, message: 'the rename box, prefilled with the name' });
      await typeInto(input, HOSTILE);
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });

      // The row: the label literally, then back to a settled state (Update Scheduled → OK).
      const row = rowByLabel(HOSTILE);
      await row.waitFor({ timeout: 15_000 });
      await waitUntil(async () => settled('available').test(await rowDescription(HOSTILE)),
        { timeout: 30_000, message: 'the renamed row settles (Update Scheduled → OK)' });
      assert.equal((await row.locator('.label-name').innerText()).trim(), HOSTILE, 'row label is literal');
      assert.equal(await row.locator('img').count(), 0, 'no <img> in the row');

      // Its panel: h1 textContent literal, no img, no onerror attribute, tab title literal.
      await row.click();
      const wv = await panelShowing(HOSTILE);
      await wv.locator('section[data-section="timestamps"]').waitFor();
      assert.equal(await wv.locator('h1').first().textContent(), HOSTILE, 'panel h1 textContent is the name, literally');
      assert.equal(await wv.locator('img').count(), 0, 'no <img> element in the panel document');
      assert.equal(await wv.locator('[onerror]').count(), 0, 'no element with an onerror attribute in the panel document');
      assert.equal(await wv.locator('a[href^="command:"]').count(), 0, 'no command: link in the panel document');
      await editorTab(HOSTILE).waitFor({ timeout: 10_000 });

      // The row's tooltip: the name as text, no <img>, no command link.
      // Hovers only show while the workbench (not the webview) has focus: click the side bar's
      // empty space first, then move the pointer onto the row's label.
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      await page.mouse.click(sidebar.x + sidebar.width / 2, sidebar.y + sidebar.height - 40);
      const label = await row.locator('.label-name').boundingBox();
      await page.mouse.move(label.x + 5, label.y + label.height / 2, { steps: 5 });
      await page.mouse.move(label.x + 40, label.y + label.height / 2, { steps: 5 });
      const hover = page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
      await waitUntil(async () => (await hover.textContent({ timeout: 1_000 }))?.includes(HOSTILE),
        { timeout: 15_000, message: 'a tooltip showing the hostile name literally' });
      assert.equal(await hover.locator('img').count(), 0, 'no <img> in the tooltip');
      assert.equal(await hover.locator('a[href^="command:"], a[data-href^="command:"]').count(), 0, 'no command: link in the tooltip');
      console.log(`# screenshot ${await screenshot('hostile-name')}`);

      // The workbench is alive: the quit command did not run, and it still answers.
      await page.waitForTimeout(1_000);
      assert.ok(!page.isClosed(), 'page still open');
      assert.ok(await page.locator('.monaco-workbench .part.statusbar').isVisible(), 'workbench still rendered');
      await page.mouse.move(700, 600);
      await runCommand('View: Close All Editors');
      await editorTab(HOSTILE).waitFor({ state: 'detached', timeout: 10_000 });
      assert.deepEqual(dialogs, [], 'no browser dialog (alert) opened');
    });
  } finally {
    page.off('dialog', onDialog);
  }
});

// Notifications render `[text](command:…)` as a link; the extension breaks the syntax with a
// zero-width space (src/util/escape.ts uiText), which looks the same to a person.
test('notifications show a hostile name literally (no link that runs a command)', { timeout: 90_000 }, async () => {
  const page = currentPage();
  const row = rowByLabel(HOSTILE);
  assert.ok(await row.count(), 'the hostile-name test renamed a volume');
  await runCommand('Notifications: Clear All Notifications');
  await row.click();
  const wv = await panelShowing(HOSTILE);
  await wv.locator('.actions button', { hasText: /^\s*Pull\s*$/ }).click();
  const toast = page.locator('.notifications-toasts .notification-toast .notification-list-item-message', { hasText: 'is in sync' }).first();
  await toast.waitFor({ timeout: 60_000 });
  const { text, links } = await toast.evaluate((el) => ({
    text: el.textContent,
    links: [...el.querySelectorAll('a')].map((a) => `${a.outerHTML.slice(0, 200)}`),
  }));
  await page.waitForTimeout(800); // the toast fades in
  console.log(`# screenshot ${await screenshot('hostile-name-notification')}`);
  try {
    assert.deepEqual(links, [], `links in the notification "${text}"`);
    assert.equal(text.replace(/\u200c/g, ''), `${HOSTILE} is in sync with the backend.`, 'the notification shows the name literally');
  } finally {
    await runCommand('Notifications: Clear All Notifications');
    await runCommand('View: Close All Editors');
  }
});

// ---- prompts opened from a tree row keep keyboard focus ----
// Regression: re-reading the volume used to refresh its row right before the prompt, and VS Code's
// TreeView.doRefresh() ends with `if (this.focused) this.focus()`, taking focus back from the
// quick input that had just opened (the Edit pick closed itself; typed keys went to the tree).

test('context menu → Edit Volume…: the quick pick stays open', { timeout: 60_000 }, async () => {
  const page = currentPage();
  const volumes = await rowTexts(3);
  const target = volumes.find((v) => settled('available').test(v.description) && isPlainVolume(v.label));
  assert.ok(target, 'a settled available volume');
  try {
    await openContextMenu(target.label);
    await clickContextMenuItem('Edit Volume…');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: `Edit ${target.label}` }).waitFor({ state: 'attached', timeout: 10_000 });
    await page.waitForTimeout(1_000);
    assert.ok(await page.locator('.quick-input-widget').isVisible(), `the "Edit ${target.label}" quick pick closed by itself`);
  } finally {
    if (await page.locator('.quick-input-widget').isVisible()) await page.keyboard.press('Escape');
  }
});

test('context menu → Extend Volume…: the input box has keyboard focus', { timeout: 60_000 }, async () => {
  const page = currentPage();
  const volumes = await rowTexts(3);
  const target = volumes.find((v) => settled('available').test(v.description) && isPlainVolume(v.label));
  assert.ok(target, 'a settled available volume');
  try {
    await openContextMenu(target.label);
    await clickContextMenuItem('Extend Volume…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await page.waitForTimeout(1_000);
    const focused = await page.evaluate(() => document.activeElement?.className ?? '');
    assert.ok(await input.evaluate((el) => el === document.activeElement),
      `typing would go elsewhere (focused: ${focused}); Enter would then open the focused row's details instead of extending`);
  } finally {
    if (await page.locator('.quick-input-widget').isVisible()) await page.keyboard.press('Escape');
  }
});

// ---- find and take elsewhere ----

test('Filter Volumes… from the title bar: only in-use rows, the message line says so, Clear Filter shows all', { timeout: 90_000 }, async (t) => {
  await withFailureShot('filter', async () => {
    const page = currentPage();
    const before = await rowTexts(3);
    assert.ok(before.some((v) => !/· in-use/.test(v.description)), 'some rows are not in-use before');
    await page.locator('.part.sidebar [aria-label="Filter Volumes…"]').first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await typeInto(input, 'status:in-use');
    await page.keyboard.press('Enter');
    await waitUntil(async () => {
      const rows = await rowTexts(3);
      return rows.length > 0 && rows.every((v) => /· in-use\b/.test(v.description));
    }, { timeout: 20_000, message: 'only in-use volume rows' });
    const message = (await page.locator('.part.sidebar .message').first().innerText()).trim();
    t.diagnostic(`message: ${message}`);
    assert.match(message, /Filter: in-use/);
    console.log(`# screenshot ${await screenshot('filter')}`);
    await page.locator('.part.sidebar [aria-label="Clear Filter"]').first().click();
    await waitUntil(async () => (await rowTexts(3)).some((v) => !/· in-use/.test(v.description)), { timeout: 20_000, message: 'all rows again' });
  });
});

test('Copy as…: the formats for a volume; the choice is copied and said in the status bar', { timeout: 60_000 }, async () => {
  await withFailureShot('copy-as', async () => {
    const page = currentPage();
    const volumes = await rowTexts(3);
    const target = volumes.find((v) => isPlainVolume(v.label));
    assert.ok(target, 'a volume row');
    await openContextMenu(target.label);
    await clickContextMenuItem('Copy as…');
    const rows = page.locator('.quick-input-list .monaco-list-row').filter({ visible: true });
    await rows.first().waitFor({ timeout: 10_000 });
    assert.equal(await rows.count(), 4, 'four formats for a volume');
    const text = (await rows.allInnerTexts()).join('\n');
    for (const label of ['OpenStack CLI: show', 'OpenStack CLI: create a copy', 'curl: API request', 'Terraform: import']) assert.ok(text.includes(label), `${label} in ${text}`);
    console.log(`# screenshot ${await screenshot('copy-as')}`);
    await rows.filter({ hasText: 'curl: API request' }).first().click();
    await waitUntil(async () => /Copied: curl: API request — set WALDUR_TOKEN first/.test(await page.locator('.part.statusbar').innerText()),
      { timeout: 10_000, message: 'the status bar says what was copied' });
  });
});

test('Insights: opened, it lists the demo\'s findings per project; a click selects the resource in Volumes', { timeout: 90_000 }, async (t) => {
  await withFailureShot('insights', async () => {
    const page = currentPage();
    const header = page.locator('.part.sidebar .pane-header', { hasText: /^\s*Insights/i }).first();
    await header.click();
    const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /Insights/i }) }).first();
    const findings = pane.locator('.monaco-list-row[aria-level="2"]');
    await findings.first().waitFor({ timeout: 30_000 });
    const project = (await pane.locator('.monaco-list-row[aria-level="1"] .label-name').first().innerText()).trim();
    const first = (await findings.first().locator('.label-name').innerText()).trim();
    const reason = (await findings.first().locator('.label-description').innerText()).trim();
    t.diagnostic(`${project}: ${first} — ${reason}`);
    assert.match(reason, /· \d/, 'a reason and a size');
    console.log(`# screenshot ${await screenshot('insights')}`);
    await findings.first().click();
    await waitUntil(async () => (await rowByLabel(first).getAttribute('aria-selected')) === 'true', { timeout: 20_000, message: `${first} selected in Volumes` });
    await header.click(); // closed again: it reads nothing while closed
  });
});

// ---- a row's click keeps the keyboard in the tree (as Explorer); Enter and double-click move it ----

/** Where the keyboard is: 'tree' (the side bar), 'webview' (a panel's frame) or the element's class. */
async function keyboardIn() {
  return currentPage().evaluate(() => {
    const el = document.activeElement;
    if (!el) return 'nothing';
    if (el.closest('.part.sidebar')) return 'tree';
    if (el.tagName === 'IFRAME' && el.closest('.webview, [class*="webview"]')) return 'webview';
    return el.tagName === 'IFRAME' ? 'webview' : `${el.tagName}.${el.className}`;
  });
}

test('Clean Up… from the Insights context menu: two findings selected, a preview, the count typed, one summary; they leave the view', { timeout: 120_000 }, async (t) => {
  await withFailureShot('cleanup', async () => {
    const page = currentPage();
    await runCommand('Notifications: Clear All Notifications');
    const header = page.locator('.part.sidebar .pane-header', { hasText: /^\s*Insights/i }).first();
    const volumesHeader = page.locator('.part.sidebar .pane-header', { hasText: /^\s*Volumes/i }).first();
    // The Volumes pane folded away so every finding row is on screen (the list draws only visible rows).
    await volumesHeader.click();
    await header.click();
    try {
      const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /Insights/i }) }).first();
      const findings = pane.locator('.monaco-list-row[aria-level="2"]');
      await findings.first().waitFor({ timeout: 30_000 });
      // Two snapshot findings of the demo (a deleted volume's, one past its keep-until, or old): deletable.
      const rows = await findings.evaluateAll((els) => els.map((e) => ({
        label: e.querySelector('.label-name')?.textContent?.trim() ?? '',
        description: e.querySelector('.label-description')?.textContent?.trim() ?? '',
      })));
      const picked = rows.filter((r) => /^(its volume is gone|kept until|\d+ days old)/.test(r.description)).slice(0, 2);
      assert.equal(picked.length, 2, `two snapshot findings among ${JSON.stringify(rows)}`);
      t.diagnostic(`cleaning up ${picked.map((r) => `${r.label} (${r.description})`).join(', ')}`);
      const rowOf = (label) => pane.locator('.monaco-list-row[aria-level="2"]', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
      await rowOf(picked[0].label).click();
      await rowOf(picked[1].label).click({ modifiers: ['Control'] });
      await rowOf(picked[1].label).click({ button: 'right' });
      await clickContextMenuItem('Clean Up…');

      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 15_000 });
      const message = (await dialog.locator('.dialog-message-text').innerText()).trim();
      assert.match(message, /^Delete 2 resources \(\d+(\.\d)? [GT]iB\)\?$/, message);
      const detail = await dialog.locator('.dialog-message-detail').innerText();
      for (const r of picked) assert.ok(detail.includes(r.label), `the preview names ${r.label}: ${detail}`);
      assert.match(detail, /one after another/);
      console.log(`# screenshot ${await screenshot('cleanup-preview')}`);
      await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Delete 2…' }).first().click();
      await dialog.waitFor({ state: 'hidden', timeout: 5_000 });
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await typeInto(input, '2');
      await page.keyboard.press('Enter');

      const summary = await waitUntil(async () => (await toastMessages()).find((m) => m.startsWith('Clean-up:')), { timeout: 60_000, message: 'the clean-up summary' });
      assert.match(summary, /^Clean-up: 2 of 2 deleted \(\d+(\.\d)? [GT]iB freed\)\.$/, summary);
      for (const r of picked) {
        await waitUntil(async () => (await rowOf(r.label).count()) === 0, { timeout: 20_000, message: `${r.label} gone from Insights` });
      }
    } finally {
      // As the other tests expect it: Insights closed, Volumes open.
      await page.keyboard.press('Escape');
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
      if ((await volumesHeader.getAttribute('aria-expanded')) !== 'true') await volumesHeader.click();
    }
  });
});

test('a project\'s panel (Show Details on its row): quota bars of its tenant, contents and findings', { timeout: 90_000 }, async (t) => {
  await withFailureShot('project-panel', async () => {
    const page = currentPage();
    await runCommand('View: Close All Editors');
    const projects = await rowTexts(2);
    const project = projects[0];
    assert.ok(project, 'a project row');
    await openContextMenu(project.label);
    await clickContextMenuItem('Show Details');
    const wv = await panelShowing(project.label);
    const quota = wv.locator('section[data-section^="quota"]').first();
    await quota.waitFor({ timeout: 20_000 });
    assert.match(await quota.locator('h2').innerText(), /^Quota of tenant /);
    const meters = quota.locator('[role="meter"]');
    assert.ok((await meters.count()) >= 2, 'bars for storage and counts');
    const storage = await meters.first().getAttribute('aria-label');
    assert.match(storage ?? '', /^Storage: \d+(\.\d)? of \d+ GiB \(\d+%\)$/);
    const width = await quota.locator('.meter-fill').first().evaluate((el) => el.style.width);
    assert.match(width, /^\d+%$/, 'the bar is drawn (width set through the CSSOM, no inline style attribute)');
    assert.ok(await wv.locator('section[data-section="findings"]').isVisible());
    t.diagnostic(`${project.label}: ${storage}`);
    await page.mouse.move(900, 760); // no row tooltip over the picture
    await page.waitForTimeout(600);
    console.log(`# screenshot ${await screenshot('project-panel')}`);
    await runCommand('View: Close All Editors');
  });
});

test('a single click shows the panel and keeps focus in the tree; Enter and double-click move it to the panel', { timeout: 90_000 }, async (t) => {
  await withFailureShot('row-focus', async () => {
    const page = currentPage();
    await runCommand('View: Close All Editors');
    const volumes = (await rowTexts(3)).filter((v) => isPlainVolume(v.label));
    assert.ok(volumes.length >= 2, 'two volumes to click');
    const [a, b] = volumes;

    await rowByLabel(a.label).click();
    await editorTab(a.label).waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(800);
    assert.equal(await keyboardIn(), 'tree', 'after a single click the keyboard stays in the tree');
    // Arrow keys go on browsing: the next row takes the focus, and a second click opens the next panel, focus still in the tree.
    await page.keyboard.press('ArrowDown');
    assert.equal(await keyboardIn(), 'tree');
    await rowByLabel(b.label).click();
    await editorTab(b.label).waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(800);
    assert.equal(await keyboardIn(), 'tree', 'a second single click: still in the tree');

    // Enter on the focused row: its panel, with the keyboard in it.
    await rowByLabel(a.label).click();
    await page.waitForTimeout(800);
    assert.equal(await keyboardIn(), 'tree');
    await page.keyboard.press('Enter');
    await waitUntil(async () => (await keyboardIn()) === 'webview', { timeout: 10_000, message: 'Enter moves the keyboard into the panel' });
    t.diagnostic('Enter: keyboard in the panel');

    // Enter on a project row still opens and closes it (our Enter hands over to the list's own).
    const projectRow = sideBarRows().and(page.locator('[aria-level="2"]')).first();
    await projectRow.click();
    const expandedBefore = await projectRow.getAttribute('aria-expanded');
    await page.keyboard.press('Enter');
    await waitUntil(async () => (await projectRow.getAttribute('aria-expanded')) !== expandedBefore, { timeout: 5_000, message: 'Enter toggles a project row' });
    await page.keyboard.press('Enter');
    await waitUntil(async () => (await projectRow.getAttribute('aria-expanded')) === expandedBefore, { timeout: 5_000, message: 'Enter toggles it back' });
    // (The click on the row toggled it too: leave it open for what follows.)
    if ((await projectRow.getAttribute('aria-expanded')) !== 'true') {
      await page.keyboard.press('Enter');
      await waitUntil(async () => (await projectRow.getAttribute('aria-expanded')) === 'true', { timeout: 5_000, message: 'the project open again' });
    }

    // A double click: the same.
    await runCommand('View: Close All Editors');
    await rowByLabel(b.label).dblclick();
    await editorTab(b.label).waitFor({ state: 'visible', timeout: 15_000 });
    await waitUntil(async () => (await keyboardIn()) === 'webview', { timeout: 10_000, message: 'a double click moves the keyboard into the panel' });
  });
});

// ---- several connections side by side ----

/** The side bar's rendered tree rows, in order: `{ index, level, label, description, expanded }`. */
async function treeRows() {
  const rows = await sideBarRows().evaluateAll((els) => els.map((e) => ({
    index: Number(e.getAttribute('data-index')),
    level: Number(e.getAttribute('aria-level')),
    label: (e.querySelector('.label-name')?.textContent ?? '').trim(),
    description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
    expanded: e.getAttribute('aria-expanded'),
  })));
  return rows.sort((a, b) => a.index - b.index);
}

/** The rendered row at `index` (a locator). */
const rowAtIndex = (index) => sideBarRows().and(currentPage().locator(`[data-index="${index}"]`));

/** The child row labelled `label` under the row at `parentIndex` (before the parent's next sibling). */
async function childRow(parentIndex, label) {
  return waitUntil(async () => {
    const rows = await treeRows();
    const parent = rows.find((r) => r.index === parentIndex);
    if (!parent) return undefined;
    for (const r of rows.filter((x) => x.index > parentIndex)) {
      if (r.level <= parent.level) return undefined;
      if (r.level === parent.level + 1 && r.label === label) return r;
    }
    return undefined;
  }, { timeout: 30_000, message: `a row "${label}" under row #${parentIndex}` });
}

test('two connections side by side: the demo and a second Waldur, each with its own tree', { timeout: 180_000 }, async (t) => {
  // A second Waldur-compatible server on loopback, from the packaged extension's own bundle.
  const require = createRequire(import.meta.url);
  const { startSandbox } = require(join(REPO, 'dist', 'sandbox.js'));
  const sandbox = await startSandbox({ transitionMs: 1500 });
  const host = new URL(sandbox.url).host;
  const LABEL = 'Waldur staging';
  try {
    await withFailureShot('connections', async () => {
      const page = currentPage();
      await runCommand('Notifications: Clear All Notifications');
      await runCommand('View: Close All Editors');

      // Connect as a person does: the palette, the URL, the token.
      await runCommand('Volume Explorer: Connect to Waldur…');
      const input = page.locator('.quick-input-widget input');
      await waitUntil(async () => /Waldur API URL/.test(await page.locator('.quick-input-widget').innerText()), { timeout: 10_000, message: 'the URL prompt' });
      await typeInto(input, `${sandbox.url}/api/`);
      await page.keyboard.press('Enter');
      await waitUntil(async () => /API token for/.test(await page.locator('.quick-input-widget').innerText()), { timeout: 10_000, message: 'the token prompt' });
      await input.fill(sandbox.token);
      await page.keyboard.press('Enter');
      await waitUntil(async () => (await toastMessages()).some((m) => m.startsWith(`Connected to ${host} as `)), { timeout: 30_000, message: 'the "Connected to …" notification' });

      // Two root rows now: the demo (added first) and the new one, labelled by its host.
      const roots = await waitUntil(async () => {
        const level1 = (await treeRows()).filter((r) => r.level === 1);
        return level1.length === 2 && level1.map((r) => r.label).join('|') === `Demo data|${host}` ? level1 : undefined;
      }, { timeout: 30_000, message: `two root rows "Demo data" and "${host}"` });
      t.diagnostic(`roots: ${JSON.stringify(roots)}`);
      assert.match(roots[0].description, /^kadri\.tamm @ 127\.0\.0\.1:\d+ \(demo data\)$/);
      assert.equal(roots[1].description, `kadri.tamm @ ${host}`);

      // Rename the new one from its row's context menu.
      const labels = await openContextMenu(host);
      t.diagnostic(`connection menu: ${labels.join(' | ')}`);
      for (const expected of ['Reconnect…', 'Rename Connection…', 'Make Connection Read-Only', 'Disconnect']) {
        assert.ok(labels.includes(expected), `the connection row's menu lacks "${expected}": ${labels.join(' | ')}`);
      }
      await clickContextMenuItem('Rename Connection…');
      await input.waitFor({ state: 'visible' });
      assert.equal(await input.inputValue(), host, 'the rename box is prefilled with the label');
      await typeInto(input, LABEL);
      await page.keyboard.press('Enter');
      await rowByLabel(LABEL).waitFor({ timeout: 10_000 });

      // Collapse both roots, then open the same organization and project in each.
      for (const label of [LABEL, 'Demo data']) {
        const r = rowByLabel(label);
        if ((await r.getAttribute('aria-expanded')) === 'true') await r.locator('.monaco-tl-twistie').click();
      }
      // The demo's Protein Folding (untouched by the tests above) and the new one's Teaching Sandbox.
      const opened = [['Demo data', 'Protein Folding'], [LABEL, 'Teaching Sandbox']];
      for (const [label, projectName] of opened) {
        const root = rowByLabel(label);
        await expandRow(root);
        const rootIndex = Number(await root.getAttribute('data-index'));
        const org = await childRow(rootIndex, 'Baltic Bioinformatics Consortium');
        await expandRow(rowAtIndex(org.index));
        const project = await childRow(org.index, projectName);
        await expandRow(rowAtIndex(project.index));
        const counted = await waitUntil(async () => {
          const p = (await treeRows()).find((r) => r.index === project.index);
          return p && /^\d+ volumes?$/.test(p.description) ? p : undefined;
        }, { timeout: 30_000, message: `the project row ${projectName} under ${label} counts its volumes` });
        // Both servers start from the same seed.
        const n = sandbox.store.volumes.filter((v) => v.project_name === projectName).length;
        assert.equal(counted.description, `${n} volume${n === 1 ? '' : 's'}`, `${projectName} of ${label}`);
        const orgRow = (await treeRows()).find((r) => r.index === org.index);
        assert.equal(orgRow.description, '3 projects', `the organization row counts its projects: ${JSON.stringify(orgRow)}`);
      }
      const rows = await treeRows();
      t.diagnostic(`rows: ${rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label} (${r.description})`).join(' / ')}`);
      assert.deepEqual(rows.filter((r) => r.level === 1).map((r) => r.label), ['Demo data', LABEL]);
      assert.ok(rows.filter((r) => r.level === 4).length >= 2, 'volume rows under both connections');
      await runCommand('Notifications: Clear All Notifications');
      await page.mouse.move(700, 600); // no hover on the tree in the picture
      await page.waitForTimeout(800);
      console.log(`# screenshot ${await screenshot('connections')}`);
    });
  } finally {
    await sandbox.close();
  }
});
