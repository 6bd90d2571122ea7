// Integration-test entry point (the `extensionTestsPath` of @vscode/test-electron's runTests).
// esbuild bundles only this file to dist/test/index.js (mocha stays external), so test files are
// imported statically below instead of being globbed at run time.
//
// To add a test file: create test/integration/suite/<name>.test.ts and add `import './<name>.test';`
// below the mocha-setup import (which must stay first: it defines suite()/test() globals).
import { mocha } from './mocha-setup';
import './smoke.test';
import './tree.test';
import './actions.test';
import './panels.test';
import './more-actions.test';
import './connections.test';
import './openstack.test';
import './faults.test';
import './inspect.test';
import './hygiene.test';

/** Summary line parsed by scripts/test-all.mjs; keep the format. */
export const SUMMARY_PREFIX = 'MOCHA_SUMMARY';

export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
        console.log(`${SUMMARY_PREFIX} passed=${stats.passes} failed=${stats.failures} pending=${stats.pending}`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      console.error(err);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
