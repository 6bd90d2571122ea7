import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COPY_FORMATS, copyAs, hclString, shellQuote, terraformName, type CopyFormat, type CopyTarget } from '../../src/core/copy-as';
import type { Snapshot, Volume } from '../../src/core/model';

const VOL_ID = '6f2c1e9a-0b7d-4c1e-9f3a-2d5e8b7c4a10';
const SNAP_ID = 'b1d0c3e2-7a4f-4e8b-a2c6-9f1e0d3b5a77';
const stable = { category: 'stable', label: 'available' } as const;

const aVolume = (o: Partial<Volume> = {}): Volume => ({
  id: VOL_ID, name: 'data-01', description: '', sizeMiB: 40 * 1024, status: stable, runtimeState: 'available', bootable: false, projectId: 'prj1', ...o,
});
const aSnapshot = (o: Partial<Snapshot> = {}): Snapshot => ({
  id: SNAP_ID, name: 'data-01-snap', description: '', sizeMiB: 40 * 1024, status: stable, runtimeState: 'available', sourceVolumeId: VOL_ID, ...o,
});

const openstack: CopyTarget = { kind: 'openstack', apiUrl: 'https://cinder.example.com:8776/v3/9a8b7c/', cloud: 'mycloud', microversion: '3.70' };
const openstackBare: CopyTarget = { kind: 'openstack', apiUrl: 'https://cinder.example.com:8776/v3/9a8b7c' };
const waldur: CopyTarget = { kind: 'waldur', apiUrl: 'https://waldur.example.com/api/' };
const backend = { backendId: 'c1nder-v0l', sourceVolumeBackendId: 'c1nder-src' };

const hasSh = process.platform !== 'win32' && (() => { try { execFileSync('sh', ['-c', 'true']); return true; } catch { return false; } })();

/** The argv `sh` gives the command `name` in `line` (each argument NUL-terminated by a stand-in function). */
function argvOf(line: string, name: string, env: Record<string, string> = {}): string[] {
  const out = execFileSync('sh', ['-c', `${name}() { for a in "$@"; do printf '%s\\0' "$a"; done; }; ${line}`], { env: { PATH: process.env.PATH ?? '', ...env } });
  return out.toString('utf8').split('\0').slice(0, -1);
}

// --- openstack-show ------------------------------------------------------------------------------

test('openstack-show: volume and snapshot, with --os-cloud only when an OpenStack target names a cloud', () => {
  assert.equal(copyAs('openstack-show', 'volume', aVolume(), openstack), `openstack --os-cloud mycloud volume show ${VOL_ID}`);
  assert.equal(copyAs('openstack-show', 'snapshot', aSnapshot(), openstack), `openstack --os-cloud mycloud volume snapshot show ${SNAP_ID}`);
  assert.equal(copyAs('openstack-show', 'volume', aVolume(), openstackBare), `openstack volume show ${VOL_ID}`);
  assert.equal(copyAs('openstack-show', 'snapshot', aSnapshot(), openstackBare), `openstack volume snapshot show ${SNAP_ID}`);
  assert.equal(copyAs('openstack-show', 'volume', aVolume(), { ...openstack, cloud: 'my cloud' }), `openstack --os-cloud 'my cloud' volume show ${VOL_ID}`);
});

test('openstack-show on Waldur: the Cinder (backend) id, never the Waldur uuid', () => {
  assert.equal(copyAs('openstack-show', 'volume', aVolume(), waldur, backend), 'openstack volume show c1nder-v0l');
  assert.equal(copyAs('openstack-show', 'snapshot', aSnapshot(), waldur, backend), 'openstack volume snapshot show c1nder-v0l');
  assert.equal(copyAs('openstack-show', 'volume', aVolume(), { ...waldur, cloud: 'ignored' }, backend), 'openstack volume show c1nder-v0l');
});

test('the OpenStack CLI formats refuse a Waldur record without its backend id', () => {
  for (const format of ['openstack-show', 'openstack-create'] as const) {
    assert.throws(() => copyAs(format, 'volume', aVolume(), waldur), /Cinder id of this volume.*backend id/, format);
    assert.throws(() => copyAs(format, 'snapshot', aSnapshot(), waldur), /Cinder id of this snapshot.*backend id/, format);
    assert.throws(() => copyAs(format, 'volume', aVolume(), waldur, { backendId: '' }), /backend id/, format);
  }
  assert.throws(() => copyAs('openstack-show', 'volume', aVolume(), waldur), Error);
});

// --- openstack-create ----------------------------------------------------------------------------

test('openstack-create (volume): size, type, zone, description, bootable, read-only, name', () => {
  const v = aVolume({ typeName: 'ssd', availabilityZone: 'nova', description: 'Results of run 7', bootable: true, readOnly: true });
  assert.equal(copyAs('openstack-create', 'volume', v, openstack),
    "openstack --os-cloud mycloud volume create --size 40 --type ssd --availability-zone nova --description 'Results of run 7' --bootable --read-only data-01");
  assert.equal(copyAs('openstack-create', 'volume', aVolume(), openstackBare), 'openstack volume create --size 40 data-01');
  assert.equal(copyAs('openstack-create', 'volume', v, waldur, backend),
    "openstack volume create --size 40 --type ssd --availability-zone nova --description 'Results of run 7' --bootable --read-only data-01");
});

test('openstack-create (snapshot): the source volume, description, name', () => {
  assert.equal(copyAs('openstack-create', 'snapshot', aSnapshot({ description: 'before upgrade' }), openstack),
    `openstack --os-cloud mycloud volume snapshot create --volume ${VOL_ID} --description 'before upgrade' data-01-snap`);
  assert.equal(copyAs('openstack-create', 'snapshot', aSnapshot(), waldur, backend), 'openstack volume snapshot create --volume c1nder-src data-01-snap');
  assert.throws(() => copyAs('openstack-create', 'snapshot', aSnapshot(), waldur, { backendId: 'x' }), /Cinder id of this snapshot's source volume/);
  assert.throws(() => copyAs('openstack-create', 'snapshot', aSnapshot({ sourceVolumeId: undefined }), openstack), /source volume isn't known/);
  assert.throws(() => copyAs('openstack-create', 'snapshot', aSnapshot({ name: '' }), openstack), /no name/);
});

test('sizes: whole GiB rounded up; an unknown size is refused', () => {
  const size = (sizeMiB: number | undefined) => /--size (\d+)/.exec(copyAs('openstack-create', 'volume', aVolume({ sizeMiB }), openstackBare))?.[1];
  assert.equal(size(1), '1');
  assert.equal(size(1024), '1');
  assert.equal(size(1025), '2');
  assert.equal(size(1536), '2');
  assert.equal(size(40 * 1024), '40');
  assert.equal(size(40 * 1024 + 1), '41');
  for (const bad of [undefined, 0, -1, Number.NaN]) assert.throws(() => size(bad), /size of this volume isn't known/, String(bad));
  assert.match(copyAs('terraform', 'volume', aVolume({ sizeMiB: 1536 }), openstack), /size += 2 # GiB/);
  assert.match(copyAs('terraform', 'volume', aVolume({ sizeMiB: 1536 }), waldur), /size += 1536 # MiB/, 'Waldur sizes are MiB, unrounded');
});

// --- curl ----------------------------------------------------------------------------------------

test('curl: the API GET with the token as a shell variable, one slash between parts', () => {
  assert.equal(copyAs('curl', 'volume', aVolume(), waldur),
    `curl -sS -H "Authorization: Token $WALDUR_TOKEN" 'https://waldur.example.com/api/openstack-volumes/${VOL_ID}/'`);
  assert.equal(copyAs('curl', 'snapshot', aSnapshot(), waldur),
    `curl -sS -H "Authorization: Token $WALDUR_TOKEN" 'https://waldur.example.com/api/openstack-snapshots/${SNAP_ID}/'`);
  assert.equal(copyAs('curl', 'volume', aVolume(), openstack),
    `curl -sS -H "X-Auth-Token: $OS_TOKEN" -H 'OpenStack-API-Version: volume 3.70' 'https://cinder.example.com:8776/v3/9a8b7c/volumes/${VOL_ID}'`);
  assert.equal(copyAs('curl', 'snapshot', aSnapshot(), openstack),
    `curl -sS -H "X-Auth-Token: $OS_TOKEN" -H 'OpenStack-API-Version: volume 3.70' 'https://cinder.example.com:8776/v3/9a8b7c/snapshots/${SNAP_ID}'`);
  assert.equal(copyAs('curl', 'volume', aVolume(), openstackBare), `curl -sS -H "X-Auth-Token: $OS_TOKEN" 'https://cinder.example.com:8776/v3/9a8b7c/volumes/${VOL_ID}'`);
  assert.equal(copyAs('curl', 'volume', aVolume(), { kind: 'waldur', apiUrl: 'https://waldur.example.com/api' }),
    `curl -sS -H "Authorization: Token $WALDUR_TOKEN" 'https://waldur.example.com/api/openstack-volumes/${VOL_ID}/'`);
  assert.equal(copyAs('curl', 'volume', aVolume({ id: "a/b'c" }), openstackBare),
    `curl -sS -H "X-Auth-Token: $OS_TOKEN" 'https://cinder.example.com:8776/v3/9a8b7c/volumes/a%2Fb'\\''c'`, 'the id is one path segment');
  assert.doesNotMatch(copyAs('curl', 'volume', aVolume(), { kind: 'openstack', apiUrl: 'https://c.example/v3/p///' }), /p\/\/|\/\/volumes/);
});

test('curl through sh: the token comes from the variable, the URL stays one argument', { skip: !hasSh && 'no POSIX sh' }, () => {
  const argv = argvOf(copyAs('curl', 'volume', aVolume(), waldur), 'curl', { WALDUR_TOKEN: 'from-env' });
  assert.deepEqual(argv, ['-sS', '-H', 'Authorization: Token from-env', `https://waldur.example.com/api/openstack-volumes/${VOL_ID}/`]);
  assert.deepEqual(argvOf(copyAs('curl', 'snapshot', aSnapshot(), openstack), 'curl', { OS_TOKEN: 'tok' }),
    ['-sS', '-H', 'X-Auth-Token: tok', '-H', 'OpenStack-API-Version: volume 3.70', `https://cinder.example.com:8776/v3/9a8b7c/snapshots/${SNAP_ID}`]);
});

// --- terraform -----------------------------------------------------------------------------------

test('terraform (OpenStack): an import block and an openstack_blockstorage_volume_v3', () => {
  const v = aVolume({ typeName: 'ssd', availabilityZone: 'nova', description: 'Results' });
  assert.equal(copyAs('terraform', 'volume', v, openstack), [
    '# Terraform >= 1.5 (import block); provider source "terraform-provider-openstack/openstack".',
    'import {',
    '  to = openstack_blockstorage_volume_v3.data-01',
    `  id = "${VOL_ID}"`,
    '}',
    '',
    'resource "openstack_blockstorage_volume_v3" "data-01" {',
    '  name              = "data-01"',
    '  size              = 40 # GiB',
    '  volume_type       = "ssd"',
    '  availability_zone = "nova"',
    '  description       = "Results"',
    '}',
    '',
  ].join('\n'));
  assert.equal(copyAs('terraform', 'volume', aVolume({ name: 'scratch' }), openstackBare), [
    '# Terraform >= 1.5 (import block); provider source "terraform-provider-openstack/openstack".',
    'import {',
    '  to = openstack_blockstorage_volume_v3.scratch',
    `  id = "${VOL_ID}"`,
    '}',
    '',
    'resource "openstack_blockstorage_volume_v3" "scratch" {',
    '  name = "scratch"',
    '  size = 40 # GiB',
    '}',
    '',
  ].join('\n'));
});

const WALDUR_HEADER = [
  '# Terraform >= 1.5 (import block); provider source "waldur/waldur" (set it in required_providers).',
  '# Review the plan before applying: the provider does not read `offering` back on import, and',
  '# `project`/`offering` force replacement, hence ignore_changes below. `type` and',
  '# `availability_zone` are URLs in this provider; left out, they stay as imported.',
];

test('terraform (Waldur): waldur_openstack_volume by its uuid, size in MiB, project URL, the offering asked for', () => {
  assert.equal(copyAs('terraform', 'volume', aVolume({ description: 'Results' }), waldur), [
    ...WALDUR_HEADER,
    'import {',
    '  to = waldur_openstack_volume.data-01',
    `  id = "${VOL_ID}"`,
    '}',
    '',
    'variable "data_01_offering_url" {',
    '  description = "The URL of the Waldur marketplace offering this volume was ordered from"',
    '  type        = string',
    '}',
    '',
    'resource "waldur_openstack_volume" "data-01" {',
    '  name        = "data-01"',
    '  description = "Results"',
    '  size        = 40960 # MiB',
    '  project     = "https://waldur.example.com/api/projects/prj1/"',
    '  offering    = var.data_01_offering_url',
    '',
    '  lifecycle {',
    '    ignore_changes = [offering, project]',
    '  }',
    '}',
    '',
  ].join('\n'));
  assert.equal(copyAs('terraform', 'volume', aVolume(), waldur, { offeringUrl: 'https://waldur.example.com/api/marketplace-public-offerings/off1/' }), [
    ...WALDUR_HEADER,
    'import {',
    '  to = waldur_openstack_volume.data-01',
    `  id = "${VOL_ID}"`,
    '}',
    '',
    'resource "waldur_openstack_volume" "data-01" {',
    '  name     = "data-01"',
    '  size     = 40960 # MiB',
    '  project  = "https://waldur.example.com/api/projects/prj1/"',
    '  offering = "https://waldur.example.com/api/marketplace-public-offerings/off1/"',
    '',
    '  lifecycle {',
    '    ignore_changes = [offering, project]',
    '  }',
    '}',
    '',
  ].join('\n'));
  assert.throws(() => copyAs('terraform', 'volume', aVolume({ projectId: undefined }), waldur), /project isn't known/);
});

test('terraform has no snapshot resource in either provider, and the quick pick knows it', () => {
  assert.throws(() => copyAs('terraform', 'snapshot', aSnapshot(), openstack), /no snapshot resource in the OpenStack provider/);
  assert.throws(() => copyAs('terraform', 'snapshot', aSnapshot(), waldur), /Waldur Terraform provider has no snapshot resource/);
  const byFormat = new Map(COPY_FORMATS.map((f) => [f.format, f]));
  assert.deepEqual([...byFormat.keys()], ['openstack-show', 'openstack-create', 'curl', 'terraform']);
  assert.deepEqual(byFormat.get('terraform')!.kinds, ['volume']);
  for (const f of COPY_FORMATS) {
    assert.ok(f.label && f.detail, f.format);
    if (f.format !== 'terraform') assert.deepEqual(f.kinds, ['volume', 'snapshot'], f.format);
  }
});

test('terraform resource names: valid identifiers from the name, else volume_<first 8 of the id>', () => {
  assert.equal(terraformName('data-01', VOL_ID), 'data-01');
  assert.equal(terraformName('data 01 (copy)', VOL_ID), 'data_01_copy');
  assert.equal(terraformName('_private', VOL_ID), 'private');
  assert.equal(terraformName('$(rm -rf ~)', VOL_ID), 'rm_-rf');
  assert.equal(terraformName('2024-backup', VOL_ID), 'volume_2024-backup');
  assert.equal(terraformName('', VOL_ID), 'volume_6f2c1e9a');
  assert.equal(terraformName('🎉 ~~', VOL_ID), 'volume_6f2c1e9a');
  assert.equal(terraformName('', ''), 'volume');
  for (const name of ['', 'a', 'x'.repeat(200), '$(x)', '9', 'ünï', '\n', '-a-']) {
    assert.match(terraformName(name, VOL_ID), /^[A-Za-z_][A-Za-z0-9_-]*$/, JSON.stringify(name));
  }
  assert.match(copyAs('terraform', 'volume', aVolume({ name: '' }), openstack), /to = openstack_blockstorage_volume_v3\.volume_6f2c1e9a\n/);
});

// --- hostile values ------------------------------------------------------------------------------

const HOSTILE = ['$(rm -rf ~)', "'; echo pwned", 'two\nlines', '`id`', '${var}', 'a\x1b[201~\r\necho hi', '-rf', '--help', ' ', '~', '*', "''", '\\', 'ünï 🎉'];

test('shell words: plain tokens bare, anything else single-quoted with \'\\\'\' for quotes', () => {
  assert.equal(shellQuote('data-01'), 'data-01');
  assert.equal(shellQuote('a.b_c/d:e=f@g%h+i-j'), 'a.b_c/d:e=f@g%h+i-j');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('$(rm -rf ~)'), "'$(rm -rf ~)'");
  assert.equal(shellQuote("'; echo pwned"), "''\\''; echo pwned'");
  assert.equal(shellQuote('two\nlines'), "'two\nlines'");
  assert.equal(shellQuote('`id`'), "'`id`'");
  assert.equal(shellQuote('~'), "'~'");
  assert.equal(shellQuote('plain', true), "'plain'");
  assert.equal(shellQuote('a\x1b[201~b\tc'), `'a'"$(printf '\\033')"'[201~b'"$(printf '\\011')"'c'`, 'controls come from printf, never raw');
  assert.equal(shellQuote('\u009b'), `"$(printf '\\302\\233')"`);
});

test('hostile names in the commands: quoted, options that look like options kept as values', () => {
  assert.equal(copyAs('openstack-create', 'volume', aVolume({ name: '$(rm -rf ~)' }), openstackBare), "openstack volume create --size 40 '$(rm -rf ~)'");
  assert.equal(copyAs('openstack-create', 'volume', aVolume({ name: "'; echo pwned" }), openstackBare), "openstack volume create --size 40 ''\\''; echo pwned'");
  assert.equal(copyAs('openstack-create', 'volume', aVolume({ name: 'two\nlines' }), openstackBare), "openstack volume create --size 40 'two\nlines'");
  assert.equal(copyAs('openstack-create', 'volume', aVolume({ name: '-rf', description: '--help' }), openstackBare), 'openstack volume create --size 40 --description=--help -- -rf');
  assert.equal(copyAs('openstack-create', 'volume', aVolume({ typeName: '$(id)', availabilityZone: 'a z' }), openstackBare),
    "openstack volume create --size 40 --type '$(id)' --availability-zone 'a z' data-01");
  assert.equal(copyAs('openstack-show', 'volume', aVolume({ id: '$(id)' }), openstackBare), "openstack volume show '$(id)'");
  assert.equal(copyAs('openstack-show', 'volume', aVolume(), waldur, { backendId: "x'; id" }), "openstack volume show 'x'\\''; id'");
});

test('hostile names through sh: each value arrives as one argument, exactly, and nothing runs', { skip: !hasSh && 'no POSIX sh' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'copy-as-'));
  try {
    const canary = join(dir, 'pwned');
    const values = [...HOSTILE, `$(touch ${canary})`, `\`touch ${canary}\``, `'; touch ${canary}; '`, `x\ntouch ${canary}`];
    for (const value of values) {
      const v = aVolume({ name: value, description: value, typeName: value, availabilityZone: value });
      const argv = argvOf(copyAs('openstack-create', 'volume', v, { ...openstack, cloud: value }), 'openstack');
      const opt = (name: string) => (value.startsWith('-') ? [`${name}=${value}`] : [name, value]);
      assert.deepEqual(argv, [
        ...opt('--os-cloud'), 'volume', 'create', '--size', '40', ...opt('--type'), ...opt('--availability-zone'), ...opt('--description'),
        ...(value.startsWith('-') ? ['--'] : []), value,
      ], JSON.stringify(value));
      const s = aSnapshot({ id: value, name: value, description: value, sourceVolumeId: value });
      assert.deepEqual(argvOf(copyAs('openstack-show', 'snapshot', s, openstackBare), 'openstack'),
        ['volume', 'snapshot', 'show', ...(value.startsWith('-') ? ['--'] : []), value], JSON.stringify(value));
      assert.equal(argvOf(copyAs('curl', 'snapshot', s, waldur), 'curl').at(-1), `https://waldur.example.com/api/openstack-snapshots/${encodeURIComponent(value)}/`);
    }
    assert.equal(existsSync(canary), false, 'no substitution ran');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HCL strings: \\, ", ${ and %{ escaped, newlines as \\n, no raw control character', () => {
  assert.equal(hclString('data-01'), '"data-01"');
  assert.equal(hclString('${var}'), '"$${var}"');
  assert.equal(hclString('%{ if true }x%{ endif }'), '"%%{ if true }x%%{ endif }"');
  assert.equal(hclString('$${already}'), '"$$${already}"', 'each ${ escaped once more, so the value stays $${already}');
  assert.equal(hclString('$ and % alone'), '"$ and % alone"');
  assert.equal(hclString('say "hi" \\ bye'), '"say \\"hi\\" \\\\ bye"');
  assert.equal(hclString('two\nlines\r\ttab'), '"two\\nlines\\r\\ttab"');
  assert.equal(hclString('a\x00b\x1bc\x7fd\u0085'), '"a\\u0000b\\u001Bc\\u007Fd\\u0085"');
  assert.equal(hclString('$(rm -rf ~)'), '"$(rm -rf ~)"');
  assert.equal(hclString('ünï 🎉'), '"ünï 🎉"');
  assert.equal(hclString('lone \ud800'), '"lone \ufffd"');
});

test('hostile values in the Terraform text: only escaped strings, no raw controls, nothing outside its quotes', () => {
  const nasty = 'x"\n} resource "evil" "e" {\n${file("/etc/passwd")} %{ if true }\\\x1b[2J';
  for (const target of [openstack, waldur]) {
    const out = copyAs('terraform', 'volume', aVolume({ id: nasty, name: nasty, description: nasty, typeName: nasty, availabilityZone: nasty, projectId: nasty }), target);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(out, /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/, 'no raw control character');
    assert.doesNotMatch(out, /(?<!\$)\$\{|(?<!%)%\{/, 'no live template sequence');
    assert.equal(out.split('\n').filter((l) => l.includes('resource "')).length, 1, 'no injected block');
    const quoted = hclString(nasty);
    assert.ok(out.includes(`  id = ${quoted}\n`), 'the id is one escaped string');
    const nameLine = out.split('\n').find((l) => /^ {2}name +=/.test(l));
    assert.equal(nameLine?.replace(/^ {2}name +=/, ''), ` ${quoted}`, 'the name is one escaped string');
    for (const line of out.split('\n').filter((l) => l.startsWith('#'))) assert.doesNotMatch(line, /evil|passwd/, 'no value in a comment');
  }
});

// --- tokens --------------------------------------------------------------------------------------

test('no output carries a token: curl names a shell variable, nothing else mentions one', () => {
  const secret = 'tok-3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a';
  const v = aVolume({ typeName: 'ssd', description: 'd', native: { token: secret, url: `https://w.example/?token=${secret}` } });
  const s = aSnapshot({ native: { token: secret } });
  const targets: CopyTarget[] = [openstack, openstackBare, waldur];
  const formats: CopyFormat[] = ['openstack-show', 'openstack-create', 'curl', 'terraform'];
  let made = 0;
  for (const format of formats) {
    for (const target of targets) {
      for (const [kind, r] of [['volume', v], ['snapshot', s]] as const) {
        let out: string;
        try { out = copyAs(format, kind, r, target, backend); } catch { continue; }
        made++;
        assert.ok(!out.includes(secret) && !out.includes('tok-'), `${format}/${kind}/${target.kind}`);
        assert.doesNotMatch(out, /[0-9a-f]{32,}/i, 'nothing shaped like a token');
        if (format === 'curl') {
          assert.match(out, target.kind === 'waldur' ? /-H "Authorization: Token \$WALDUR_TOKEN" / : /-H "X-Auth-Token: \$OS_TOKEN" /);
        } else {
          assert.doesNotMatch(out, /token/i, `${format}/${kind}/${target.kind}`);
        }
      }
    }
  }
  assert.equal(made, 21, 'every format × kind × target (3) except Terraform snapshots');
});
