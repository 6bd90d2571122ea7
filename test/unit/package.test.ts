import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { icon?: string; scripts: Record<string, string> };

test('the extension has a 128×128 PNG icon', () => {
  assert.equal(pkg.icon, 'media/icon.png');
  const png = readFileSync(path.join(REPO, pkg.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
});

test('the .vsix holds the bundles and icons, no screenshots, no sources (vsce ls)', { timeout: 60_000 }, () => {
  const vsce = path.join(REPO, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
  const files = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').map((f) => f.trim()).sort();
  // The bundles exist only after a build; whatever exists, nothing outside this list ships.
  const allowed = new Set([
    'CHANGELOG.md', 'LICENSE', 'README.md', 'dist/codicons/codicon.css', 'dist/codicons/codicon.ttf', 'dist/extension.js', 'dist/panel.css',
    'dist/sandbox.js', 'dist/webview.js', 'media/icon.png', 'media/volume-explorer.svg', 'package.json',
  ]);
  assert.deepEqual(files.filter((f) => !allowed.has(f)), [], 'nothing else is packaged');
  for (const f of ['package.json', 'README.md', 'media/icon.png', 'media/volume-explorer.svg']) assert.ok(files.includes(f), `${f} is packaged`);
  assert.match(pkg.scripts['package']!, /--readme-path dist\/README\.md/, 'the packaged README is the one with screenshots described');
});

test('the packaged README describes each screenshot instead of linking a file that is not shipped', () => {
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'package-readme.mjs')], { cwd: REPO });
  const readme = readFileSync(path.join(REPO, 'dist', 'README.md'), 'utf8');
  assert.doesNotMatch(readme, /!\[[^\]]*\]\((?!https:)/, 'no relative image left');
  const source = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const shots = source.match(/!\[[^\]]*\]\(docs\/screenshots\/[^)]+\)/g) ?? [];
  assert.ok(shots.length > 0);
  assert.equal((readme.match(/\*\(Screenshot in the repository's README: /g) ?? []).length, shots.length);
});
