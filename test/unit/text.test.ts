import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiError, defaultRestoreDescription, defaultRestoreName, defaultSnapshotName, describeForLog, errorSection, longText, text,
  validateDescription, validateName,
} from '../../src/core/index';
import { errorNode, present, volumeNode, type PresentContext } from '../../src/tree/nodes';
import { escapeMarkdown, hiddenCharacter, multilineText, plainText, uiText, withoutHidden } from '../../src/util/escape';
import { aProjectNode, aVolume, member, waldur } from './builders/models';

const pc: PresentContext = { backend: waldur, viewer: member };
const RLO = '\u202e';
/** Each kind of character that makes text read other than it is. */
const HOSTILE: Record<string, string> = {
  NUL: '\u0000', ESC: '\u001b', DEL: '\u007f', C1: '\u009b', RLO, LRO: '\u202d', RLI: '\u2067', PDI: '\u2069', RLM: '\u200f', ALM: '\u061c',
  ZWSP: '\u200b', WJ: '\u2060', BOM: '\ufeff', TAG: '\u{E0041}', HANGUL_FILLER: '\u3164',
};

test('plainText: line breaks become a space, every other hidden character a visible U+FFFD, on one bounded line', () => {
  assert.equal(plainText('a\nb\r\nc\td\u2028e'), 'a b c d e');
  for (const [name, c] of Object.entries(HOSTILE)) {
    assert.equal(plainText(`in${c}voice.exe`), 'in\ufffdvoice.exe', name);
  }
  assert.equal(plainText(`report-${RLO}exe.txt`), 'report-\ufffdexe.txt', 'the override no longer reverses what follows');
  assert.notEqual(plainText('ab'), plainText('a\u200bb'), 'two names that differ by a hidden character never look alike');
  assert.equal(plainText('emoji 👩‍💻 and Persian می‌خواهم'), 'emoji 👩‍💻 and Persian می‌خواهم', 'ZWJ and ZWNJ stay: scripts need them');
  const long = plainText('😀'.repeat(300), 101);
  assert.ok(long.length <= 101 && long.endsWith('…') && !/[\ud800-\udbff]…$/.test(long), 'cut at a code point, marked');
});

test('multilineText keeps line breaks and tabs, neutralises the rest, bounded', () => {
  assert.equal(multilineText(`line 1\r\nline 2\ttab${RLO}x\u0000`), 'line 1\nline 2\ttab\ufffdx\ufffd');
  assert.equal(multilineText('x'.repeat(10_000), 4000).length, 4000);
});

test('uiText: also inert for notification links and $(icon), idempotent, and keeps hidden characters out', () => {
  const shown = uiText(`[x](command:workbench.action.quit) $(alert) ${RLO}evil\u001b[31m`);
  assert.ok(!/\]\(|\$\(/.test(shown) && !shown.includes(RLO) && !shown.includes('\u001b'), shown);
  assert.equal(uiText(shown), shown);
});

test('escapeMarkdown: literal Markdown, no live bare URL or e-mail, bounded, one line', () => {
  const md = escapeMarkdown('see https://evil.example/x and www.evil.example or mail root@evil.example\n**bold** <img src=x>');
  assert.ok(!/https?:\/\//.test(md), `no scheme:// left intact: ${md}`);
  assert.ok(!/www\\?\./i.test(md) && !/@[a-z]/i.test(md), md);
  assert.ok(!md.includes('\n') && md.includes('\\*\\*bold\\*\\*') && md.includes('&lt;img'), md);
  assert.equal(md.replace(/[\\\u200c]/g, '').replace('&lt;', '<'), 'see https://evil.example/x and www.evil.example or mail root@evil.example **bold** <img src=x>', 'reads the same');
  assert.ok(escapeMarkdown('x'.repeat(1_000_000)).length <= 1000);
  assert.ok(escapeMarkdown('.'.repeat(1_000_000), 300).length <= 600, 'bounded before escaping doubles it');
});

test('a 1 MB error message makes a bounded row and tooltip', () => {
  const reason = `boom https://evil.example/ ${'x'.repeat(1_000_000)}`;
  const row = present(errorNode(aProjectNode(), { plural: 'volumes', where: 'in this project' }, reason), pc);
  assert.ok(row.label.length < 400, `label ${row.label.length}`);
  assert.ok(row.tooltip!.length < 1200, `tooltip ${row.tooltip!.length}`);
  assert.ok(!row.tooltip!.includes('https://'), 'the URL is not a link');
});

test('tree row, description and tooltip of a hostile volume show it neutralised', () => {
  const v = aVolume({ name: `inv${RLO}oice\nrm -rf`, instanceName: `web${RLO}01`, description: `a${'\u200b'}b https://x.example`, errorMessage: 'e'.repeat(1_000_000) });
  const row = present(volumeNode(v, aProjectNode()), pc);
  assert.equal(row.label, 'inv\ufffdoice rm -rf');
  assert.ok(!row.description!.includes(RLO));
  assert.ok(!row.tooltip!.includes(RLO) && !row.tooltip!.includes('\u200b') && !row.tooltip!.includes('https://'));
  assert.ok(row.tooltip!.length < 12_000, `tooltip ${row.tooltip!.length}`);
});

test('panel text: one-line fields, descriptions and errors neutralised and bounded', () => {
  assert.equal(text(`a${RLO}b`).text, 'a\ufffdb');
  assert.equal(longText(`one\ntwo${RLO}`, 'none').text, 'one\ntwo\ufffd');
  const [section] = errorSection(true, `bad${RLO}\n${'m'.repeat(100_000)}`, 't'.repeat(1_000_000));
  assert.ok(section && section.type === 'error');
  assert.ok(!section.message.includes(RLO) && section.message.length <= 4000);
  assert.ok(section.traceback!.length <= 20_000);
});

test('names: control, bidirectional and invisible characters are refused with where and what', () => {
  assert.equal(validateName('data-01'), undefined);
  assert.equal(validateName('données 数据 👩‍💻'), undefined);
  assert.equal(validateName(`inv${RLO}oice`, 'volume name'), 'The volume name contains a right-to-left override (U+202E) at position 4, which would make it read differently from what it is; remove it.');
  assert.match(validateName('a\nb')!, /a line break \(U\+000A\) at position 2/);
  assert.match(validateName('a\u0000')!, /a NUL character \(U\+0000\)/);
  assert.match(validateName('a\u001b[31m')!, /an escape character \(ESC\) \(U\+001B\)/);
  assert.match(validateName('a\u200bb')!, /a zero-width space \(U\+200B\)/);
  assert.match(validateName('😀\u{E0041}')!, /an invisible character \(U\+E0041\) at position 2/);
  for (const [name, c] of Object.entries(HOSTILE)) assert.ok(validateName(`x${c}y`), name);
  assert.equal(hiddenCharacter('plain'), undefined);
});

test('descriptions may keep line breaks and tabs, nothing else hidden', () => {
  assert.equal(validateDescription('line 1\nline 2\r\n\tindented'), undefined);
  assert.match(validateDescription(`x${RLO}`)!, /right-to-left override/);
  assert.match(validateDescription('x\u2028')!, /line separator/);
});

test('defaults derived from a hostile name pass validation', () => {
  const hostile = `inv${RLO}oice\n${'\u200b'}${'y'.repeat(200)}`;
  for (const name of [defaultSnapshotName(hostile), defaultRestoreName(hostile)]) {
    assert.equal(validateName(name), undefined, name);
    assert.ok(name.length <= 150);
  }
  assert.equal(validateDescription(defaultRestoreDescription(hostile)), undefined);
  assert.equal(withoutHidden(`a${RLO}b\nc`), 'ab c');
  assert.equal(defaultSnapshotName('data-01'), 'data-01-snapshot');
});

test('log lines: one line, no hidden characters, the body bounded', () => {
  const err = new ApiError({ kind: 'http', status: 502, message: `host answered\n[info] Connected ${RLO}`, method: 'GET', path: '/api/x/', body: `<html>\n${'b'.repeat(10_000)}` });
  const line = describeForLog(err);
  assert.ok(!/[\n\r]/.test(line) && !line.includes(RLO), line.slice(0, 200));
  assert.ok(line.length < 3000);
});
