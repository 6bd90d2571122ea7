import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Window } from 'happy-dom' with { 'resolution-mode': 'import' };
import { render, renderSection, renderStatus, type Handlers, type ViewState } from '../../src/webview/main';
import { buildHtml, contentSecurityPolicy } from '../../src/webview/html';
import { snapshotDetails, volumeDetails } from './builders/panels';
import type { LocalRef } from '../../src/shared/protocol';
import { aRestoration, aSnapshotRecord, aVolumeRecord } from './builders/waldur-records';

const NOW = new Date('2026-03-04T10:00:00Z');
const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[x](command:workbench.action.quit)',
  '"><script>alert(2)</script>',
  "' onmouseover='alert(3)",
  '$(zap) &amp; <b>bold</b>',
];

// happy-dom is an ES module; the unit tests are compiled as CommonJS, so it is imported dynamically.
let HappyWindow: typeof Window;
before(async () => {
  ({ Window: HappyWindow } = await import('happy-dom'));
});
const windows: Window[] = [];
after(async () => {
  for (const w of windows) await w.happyDOM.close();
});

/** A fresh page with the three regions of buildHtml's body (the script itself is not loaded). */
function page(): Document {
  const window = new HappyWindow({ url: 'https://webview.invalid/' });
  windows.push(window);
  const doc = window.document as unknown as Document;
  for (const [tag, id] of [['header', 'header'], ['div', 'status'], ['main', 'content']] as const) {
    const node = doc.createElement(tag);
    node.id = id;
    doc.body.appendChild(node);
  }
  return doc;
}

function recorder(): Handlers & { calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  return {
    calls,
    action: (a: string) => calls.push(['action', a]),
    open: (ref: LocalRef) => calls.push(['open', ref]),
    refresh: () => calls.push(['refresh', undefined]),
  };
}

/** Nothing from the data became markup: no new elements, no event-handler attributes, no links. */
function assertInert(doc: Document): void {
  assert.equal(doc.querySelectorAll('img, script, iframe, object, embed, a, b, style, link').length, 0, 'no element from the data');
  for (const node of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(node.attributes)) {
      assert.ok(!/^on/i.test(attr.name), `no ${attr.name} attribute on <${node.tagName.toLowerCase()}>`);
      assert.ok(!/^\s*(javascript|command):/i.test(attr.value), `no script/command URL in ${attr.name}`);
    }
  }
}

function hostileVolume(name: string): ViewState {
  return {
    job: null,
    model: volumeDetails({
      volume: aVolumeRecord({
        name, description: name, type_name: name, availability_zone_name: name, project_name: name, customer_name: name,
        instance: 'https://w.example/api/openstack-instances/i1/', instance_name: name, device: name, runtime_state: 'in-use',
        source_snapshot: 'https://w.example/api/openstack-snapshots/src1/', image_name: name,
        state: 'Erred', error_message: name, error_traceback: `Traceback\n${name}`, marketplace_offering_name: name,
      }),
      snapshots: [aSnapshotRecord({ uuid: 'snap9', name })],
      sourceSnapshotName: name,
    }, { isStaff: false }, NOW),
  };
}

for (const [i, name] of HOSTILE.entries()) {
  test(`hostile volume text #${i + 1} shows literally and creates nothing: ${name}`, () => {
    const doc = page();
    render(doc, hostileVolume(name), recorder());
    assert.equal(doc.querySelector('h1')?.textContent, name);
    const text = doc.body.textContent ?? '';
    // name, description, type, zone, project, organization, instance, device, source, image, error, traceback, offering, snapshot row
    assert.ok(text.split(name).length - 1 >= 12, 'the name appears literally in every field that carries it');
    assert.equal(doc.querySelector('details pre')?.textContent, `Traceback\n${name}`);
    assertInert(doc);
  });
}

test('hostile snapshot and restoration names show literally', () => {
  const doc = page();
  const [name, other] = [HOSTILE[0]!, HOSTILE[1]!];
  render(doc, {
    job: { running: true, text: `Extending ${name}…`, tone: 'info' },
    error: `Couldn't load: ${other}`,
    model: snapshotDetails({ snapshot: aSnapshotRecord({ name, source_volume_name: other, description: other }), restorations: [aRestoration({ volume_name: name, volume_device: other })] }, { isStaff: true }, NOW),
  }, recorder());
  assert.equal(doc.querySelector('h1')?.textContent, name);
  assert.ok((doc.getElementById('status')?.textContent ?? '').includes(`Extending ${name}…`));
  assert.ok((doc.getElementById('status')?.textContent ?? '').includes(other));
  assert.ok((doc.querySelector('[data-section="restorations"] tbody')?.textContent ?? '').includes(name));
  assertInert(doc);
});

test('structure for keyboard and screen readers: headings, labelled buttons, scoped table headers', () => {
  const doc = page();
  const state: ViewState = {
    job: null,
    model: volumeDetails({ volume: aVolumeRecord(), snapshots: [aSnapshotRecord({ uuid: 's1', name: 'first' }), aSnapshotRecord({ uuid: 's2', name: 'second', created: '2026-03-03T10:00:00Z' })] }, { isStaff: false }, NOW),
  };
  render(doc, state, recorder());
  assert.equal(doc.querySelectorAll('h1').length, 1);
  assert.deepEqual(Array.from(doc.querySelectorAll('h2')).map((h) => h.textContent), ['Overview', 'Attachment', 'Origin', 'Snapshots (2)', 'Marketplace', 'Timestamps']);
  for (const section of Array.from(doc.querySelectorAll('section'))) {
    const labelledBy = section.getAttribute('aria-labelledby');
    assert.ok(labelledBy && doc.getElementById(labelledBy)?.tagName === 'H2', 'each section is labelled by its h2');
  }
  const buttons = Array.from(doc.querySelectorAll('.actions button'));
  assert.deepEqual(buttons.map((b) => b.textContent), ['Attach…', 'Extend…', 'Change Type…', 'Create Snapshot…', 'Edit…', 'Pull', 'Delete…', 'Refresh']);
  for (const b of Array.from(doc.querySelectorAll('button'))) {
    assert.equal(b.getAttribute('type'), 'button');
    assert.ok((b.textContent ?? '').trim() || b.getAttribute('aria-label'), 'every button has a label');
  }
  for (const icon of Array.from(doc.querySelectorAll('.codicon'))) assert.equal(icon.getAttribute('aria-hidden'), 'true');
  assert.deepEqual(Array.from(doc.querySelectorAll('thead th')).map((th) => [th.textContent, th.getAttribute('scope')]),
    [['Name', 'col'], ['Size', 'col'], ['Created', 'col'], ['Keep until', 'col']]);
  assert.deepEqual(Array.from(doc.querySelectorAll('tbody th')).map((th) => th.getAttribute('scope')), ['row', 'row']);
  const created = doc.querySelector('[data-section="timestamps"] time');
  assert.equal(created?.textContent, '3 days ago');
  assert.equal(created?.getAttribute('title'), '2026-03-01 10:00 UTC');
  assert.equal(created?.getAttribute('datetime'), '2026-03-01T10:00:00Z');
  const status = doc.getElementById('status');
  assert.equal(status?.textContent, '');
  assert.ok(doc.querySelectorAll('.badge .visually-hidden').length === 2, 'badges say what they are');
});

test('buttons and rows post the right intents; focus stays on the same control after a re-render', () => {
  const doc = page();
  const handlers = recorder();
  const state: ViewState = {
    job: null,
    model: volumeDetails({ volume: aVolumeRecord({ source_snapshot: 'https://w.example/api/openstack-snapshots/src1/' }), snapshots: [aSnapshotRecord({ uuid: 's1', name: 'first' })] }, { isStaff: false }, NOW),
  };
  render(doc, state, handlers);
  const extend = Array.from(doc.querySelectorAll('button')).find((b) => b.textContent === 'Extend…') as HTMLButtonElement;
  extend.click();
  (Array.from(doc.querySelectorAll('button')).find((b) => b.textContent === 'Refresh') as HTMLButtonElement).click();
  (doc.querySelector('[data-section="origin"] button.link') as HTMLButtonElement).click();
  (doc.querySelector('[data-section="snapshots"] tbody button.link') as HTMLButtonElement).click();
  (doc.querySelector('[data-section="snapshots"] tbody td') as HTMLElement).click();
  assert.deepEqual(handlers.calls, [
    ['action', 'extend'],
    ['refresh', undefined],
    ['open', { kind: 'snapshot', id: 'src1' }],
    ['open', { kind: 'snapshot', id: 's1' }],
    ['open', { kind: 'snapshot', id: 's1' }],
  ]);

  (Array.from(doc.querySelectorAll('button')).find((b) => b.textContent === 'Extend…') as HTMLButtonElement).focus();
  render(doc, state, handlers);
  assert.equal(doc.activeElement?.textContent, 'Extend…');
  assert.notEqual(doc.activeElement, extend, 're-rendered, yet focused again');
});

test('while disconnected: the action buttons are disabled with the reason, Refresh stays, a status note says why', () => {
  const doc = page();
  const handlers = recorder();
  const reason = 'waldur.example is not connected. Reconnect to act on this volume; what is shown may be out of date.';
  const model = { ...volumeDetails({ volume: aVolumeRecord(), snapshots: [] }, { isStaff: false }, NOW), disconnected: reason };
  render(doc, { job: null, model }, handlers);
  const buttons = Array.from(doc.querySelectorAll('.actions button')) as HTMLButtonElement[];
  const actions = buttons.filter((b) => b.textContent !== 'Refresh');
  assert.ok(actions.length >= 2, 'the actions are still shown');
  for (const b of actions) {
    assert.equal(b.disabled, true, `${b.textContent} is disabled`);
    assert.equal(b.getAttribute('title'), reason);
    b.click();
  }
  assert.deepEqual(handlers.calls, [], 'a disabled button posts nothing');
  const refresh = buttons.find((b) => b.textContent === 'Refresh')!;
  assert.equal(refresh.disabled, false);
  assert.equal(doc.querySelector('.hint.disconnected')?.textContent, reason);
  assert.equal(doc.querySelector('.hint.disconnected')?.getAttribute('role'), 'status');
});

test('status line: busy state, a running job, a finished job and an error, in an aria-live region', () => {
  const doc = page();
  const busy = volumeDetails({ volume: aVolumeRecord({ state: 'UPDATING', runtime_state: 'extending' }), snapshots: [] }, { isStaff: false }, NOW);
  const line = (state: ViewState): string => {
    const fragment = renderStatus(doc, state);
    const div = doc.createElement('div');
    div.appendChild(fragment);
    return `${div.querySelector('.codicon')?.className ?? ''} | ${div.textContent}`;
  };
  assert.equal(line({ job: null, model: busy }), 'codicon codicon-loading codicon-modifier-spin | data-01 is extending…');
  assert.equal(line({ job: { running: true, text: 'Extending data-01 to 50 GiB…', tone: 'info' }, model: busy }), 'codicon codicon-loading codicon-modifier-spin | Extending data-01 to 50 GiB…');
  assert.equal(line({ job: { running: false, text: 'data-01 is now 50 GiB.', tone: 'ok' } }), 'codicon codicon-pass | data-01 is now 50 GiB.');
  assert.equal(line({ job: null, error: 'Not connected to Waldur.' }), 'codicon codicon-error | Not connected to Waldur.');
  assert.equal(line({ job: null }), ' | ');

  render(doc, { job: null, model: busy }, recorder());
  const status = doc.getElementById('status')!;
  assert.equal(status.textContent, 'data-01 is extending…');
  assert.equal(doc.querySelectorAll('.actions button').length, 1, 'only Refresh while busy');
  assert.match(doc.querySelector('.hint')?.textContent ?? '', /available again/);
});

test('an error section folds the traceback into <details>', () => {
  const doc = page();
  const section = renderSection(doc, { type: 'error', id: 'error', heading: 'Error', message: 'Quota exceeded', traceback: 'Traceback…' }, recorder());
  assert.equal(section.querySelector('h2')?.textContent, 'Error');
  assert.equal(section.querySelector('.error-message')?.textContent, 'Quota exceeded');
  const details = section.querySelector('details');
  assert.ok(details && !details.hasAttribute('open'), 'folded by default');
  assert.equal(details.querySelector('summary')?.textContent, 'Traceback');
  assert.equal(details.querySelector('pre')?.textContent, 'Traceback…');
});

test('panel HTML: exactly the strict CSP, one nonce\'d script, nothing inline or remote', () => {
  const parts = {
    cspSource: 'https://abc.vscode-cdn.net',
    nonce: '6f1c0d2a-7b3e-4c5d-9e8f-0a1b2c3d4e5f',
    scriptUri: 'https://abc.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://abc.vscode-cdn.net/ext/dist/panel.css',
    codiconUri: 'https://abc.vscode-cdn.net/ext/dist/codicons/codicon.css',
  };
  const html = buildHtml(parts);
  const expected = "default-src 'none'; style-src https://abc.vscode-cdn.net; font-src https://abc.vscode-cdn.net; img-src https://abc.vscode-cdn.net; script-src 'nonce-6f1c0d2a-7b3e-4c5d-9e8f-0a1b2c3d4e5f'";
  assert.equal(contentSecurityPolicy(parts.cspSource, parts.nonce), expected);

  const window = new HappyWindow();
  windows.push(window);
  const doc = new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
  const csp = Array.from(doc.querySelectorAll('meta[http-equiv]'));
  assert.equal(csp.length, 1);
  assert.equal(csp[0]?.getAttribute('http-equiv'), 'Content-Security-Policy');
  assert.equal(csp[0]?.getAttribute('content')?.replace(/&#39;/g, "'"), expected);

  const scripts = Array.from(doc.querySelectorAll('script'));
  assert.equal(scripts.length, 1);
  assert.equal(scripts[0]?.getAttribute('nonce'), parts.nonce);
  assert.equal(scripts[0]?.getAttribute('src'), parts.scriptUri);
  assert.equal(scripts[0]?.textContent, '', 'no inline script');
  assert.equal((html.match(/nonce=/g) ?? []).length, 1);
  assert.deepEqual(Array.from(doc.querySelectorAll('link[rel="stylesheet"]')).map((l) => l.getAttribute('href')), [parts.codiconUri, parts.styleUri]);
  assert.equal(doc.querySelectorAll('style, [style]').length, 0, 'no inline styles');
  for (const node of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(node.attributes)) assert.ok(!/^on/i.test(attr.name), `no inline handler ${attr.name}`);
  }
  const urls = html.match(/https?:\/\/[^"'\s;]+/g) ?? [];
  assert.ok(urls.every((u) => u.startsWith(parts.cspSource)), `nothing remote: ${urls.join(', ')}`);
  for (const id of ['header', 'status', 'content']) assert.ok(doc.getElementById(id), `#${id} exists`);
  assert.equal(doc.getElementById('status')?.getAttribute('aria-live'), 'polite');
  assert.equal(doc.getElementById('status')?.getAttribute('role'), 'status');

  // Values are attribute-escaped: a hostile URI cannot break out of its attribute.
  const escaped = buildHtml({ ...parts, scriptUri: 'x" onload="alert(1)' });
  assert.ok(!escaped.includes('" onload="'));
});
