#!/usr/bin/env node
// `npm run test:unit`: node's test runner on every test/unit/**/*.test.ts (found here, so it works
// on Node 20, whose `node --test` does not expand `**` globs). Extra arguments are passed to node
// before the files, e.g. `npm run test:unit -- --test-name-pattern=sandbox`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findTests, REPO } from './lib/common.mjs';

const files = findTests(join(REPO, 'test', 'unit'), '.test.ts');
if (!files.length) {
  console.error('no test/unit/**/*.test.ts found');
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...process.argv.slice(2), ...files], { cwd: REPO, stdio: 'inherit' });
child.on('error', (e) => {
  console.error(e);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
