import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from '../../src/sandbox/args';

const cli = path.resolve(__dirname, '../../src/sandbox/cli.ts');

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

test('prints one line with url and token, serves, and exits 0 on SIGTERM', async () => {
  const p = run(['--port', '0', '--transition-ms', '50', '--latency', '0', '--volumes', '3']);
  const deadline = Date.now() + 15_000;
  while (!p.out().includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const m = /^Waldur sandbox: url=(http:\/\/127\.0\.0\.1:\d+) token=([0-9a-f]+)\n$/.exec(p.out());
  assert.ok(m, `unexpected output: ${JSON.stringify(p.out())} ${p.err()}`);
  const [, url, token] = m;
  const res = await fetch(`${url}/api/users/me/`, { headers: { Authorization: `Token ${token}` } });
  assert.equal(res.status, 200);
  p.child.kill('SIGTERM');
  assert.equal(await p.exited, 0);
  assert.equal(p.out().split('\n').filter(Boolean).length, 1);
});

test('bad flags exit 2 with a clear message', async () => {
  const p = run(['--port', 'eighty']);
  assert.equal(await p.exited, 2);
  assert.match(p.err(), /--port needs a non-negative integer/);
  assert.match(p.err(), /Usage:/);
});

test('parseArgs', () => {
  assert.deepEqual(parseArgs(['--port', '8080', '--latency=25', '--volumes', '5000', '--transition-ms', '10']), { port: 8080, latencyMs: 25, volumes: 5000, transitionMs: 10 });
  assert.throws(() => parseArgs(['--what']), /unknown option/);
  assert.throws(() => parseArgs(['--volumes']), /needs a non-negative integer/);
  assert.throws(() => parseArgs(['--port', '70000']), /0\.\.65535/);
});
