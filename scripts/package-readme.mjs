#!/usr/bin/env node
// The README that goes into the .vsix (`vsce package --readme-path dist/README.md`): README.md
// with each screenshot replaced by its description. The screenshots stay out of the package
// (they were 1.36 MB of 1.43 MB) and VS Code's Extensions page would not show relative images
// of an installed .vsix anyway; README.md in the repository keeps them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './lib/common.mjs';

const source = readFileSync(join(REPO, 'README.md'), 'utf8');
let replaced = 0;
const text = source.replace(/!\[([^\]]*)\]\((docs\/screenshots\/[^)\s]+\.png)\)/g, (_m, alt) => {
  replaced++;
  return `*(Screenshot in the repository's README: ${alt.replace(/\*/g, '')})*`;
});
if (/!\[[^\]]*\]\((?!https:)/.test(text)) {
  console.error('README.md has a relative image that is not a docs/screenshots PNG; the package would show it broken.');
  process.exit(1);
}
mkdirSync(join(REPO, 'dist'), { recursive: true });
writeFileSync(join(REPO, 'dist', 'README.md'), text);
console.log(`dist/README.md: ${replaced} screenshot(s) described, not shipped`);
