#!/usr/bin/env node
// `npm test`: every check, in order, each as a child process whose output is shown as it runs:
//   1. typecheck        tsc --noEmit -p .
//   2. lint             eslint --max-warnings 0 .
//   3. api schema       node scripts/generate-api.mjs --check   (when the Waldur OpenAPI schema
//                       is at ../shared/waldur/waldur-openapi-8.0.5.yaml or WALDUR_OPENAPI is set)
//   4. openstack-up     bash scripts/openstack/up.sh   (a real Keystone, Cinder and Nova for the OpenStack tests;
//                       skipped by name when its packages are not installed; stopped at the end
//                       when this run started it)
//   5. unit             node --import tsx --test test/unit/**/*.test.ts   ("# pass N" / "# fail N"
//                       / "# skipped N" / "# todo N"; the files are found by findTests)
//   6. integration      node scripts/run-integration.mjs   (mocha in a real VS Code extension host;
//                       counts from its "MOCHA_SUMMARY passed=N failed=N pending=N" line)
//   7. ui               node scripts/run-ui.mjs            (node --test, as for unit)
// typecheck, lint, api schema and openstack-up count as 1 passed or 1 failed by their exit code.
// Keeps going after a failure. A stage that exits non-zero without reporting a failed test
// counts as one failure ("crashed"). Skipped = stages skipped (named in the summary) + tests the
// runners report as skipped, todo or pending. Last line: "N passed, N failed, N skipped";
// exit 1 if N failed > 0.
// Env: TEST_STAGES=typecheck,unit,...  to run a subset.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findTests, REPO, seconds } from './lib/common.mjs';

const node = process.execPath;

/** Counts from node's test runner (TAP "# pass N" when piped; spec reporter "ℹ pass N" on a TTY). */
function nodeTestCounts(text) {
  const num = (k) => {
    const all = [...text.matchAll(new RegExp(`^(?:#|ℹ) ${k} (\\d+)\\s*$`, 'gm'))];
    return all.length ? Number(all.at(-1)[1]) : undefined;
  };
  const passed = num('pass'); const failed = num('fail');
  if (passed === undefined && failed === undefined) return undefined;
  return { passed: passed ?? 0, failed: (failed ?? 0) + (num('cancelled') ?? 0), skipped: (num('skipped') ?? 0) + (num('todo') ?? 0) };
}

function mochaCounts(text) {
  const all = [...text.matchAll(/^MOCHA_SUMMARY passed=(\d+) failed=(\d+)(?: pending=(\d+))?/gm)];
  if (!all.length) return undefined;
  const m = all.at(-1);
  return { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) };
}

const exitCounts = (code) => (code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 });

// WALDUR_OPENAPI may be a path or an http(s) URL (generate-api.mjs reads it itself).
const schema = resolve(REPO, '..', 'shared', 'waldur', 'waldur-openapi-8.0.5.yaml');
const haveSchema = !!process.env.WALDUR_OPENAPI || existsSync(schema);
const unitTests = findTests(join(REPO, 'test', 'unit'), '.test.ts');

const stages = [
  { name: 'typecheck', cmd: node, args: [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.'],
    counts: (_t, code) => exitCounts(code) },
  { name: 'lint', cmd: node, args: [join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--max-warnings', '0', '.'],
    counts: (_t, code) => exitCounts(code) },
  { name: 'api-schema', cmd: node, args: ['scripts/generate-api.mjs', '--check'],
    skip: !existsSync(join(REPO, 'scripts', 'generate-api.mjs')) ? 'no scripts/generate-api.mjs'
      : !haveSchema ? `schema not found (${schema}; set WALDUR_OPENAPI)` : undefined,
    counts: (_t, code) => exitCounts(code) },
  // A real OpenStack for the OpenStack tests (scripts/openstack/up.sh; installed by setup.sh).
  // Its tests skip by name, with the reason, when it is not there.
  { name: 'openstack-up', cmd: 'bash', args: ['scripts/openstack/up.sh'],
    skip: !existsSync('/usr/lib/python3/dist-packages/keystone') || !existsSync('/usr/lib/python3/dist-packages/cinder') || !existsSync('/usr/lib/python3/dist-packages/nova')
      ? 'the OpenStack packages are not installed (bash scripts/openstack/install.sh)' : undefined,
    counts: (_t, code) => exitCounts(code) },
  { name: 'unit', cmd: node, args: ['--import', 'tsx', '--test', ...unitTests],
    skip: unitTests.length ? undefined : 'no test/unit/**/*.test.ts', counts: nodeTestCounts },
  { name: 'integration', cmd: node, args: ['scripts/run-integration.mjs'], counts: mochaCounts },
  { name: 'ui', cmd: node, args: ['scripts/run-ui.mjs'], counts: nodeTestCounts },
];

const only = process.env.TEST_STAGES?.split(',').map((s) => s.trim()).filter(Boolean);

function runStage(stage) {
  return new Promise((resolvePromise) => {
    let text = '';
    const child = spawn(stage.cmd, stage.args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.stdout.on('data', (d) => { text += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { text += d; process.stderr.write(d); });
    child.on('error', (e) => { text += String(e); resolvePromise({ code: 127, text }); });
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), text }));
  });
}

const results = [];
const tAll = Date.now();
let startedStack = false;
for (const stage of stages) {
  if (only && !only.includes(stage.name)) continue;
  if (stage.skip) {
    console.log(`\n=== ${stage.name}: skipped (${stage.skip})`);
    results.push({ name: stage.name, passed: 0, failed: 0, skipped: 1, note: `skipped: ${stage.skip}` });
    continue;
  }
  console.log(`\n=== ${stage.name}: ${[stage.cmd === node ? 'node' : stage.cmd, ...stage.args].join(' ')}`);
  const t0 = Date.now();
  const { code, text } = await runStage(stage);
  const counts = stage.counts(text, code);
  let passed = counts?.passed ?? 0;
  let failed = counts?.failed ?? 0;
  const skipped = counts?.skipped ?? 0;
  let note = `exit ${code}, ${seconds(t0)}`;
  if (code !== 0 && failed === 0) {
    failed += 1;
    note += counts ? ', exited non-zero with no failed test: counted as 1 failure' : ', crashed (no counts reported): counted as 1 failure';
  } else if (!counts) {
    note += ', no counts reported';
  }
  results.push({ name: stage.name, passed, failed, skipped, note });
  if (stage.name === 'openstack-up' && code === 0 && !/already running/i.test(text)) startedStack = true;
  console.log(`=== ${stage.name}: ${passed} passed, ${failed} failed, ${skipped} skipped (${note})`);
}

if (startedStack) {
  // Stop what this run started (its data stays for the next run).
  console.log('\n=== openstack: stopping the stack this run started');
  await runStage({ cmd: 'bash', args: ['scripts/openstack/down.sh'] });
}

const total = results.reduce(
  (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(`\n=== summary (${seconds(tAll)})`);
for (const r of results) {
  console.log(`  ${r.name.padEnd(12)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(4)} failed ${String(r.skipped).padStart(4)} skipped   ${r.note}`);
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
