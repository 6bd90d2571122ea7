// Creates the Mocha instance and defines its globals (suite/test/setup/teardown… for the tdd UI,
// describe/it/before/after… for bdd) BEFORE any test file is evaluated. index.ts imports this
// module first, then the test files, so that their top-level suite()/test() calls register here.
import Mocha from 'mocha';

export const mocha = new Mocha({
  ui: 'tdd',
  timeout: 60_000,
  color: false,
  reporter: 'spec',
  // Development: `VE_TEST_GREP='hygiene|OpenStack' npm run test:integration` runs only the matching tests.
  ...(process.env.VE_TEST_GREP ? { grep: process.env.VE_TEST_GREP } : {}),
});

// Expose both UIs' globals: tdd (selected above) plus bdd, so either style works in test files.
Mocha.interfaces.bdd(mocha.suite);
mocha.suite.emit('pre-require', globalThis, 'integration-suite', mocha);
