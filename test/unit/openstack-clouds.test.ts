import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { candidateFiles, findCloudsFiles, loadCloud, readClouds, type CloudsFileSet } from '../../src/backends/openstack/clouds';

const SECRET = 'Sup3r-Secret-Value';

/** A temp directory with the given files (relative path → text). */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'os-clouds-'));
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
  }
  return root;
}

/** One clouds.yaml (and optionally secure.yaml) in a temp directory. */
async function files(clouds: string, secure?: string): Promise<CloudsFileSet> {
  const root = await tree({ 'clouds.yaml': clouds, ...(secure !== undefined ? { 'secure.yaml': secure } : {}) });
  return { clouds: path.join(root, 'clouds.yaml'), ...(secure !== undefined ? { secure: path.join(root, 'secure.yaml') } : {}) };
}

async function rejectsWithout(promise: Promise<unknown>, pattern: RegExp, ...secrets: string[]): Promise<Error> {
  let caught: unknown;
  await promise.then(() => assert.fail('expected a rejection'), (e: unknown) => { caught = e; });
  assert.ok(caught instanceof Error);
  assert.match(caught.message, pattern);
  for (const s of secrets) assert.ok(!caught.message.includes(s), `secret in: ${caught.message}`);
  return caught;
}

test('candidate files follow the openstacksdk search path and suffix order', () => {
  const c = candidateFiles({}, '/work/proj', '/home/u', 'linux');
  assert.deepEqual(c.clouds, [
    '/work/proj/clouds.yaml', '/work/proj/clouds.yml', '/work/proj/clouds.json',
    '/home/u/.config/openstack/clouds.yaml', '/home/u/.config/openstack/clouds.yml', '/home/u/.config/openstack/clouds.json',
    '/etc/xdg/openstack/clouds.yaml', '/etc/xdg/openstack/clouds.yml', '/etc/xdg/openstack/clouds.json',
    '/etc/openstack/clouds.yaml', '/etc/openstack/clouds.yml', '/etc/openstack/clouds.json',
  ]);
  assert.deepEqual(c.secure, c.clouds.map((p) => p.replace(/clouds(\.\w+)$/, 'secure$1')));
});

test('the env overrides go first; XDG_CONFIG_HOME and SNAP_REAL_HOME are honoured', () => {
  const c = candidateFiles({
    OS_CLIENT_CONFIG_FILE: 'conf/my-clouds.yaml', OS_CLIENT_SECURE_FILE: '/s/sec.yaml',
    XDG_CONFIG_HOME: '/xdg', SNAP_REAL_HOME: '/real',
  }, '/work/proj', '/home/u/snap/x', 'linux');
  assert.equal(c.clouds[0], '/work/proj/conf/my-clouds.yaml');
  assert.equal(c.secure[0], '/s/sec.yaml');
  const dirs = [...new Set(c.clouds.slice(1).map((p) => path.dirname(p)))];
  assert.deepEqual(dirs, ['/work/proj', '/xdg/openstack', '/real/.config/openstack', '/etc/xdg/openstack', '/etc/openstack']);
});

test('findCloudsFiles picks the first existing file: cwd before ~/.config, .yaml before .yml', async () => {
  const root = await tree({
    'cwd/clouds.yml': 'clouds: {}\n',
    'home/.config/openstack/clouds.yaml': 'clouds: {}\n',
    'home/.config/openstack/secure.yaml': 'clouds: {}\n',
  });
  const cwd = path.join(root, 'cwd');
  const home = path.join(root, 'home');
  const found = await findCloudsFiles({}, cwd, home);
  assert.equal(found.clouds, path.join(cwd, 'clouds.yml'));
  assert.equal(found.secure, path.join(home, '.config/openstack/secure.yaml'));
  await fs.writeFile(path.join(cwd, 'clouds.yaml'), 'clouds: {}\n');
  assert.equal((await findCloudsFiles({}, cwd, home)).clouds, path.join(cwd, 'clouds.yaml'));
  // A directory named clouds.yaml is skipped, as openstacksdk skips files it cannot open.
  await fs.rm(path.join(cwd, 'clouds.yaml'));
  await fs.mkdir(path.join(cwd, 'clouds.yaml'));
  assert.equal((await findCloudsFiles({}, cwd, home)).clouds, path.join(cwd, 'clouds.yml'));
});

test('OS_CLIENT_CONFIG_FILE wins over ./clouds.yaml; a missing one falls through', async () => {
  const root = await tree({ 'clouds.yaml': 'clouds: {}\n', 'elsewhere/mine.yaml': 'clouds: {}\n' });
  const home = path.join(root, 'nohome');
  const mine = path.join(root, 'elsewhere/mine.yaml');
  assert.equal((await findCloudsFiles({ OS_CLIENT_CONFIG_FILE: mine }, root, home)).clouds, mine);
  assert.equal((await findCloudsFiles({ OS_CLIENT_CONFIG_FILE: path.join(root, 'nope.yaml') }, root, home)).clouds, path.join(root, 'clouds.yaml'));
  const none = await findCloudsFiles({}, path.join(root, 'elsewhere'), home);
  assert.equal(none.clouds, undefined);
});

test('readClouds lists names in file order (secure-only ones after) and $OS_CLOUD only if it names one', async () => {
  const f = await files('clouds:\n  zeta: {}\n  alpha: {}\n  mid: {}\n', 'clouds:\n  alpha: {auth: {password: x}}\n  extra: {}\n');
  const doc = await readClouds(f, { OS_CLOUD: 'mid' });
  assert.deepEqual(doc.clouds, ['zeta', 'alpha', 'mid', 'extra']);
  assert.equal(doc.defaultCloud, 'mid');
  assert.deepEqual(doc.files, f);
  assert.equal((await readClouds(f, { OS_CLOUD: 'other' })).defaultCloud, undefined);
  assert.equal((await readClouds(f, {})).defaultCloud, undefined);
});

test('secure.yaml is merged deeply into the cloud and wins', async () => {
  const f = await files(
    'clouds:\n  prod:\n    auth:\n      auth_url: https://keystone.example:5000/v3\n      username: alice\n      password: from-clouds\n      project_name: p1\n    region_name: RegionOne\n',
    `clouds:\n  prod:\n    auth:\n      password: ${SECRET}\n`,
  );
  const c = await loadCloud('prod', f, {});
  assert.equal(c.auth.password, SECRET);
  assert.equal(c.auth.username, 'alice');
  assert.equal(c.auth.project_name, 'p1');
  assert.equal(c.regionName, 'RegionOne');
  assert.equal(c.missingSecret, undefined);
  assert.equal(c.interface, 'public');
  assert.equal(c.verify, true);
  assert.deepEqual(c.warnings, []);
});

test('keys with dashes are normalised, legacy names mapped, numbers read as strings', async () => {
  const f = await files([
    'clouds:',
    '  legacy:',
    '    auth-type: v3password',
    '    auth:',
    '      auth-url: https://k.example/v3',
    '      username: bob',
    '      password: 0123456789012345678901',
    '      tenant-name: old-project',
    '      user-domain-name: Default',
    '    region-name: R2',
    '    endpoint_type: internalURL',
    '    identity_api_version: 3',
    '',
  ].join('\n'));
  const c = await loadCloud('legacy', f, {});
  assert.equal(c.authType, 'password');
  assert.equal(c.auth.auth_url, 'https://k.example/v3');
  assert.equal(c.auth.project_name, 'old-project');
  assert.equal(c.auth.user_domain_name, 'Default');
  assert.equal(c.auth.password, '0123456789012345678901');
  assert.equal(c.regionName, 'R2');
  assert.equal(c.interface, 'internal');
  assert.equal(c.identityApiVersion, '3');
});

test('domain_name fills user and project domains; top-level auth options move into auth', async () => {
  const f = await files('clouds:\n  d:\n    auth_url: https://k.example/v3\n    username: u\n    project_name: p\n    domain_name: Corp\n    auth: {}\n');
  const c = await loadCloud('d', f, {});
  assert.equal(c.auth.auth_url, 'https://k.example/v3');
  assert.equal(c.auth.username, 'u');
  assert.equal(c.auth.user_domain_name, 'Corp');
  assert.equal(c.auth.project_domain_name, 'Corp');
  assert.equal(c.auth.domain_name, undefined);
  assert.equal(c.missingSecret, 'password');
});

const TWO = [
  'clouds:',
  '  one:',
  '    auth: {auth_url: "https://one.example/v3", username: u1, project_name: p1}',
  '    regions: [R1, R2]',
  '  two:',
  '    auth: {auth_url: "https://two.example/v3", username: u2, project_name: p2}',
  '',
].join('\n');

test('OS_* env overrides apply only to the cloud named by OS_CLOUD', async () => {
  const f = await files(TWO);
  const env = {
    OS_CLOUD: 'one', OS_PASSWORD: SECRET, OS_USERNAME: 'env-user', OS_PROJECT_NAME: 'env-proj', OS_REGION_NAME: 'R2',
    OS_INTERFACE: 'admin', OS_AUTH_URL: 'https://env.example/v3', OS_PROJECT_DOMAIN_NAME: 'PD', OS_USER_DOMAIN_NAME: 'UD',
  };
  const one = await loadCloud('one', f, env);
  assert.equal(one.auth.password, SECRET);
  assert.equal(one.auth.username, 'env-user');
  assert.equal(one.auth.project_name, 'env-proj');
  assert.equal(one.auth.auth_url, 'https://env.example/v3');
  assert.equal(one.auth.user_domain_name, 'UD');
  assert.equal(one.auth.project_domain_name, 'PD');
  assert.equal(one.regionName, 'R2');
  assert.equal(one.interface, 'admin');
  assert.equal(one.missingSecret, undefined);

  const two = await loadCloud('two', f, env);
  assert.equal(two.auth.password, undefined);
  assert.equal(two.auth.username, 'u2');
  assert.equal(two.auth.auth_url, 'https://two.example/v3');
  assert.equal(two.interface, 'public');
  assert.equal(two.missingSecret, 'password');

  // Without OS_CLOUD nothing applies; an empty variable overrides nothing; the first region is the default.
  const plain = await loadCloud('one', f, { ...env, OS_CLOUD: undefined });
  assert.equal(plain.auth.username, 'u1');
  assert.equal(plain.regionName, 'R1');
  assert.equal((await loadCloud('one', f, { OS_CLOUD: 'one', OS_USERNAME: '' })).auth.username, 'u1');
});

test('OS_REGION_NAME must be one of the cloud\'s regions', async () => {
  const f = await files(TWO);
  await rejectsWithout(loadCloud('one', f, { OS_CLOUD: 'one', OS_REGION_NAME: 'r1' }), /Region r1 is not a valid region name for cloud one.*R1,R2/);
});

test('env auth type, application credential and token overrides for the OS_CLOUD cloud', async () => {
  const f = await files(TWO);
  const ac = await loadCloud('two', f, { OS_CLOUD: 'two', OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_ID: 'ac-id', OS_APPLICATION_CREDENTIAL_SECRET: SECRET });
  assert.equal(ac.authType, 'v3applicationcredential');
  assert.equal(ac.auth.application_credential_id, 'ac-id');
  assert.equal(ac.auth.application_credential_secret, SECRET);
  assert.equal(ac.missingSecret, undefined);
  const tok = await loadCloud('two', f, { OS_CLOUD: 'two', OS_AUTH_TYPE: 'v3token', OS_TOKEN: SECRET });
  assert.equal(tok.authType, 'token');
  assert.equal(tok.auth.token, SECRET);
  assert.equal(tok.missingSecret, undefined);
});

test('auth types are normalised and inferred; missingSecret names what each needs', async () => {
  const f = await files([
    'clouds:',
    '  pw: {auth: {auth_url: "https://k.example/v3", username: u}}',
    '  v3pw: {auth_type: v3password, auth: {auth_url: "https://k.example/v3", username: u, password: p}}',
    '  ac: {auth: {auth_url: "https://k.example/v3", application_credential_id: id1}}',
    '  acfull: {auth_type: v3applicationcredential, auth: {auth_url: "https://k.example/v3", application_credential_id: id1, application_credential_secret: s}}',
    '  tok: {auth_type: token, auth: {auth_url: "https://k.example/v3"}}',
    '  v3tok: {auth_type: v3token, auth: {auth_url: "https://k.example/v3", auth_token: t}}',
    '  plugin: {auth_plugin: v3token, auth: {auth_url: "https://k.example/v3"}}',
    '  oidc: {auth_type: v3oidcpassword, auth: {auth_url: "https://k.example/v3"}}',
    '',
  ].join('\n'));
  const got = async (name: string) => { const c = await loadCloud(name, f, {}); return [c.authType, c.missingSecret]; };
  assert.deepEqual(await got('pw'), ['password', 'password']);
  assert.deepEqual(await got('v3pw'), ['password', undefined]);
  assert.deepEqual(await got('ac'), ['v3applicationcredential', 'application_credential_secret']);
  assert.deepEqual(await got('acfull'), ['v3applicationcredential', undefined]);
  assert.deepEqual(await got('tok'), ['token', 'token']);
  assert.deepEqual(await got('v3tok'), ['token', undefined]);
  assert.deepEqual(await got('plugin'), ['token', 'token']);
  await rejectsWithout(loadCloud('oidc', f, {}), /auth_type "v3oidcpassword" is not supported/);
});

test('verify: false is reported; insecure wins; cacert is kept only while verifying', async () => {
  const f = await files([
    'clouds:',
    '  nov: {verify: false, auth: {auth_url: "https://k.example/v3"}}',
    '  no11: {verify: no, auth: {auth_url: "https://k.example/v3"}}',
    '  ca: {cacert: /etc/ssl/my-ca.pem, auth: {auth_url: "https://k.example/v3"}}',
    '  both: {verify: false, cacert: /etc/ssl/my-ca.pem, auth: {auth_url: "https://k.example/v3"}}',
    '  insecure: {insecure: "True", cacert: /etc/ssl/my-ca.pem, auth: {auth_url: "https://k.example/v3"}}',
    '',
  ].join('\n'));
  const nov = await loadCloud('nov', f, {});
  assert.equal(nov.verify, false);
  assert.ok(nov.warnings.some((w) => /verify: false — TLS certificates are not checked/.test(w)), nov.warnings.join('|'));
  assert.equal((await loadCloud('no11', f, {})).verify, false, 'YAML 1.1 "no" is false, as in PyYAML');

  const ca = await loadCloud('ca', f, {});
  assert.equal(ca.verify, true);
  assert.equal(ca.cacert, '/etc/ssl/my-ca.pem');
  assert.deepEqual(ca.warnings, []);

  const both = await loadCloud('both', f, {});
  assert.equal(both.verify, false);
  assert.equal(both.cacert, undefined);
  assert.ok(both.warnings.some((w) => /cacert .* ignored/.test(w)));

  const insecure = await loadCloud('insecure', f, {});
  assert.equal(insecure.verify, false);
  assert.equal(insecure.cacert, undefined);
  assert.ok(insecure.warnings.some((w) => /TLS certificates are not checked/.test(w)));

  const envCa = await loadCloud('nov', f, { OS_CLOUD: 'ca', OS_CACERT: '/x.pem' });
  assert.equal(envCa.cacert, undefined, 'OS_CACERT applies only to OS_CLOUD');
  const envCa2 = await loadCloud('ca', f, { OS_CLOUD: 'ca', OS_CACERT: '~/ca.pem' });
  assert.equal(envCa2.cacert, path.join(os.homedir(), 'ca.pem'));
  const envInsecure = await loadCloud('ca', f, { OS_CLOUD: 'ca', OS_INSECURE: 'true' });
  assert.equal(envInsecure.verify, false);
  assert.ok(envInsecure.warnings.some((w) => /^OS_INSECURE — TLS certificates are not checked/.test(w)));
});

test('interface accepts public/internal/admin and their URL forms, refuses others', async () => {
  const f = await files([
    'clouds:',
    '  a: {interface: publicURL, auth: {auth_url: "https://k.example/v3"}}',
    '  b: {interface: Internal, auth: {auth_url: "https://k.example/v3"}}',
    '  c: {endpoint-type: adminURL, auth: {auth_url: "https://k.example/v3"}}',
    '  d: {interface: private, auth: {auth_url: "https://k.example/v3"}}',
    '',
  ].join('\n'));
  assert.equal((await loadCloud('a', f, {})).interface, 'public');
  assert.equal((await loadCloud('b', f, {})).interface, 'internal');
  assert.equal((await loadCloud('c', f, {})).interface, 'admin');
  await rejectsWithout(loadCloud('d', f, {}), /interface "private" is not one of public, internal, admin/);
});

test('bad YAML: the error names the file and the line, never the secret on it', async () => {
  const f = await files(`clouds:\n  prod:\n    auth:\n      password: ${SECRET}: oops\n`);
  const e = await rejectsWithout(readClouds(f, {}), /line 4/, SECRET);
  assert.ok(e.message.includes(f.clouds!), e.message);
  await rejectsWithout(loadCloud('prod', f, {}), /line 4/, SECRET);
  const s = await files('clouds: {}\n', `clouds:\n  prod:\n    auth: {password: "${SECRET}"\n`);
  const e2 = await rejectsWithout(readClouds(s, {}), /not valid YAML at line/, SECRET);
  assert.ok(e2.message.includes(s.secure!), e2.message);
});

test('a file without a clouds: mapping is an error naming the file', async () => {
  const noClouds = await files('client:\n  force_ipv4: true\n');
  const e = await rejectsWithout(readClouds(noClouds, {}), /has no "clouds:" key/);
  assert.ok(e.message.includes(noClouds.clouds!));
  await rejectsWithout(readClouds(await files('- a\n- b\n'), {}), /not a YAML mapping/);
  await rejectsWithout(readClouds(await files('clouds: [a, b]\n'), {}), /"clouds:" is not a mapping/);
});

test('auth_url must be present and https, plain http only for loopback', async () => {
  const f = await files([
    'clouds:',
    `  plain: {auth: {auth_url: "http://keystone.example:5000/v3", username: u, password: "${SECRET}"}}`,
    `  local: {auth: {auth_url: "http://127.0.0.1:5000/v3", password: "${SECRET}"}}`,
    `  local6: {auth: {auth_url: "http://[::1]:5000/v3"}}`,
    `  localhost: {auth: {auth_url: "http://localhost:5000/v3"}}`,
    `  none: {auth: {username: u, password: "${SECRET}"}}`,
    `  ftp: {auth: {auth_url: "ftp://k.example/v3"}}`,
    `  creds: {auth: {auth_url: "https://u:${SECRET}@k.example/v3"}}`,
    `  profiled: {profile: vexxhost, auth: {username: u}}`,
    '',
  ].join('\n'));
  const e = await rejectsWithout(loadCloud('plain', f, {}), /plain http to keystone\.example/, SECRET);
  assert.ok(!e.message.includes('http://keystone'), 'names the host only');
  assert.equal((await loadCloud('local', f, {})).auth.auth_url, 'http://127.0.0.1:5000/v3');
  assert.equal((await loadCloud('local6', f, {})).auth.auth_url, 'http://[::1]:5000/v3');
  assert.equal((await loadCloud('localhost', f, {})).auth.auth_url, 'http://localhost:5000/v3');
  await rejectsWithout(loadCloud('none', f, {}), /Cloud none has no auth_url/, SECRET);
  await rejectsWithout(loadCloud('ftp', f, {}), /must start with https/);
  await rejectsWithout(loadCloud('creds', f, {}), /must not contain credentials/, SECRET);
  await rejectsWithout(loadCloud('profiled', f, {}), /no auth_url.*vendor profile is not read/);
  // An OS_AUTH_URL override is checked the same way, and its secret neighbours never show.
  await rejectsWithout(loadCloud('local', f, { OS_CLOUD: 'local', OS_AUTH_URL: 'http://evil.example/v3', OS_PASSWORD: SECRET }), /plain http to evil\.example/, SECRET);
});

test('profile: is ignored with a warning; unknown cloud is a clear error', async () => {
  const f = await files('clouds:\n  p:\n    profile: vexxhost\n    auth: {auth_url: "https://k.example/v3", password: "x"}\n');
  const c = await loadCloud('p', f, {});
  assert.ok(c.warnings.some((w) => /profile: vexxhost.*ignored/.test(w)), c.warnings.join('|'));
  await rejectsWithout(loadCloud('nope', f, {}), /Cloud nope was not found in .*clouds\.yaml/);
});

test('secrets never appear in warnings or errors, whatever the auth type', async () => {
  const f = await files(
    `clouds:\n  w:\n    verify: false\n    cacert: /ca.pem\n    profile: x\n    auth: {auth_url: "https://k.example/v3", trust_id: t, password: "${SECRET}"}\n  bad:\n    auth_type: weird\n    auth: {auth_url: "https://k.example/v3", token: "${SECRET}", application_credential_secret: "${SECRET}"}\n`,
  );
  const w = await loadCloud('w', f, {});
  assert.ok(w.warnings.length >= 3);
  assert.ok(w.warnings.some((x) => /trust_id/.test(x)), 'unused auth keys are named');
  for (const x of w.warnings) assert.ok(!x.includes(SECRET), x);
  await rejectsWithout(loadCloud('bad', f, {}), /auth_type "weird"/, SECRET);
  await rejectsWithout(loadCloud('bad', f, { OS_CLOUD: 'bad', OS_INTERFACE: 'nowhere', OS_TOKEN: SECRET }), /auth_type/, SECRET);
});

test('scalars are read as PyYAML reads them (leading zeros, 1e5 and y stay text; yes is a boolean)', async () => {
  const f = await files('clouds:\n  y:\n    verify: off\n    auth: {auth_url: "https://k.example/v3", password: 0123456789, project_id: 1e5, username: 010}\n');
  assert.deepEqual((await readClouds(f, {})).clouds, ['y']);
  const c = await loadCloud('y', f, {});
  assert.equal(c.auth.password, '0123456789');
  assert.equal(c.auth.project_id, '1e5');
  assert.equal(c.auth.username, '8', 'YAML 1.1 octal, as PyYAML + str()');
  assert.equal(c.verify, false);
});
