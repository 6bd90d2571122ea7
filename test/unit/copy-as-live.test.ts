/**
 * Copy as… against the real tools: the generated curl commands run in `sh` against the local
 * Waldur and the real OpenStack; the generated `openstack` commands run through python-openstackclient
 * (show, and create — which makes a real volume, deleted after); Terraform blocks go through
 * `terraform fmt` (offline: providers can't be installed here). Each tool missing is a skip, by name.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { copyAs, createBackend, type Backend, type Volume } from '../../src/core/index';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { gone, until } from './helpers/poll';

const run = promisify(execFile);
const has = async (tool: string, ...args: string[]): Promise<boolean> => run(tool, args, { timeout: 30_000 }).then(() => true, () => false);
const sh = (script: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> =>
  run('sh', ['-c', script], { env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 10_000_000 });

const cloudsYaml = process.env.VE_OPENSTACK_CLOUDS ?? path.resolve(__dirname, '../../.vscode-test/openstack/clouds.yaml');
let sandbox: Sandbox;
let waldur: Backend;
let tools: { curl: boolean; openstack: boolean; terraform: boolean };

before(async () => {
  sandbox = await startSandbox({ transitionMs: 10 });
  waldur = await createBackend({ kind: 'waldur', url: sandbox.url }, sandbox.token);
  tools = { curl: await has('curl', '--version'), openstack: await has('openstack', '--version'), terraform: await has('terraform', 'version') };
});
after(async () => {
  await sandbox.close();
});

test('curl (Waldur): the copied command, run in sh with WALDUR_TOKEN set, returns the volume and the snapshot', async (t) => {
  if (!tools.curl) return t.skip('curl is not installed');
  const [volume] = await waldur.listVolumes();
  const [snapshot] = await waldur.listSnapshots();
  for (const [kind, r] of [['volume', volume!], ['snapshot', snapshot!]] as const) {
    const { target, options } = await waldur.copyTarget(kind, r);
    const command = copyAs('curl', kind, r, target, options);
    assert.ok(!command.includes(sandbox.token), 'no token in the text');
    const { stdout } = await sh(command, { WALDUR_TOKEN: sandbox.token });
    assert.equal((JSON.parse(stdout) as { uuid: string }).uuid, r.id, command);
  }
});

test('terraform (Waldur): the import and resource blocks are valid HCL (terraform fmt)', async (t) => {
  if (!tools.terraform) return t.skip('terraform is not installed');
  const [volume] = await waldur.listVolumes();
  const { target, options } = await waldur.copyTarget('volume', volume!);
  const hcl = copyAs('terraform', 'volume', volume!, target, options);
  const { stdout } = await sh(`printf '%s' "$HCL" | terraform fmt -`, { HCL: hcl, TF_CLI_CONFIG_FILE: '/dev/null' });
  assert.match(stdout, /import \{/);
  assert.match(stdout, /resource "waldur_openstack_volume"/);
});

let os: Backend | undefined;
let osSkip: string | false = existsSync(cloudsYaml) ? false : `no OpenStack here (${cloudsYaml} not found; run scripts/openstack/up.sh)`;
const made: string[] = [];
before(async () => {
  if (osSkip) return;
  try {
    os = await createBackend({ kind: 'openstack', cloud: 'demo', cloudsYaml });
    await os.listScopes();
  } catch (err) {
    osSkip = `OpenStack did not answer: ${err instanceof Error ? err.message : String(err)}`;
  }
});
after(async () => {
  for (const id of made) await os?.getVolume(id).then((v) => os!.deleteVolume(v)).catch(() => undefined);
});

async function someVolume(): Promise<Volume> {
  const [scope] = await os!.listScopes();
  const volumes = await os!.listVolumes(scope);
  const v = volumes.find((x) => x.status.category === 'stable') ?? volumes[0];
  assert.ok(v, 'the stack has a volume');
  return v;
}

test('curl (OpenStack): the copied command, with OS_TOKEN from `openstack token issue`, returns the volume', async (t) => {
  if (osSkip) return t.skip(osSkip);
  if (!tools.curl || !tools.openstack) return t.skip('curl or the openstack CLI is not installed');
  const env = { OS_CLIENT_CONFIG_FILE: cloudsYaml };
  const token = (await sh('openstack --os-cloud demo token issue -f value -c id', env)).stdout.trim();
  const v = await someVolume();
  const { target, options } = await os!.copyTarget('volume', v);
  const command = copyAs('curl', 'volume', v, target, options);
  assert.ok(!command.includes(token));
  const { stdout } = await sh(command, { OS_TOKEN: token });
  assert.equal((JSON.parse(stdout) as { volume: { id: string } }).volume.id, v.id, command);
});

test('openstack CLI: `show` finds the volume; `create a copy` makes one with the same size, type and name', { timeout: 180_000 }, async (t) => {
  if (osSkip) return t.skip(osSkip);
  if (!tools.openstack) return t.skip('the openstack CLI is not installed');
  const env = { OS_CLIENT_CONFIG_FILE: cloudsYaml };
  const v = await someVolume();
  const { target, options } = await os!.copyTarget('volume', v);
  const show = copyAs('openstack-show', 'volume', v, target, options);
  assert.match((await sh(`${show} -f value -c id`, env)).stdout, new RegExp(v.id));
  const copyName = `ve-copy-${Date.now().toString(36)}`;
  const create = copyAs('openstack-create', 'volume', { ...v, name: copyName, description: 'copy; $(not run) \'quoted\'' }, target, options);
  const created = JSON.parse((await sh(`${create} -f json`, env)).stdout) as { id: string; size: number; type?: string; name: string; description: string };
  made.push(created.id);
  assert.equal(created.name, copyName);
  assert.equal(created.size, Math.ceil((v.sizeMiB ?? 0) / 1024));
  assert.equal(created.description, 'copy; $(not run) \'quoted\'', 'shell text stayed text');
  const copy = await until(() => os!.getVolume(created.id), (x) => x.status.category !== 'busy', 'the copy');
  assert.equal(copy.typeName, v.typeName);
  await os!.deleteVolume(copy);
  await until(() => gone(() => os!.getVolume(created.id)), Boolean, 'the copy to go');
  made.length = 0;
});
