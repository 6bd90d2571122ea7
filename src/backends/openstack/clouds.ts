/**
 * Finds and reads OpenStack `clouds.yaml` (+ `secure.yaml`) the way the `openstack` CLI and
 * openstacksdk (formerly os-client-config) do. Behaviour follows openstacksdk's
 * `openstack/config/loader.py` (`OpenStackConfig`), `openstack/config/_util.py`
 * (`normalize_keys`, `merge_clouds`) and `openstack/config/cloud_region.py`
 * (`get_requests_verify_args`); the functions below name the piece they follow.
 *
 * vscode-free, Node built-ins and the `yaml` package only. Secrets (password,
 * application_credential_secret, token) are never put into an error message or a warning:
 * messages name files, keys, cloud names and URL hosts, never values of auth fields.
 */
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, YAMLError, type ScalarTag, type Tags } from 'yaml';
import { isLoopbackHost } from '../../util/url';

export interface CloudsFileSet { clouds?: string; secure?: string }

export interface CloudAuth {
  auth_url: string;
  username?: string;
  user_id?: string;
  password?: string;
  project_name?: string;
  project_id?: string;
  user_domain_name?: string;
  user_domain_id?: string;
  project_domain_name?: string;
  project_domain_id?: string;
  domain_name?: string;
  domain_id?: string;
  application_credential_id?: string;
  application_credential_name?: string;
  application_credential_secret?: string;
  token?: string;
}

export type AuthType = 'password' | 'v3applicationcredential' | 'token' | 'v3password' | 'v3token';

export interface CloudConfig {
  name: string;
  /** Normalised (v3password→password, v3token→token; default password, or v3applicationcredential when application_credential_* present). */
  authType: 'password' | 'v3applicationcredential' | 'token';
  auth: CloudAuth;
  regionName?: string;
  /** Default public; accepts publicURL etc. */
  interface: 'public' | 'internal' | 'admin';
  /** true/false from `verify` (and `insecure`); false wins over `cacert`, which is then dropped and reported in warnings. */
  verify: boolean;
  /** The CA bundle to verify with (`~` expanded), only when verify is true. */
  cacert?: string;
  identityApiVersion?: string;
  /** The secret this auth type needs and that the files/env do not provide. */
  missingSecret?: 'password' | 'application_credential_secret' | 'token';
  /** Human-readable warnings; never contain a secret. */
  warnings: string[];
}

export interface CloudsDocument {
  files: CloudsFileSet;
  /** Cloud names in file order (clouds.yaml first, then clouds only secure.yaml has). */
  clouds: string[];
  /** $OS_CLOUD if it names one of `clouds`. */
  defaultCloud?: string;
}

type Dict = Record<string, unknown>;

const SECRET_KEYS = ['password', 'application_credential_secret', 'token'] as const;
const AUTH_KEYS: readonly (keyof CloudAuth)[] = [
  'auth_url', 'username', 'user_id', 'password', 'project_name', 'project_id',
  'user_domain_name', 'user_domain_id', 'project_domain_name', 'project_domain_id',
  'domain_name', 'domain_id', 'application_credential_id', 'application_credential_name',
  'application_credential_secret', 'token',
];

// ---------------------------------------------------------------------------------------------
// Where the files are
// ---------------------------------------------------------------------------------------------

/**
 * Candidate files in openstacksdk order (loader.py `CONFIG_SEARCH_PATH`, `CONFIG_FILES`,
 * `SECURE_FILES`): for each directory of [cwd, platformdirs user_config_dir
 * ($XDG_CONFIG_HOME/openstack on Linux), ~/.config/openstack (`UNIX_CONFIG_HOME`, under
 * $SNAP_REAL_HOME when set), platformdirs site_config_dir (/etc/xdg/openstack on Linux),
 * /etc/openstack] the suffixes .yaml, .yml, .json. `$OS_CLIENT_CONFIG_FILE` /
 * `$OS_CLIENT_SECURE_FILE` are inserted first (`OpenStackConfig.__init__`). Duplicates (e.g.
 * user_config_dir == ~/.config/openstack) are listed once; relative paths resolve against cwd.
 */
export function candidateFiles(
  env: NodeJS.ProcessEnv,
  cwd: string,
  home: string,
  platform: NodeJS.Platform = process.platform,
): { clouds: string[]; secure: string[] } {
  const dirs = searchDirs(env, cwd, home, platform);
  const build = (base: 'clouds' | 'secure', override: string | undefined): string[] => {
    const list = dirs.flatMap((d) => ['.yaml', '.yml', '.json'].map((s) => path.join(d, base + s)));
    if (override) list.unshift(override);
    return [...new Set(list.map((p) => path.resolve(cwd, p)))];
  };
  return { clouds: build('clouds', env.OS_CLIENT_CONFIG_FILE), secure: build('secure', env.OS_CLIENT_SECURE_FILE) };
}

/** The directories of loader.py `CONFIG_SEARCH_PATH`, with platformdirs' rules for appname "openstack", appauthor "OpenStack". */
function searchDirs(env: NodeJS.ProcessEnv, cwd: string, home: string, platform: NodeJS.Platform): string[] {
  const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);
  let userConfig: string;
  let siteConfig: string[];
  if (platform === 'darwin') {
    userConfig = path.join(home, 'Library', 'Application Support', 'openstack');
    siteConfig = [path.join('/Library', 'Application Support', 'openstack')];
  } else if (platform === 'win32') {
    userConfig = path.join(nonEmpty(env.LOCALAPPDATA) ?? path.join(home, 'AppData', 'Local'), 'OpenStack', 'openstack');
    siteConfig = [path.join(nonEmpty(env.PROGRAMDATA) ?? 'C:\\ProgramData', 'OpenStack', 'openstack')];
  } else {
    // platformdirs Unix: $XDG_CONFIG_HOME or ~/.config; site: each of $XDG_CONFIG_DIRS or /etc/xdg.
    userConfig = path.join(nonEmpty(env.XDG_CONFIG_HOME) ?? path.join(home, '.config'), 'openstack');
    siteConfig = (nonEmpty(env.XDG_CONFIG_DIRS) ?? '/etc/xdg').split(':').filter(Boolean).map((d) => path.join(d, 'openstack'));
  }
  // UNIX_CONFIG_HOME: snaps set $HOME inside the snap; the real one is $SNAP_REAL_HOME.
  const unixConfig = path.join(nonEmpty(env.SNAP_REAL_HOME) ?? home, '.config', 'openstack');
  return [cwd, userConfig, unixConfig, ...siteConfig, '/etc/openstack'];
}

/**
 * The first existing clouds file and secure file. Like loader.py `_load_yaml_json_file`, a
 * path that exists but cannot be opened (EACCES, a directory) is skipped for the next one.
 */
export async function findCloudsFiles(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  home: string = os.homedir(),
): Promise<CloudsFileSet> {
  const c = candidateFiles(env, cwd, home);
  const result: CloudsFileSet = {};
  const clouds = await firstReadable(c.clouds);
  const secure = await firstReadable(c.secure);
  if (clouds) result.clouds = clouds;
  if (secure) result.secure = secure;
  return result;
}

async function firstReadable(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      const st = await fs.stat(p);
      if (!st.isFile()) continue;
      await fs.access(p, fsConstants.R_OK);
      return p;
    } catch {
      // missing or unreadable: try the next one
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

const BOOL = 'tag:yaml.org,2002:bool';
const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

/** PyYAML `construct_yaml_int`: 0b…, 0x…, 0… octal, sexagesimal a:b:c, `_` ignored; exact (BigInt). */
function pyInt(source: string): bigint {
  let v = source.replace(/_/g, '');
  let sign = 1n;
  if (v.startsWith('-')) sign = -1n;
  if (v.startsWith('-') || v.startsWith('+')) v = v.slice(1);
  if (v === '0') return 0n;
  if (v.startsWith('0b')) return sign * BigInt(v);
  if (v.startsWith('0x')) return sign * BigInt(v);
  if (v.startsWith('0')) return sign * BigInt(`0o${v.slice(1)}`);
  if (v.includes(':')) return sign * v.split(':').reduce((acc, part) => acc * 60n + BigInt(part), 0n);
  return sign * BigInt(v);
}

/** PyYAML `construct_yaml_float`. */
function pyFloat(source: string): number {
  let v = source.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (v.startsWith('-')) sign = -1;
  if (v.startsWith('-') || v.startsWith('+')) v = v.slice(1);
  if (v === '.inf') return sign * Infinity;
  if (v === '.nan') return NaN;
  if (v.includes(':')) return sign * v.split(':').reduce((acc, part) => acc * 60 + parseFloat(part), 0);
  return sign * parseFloat(v);
}

/**
 * PyYAML's implicit resolvers (`resolver.py`) for bool, int and float, in place of the yaml
 * package's YAML 1.1 ones, which differ in ways that change a password: they take y/n as
 * booleans, `0123456789` as a decimal int and `1e5` as a float, where PyYAML reads strings.
 * Timestamps stay strings (PyYAML's date becomes the same text through `str()`).
 */
function pyYamlScalars(tags: Tags): Tags {
  const scalar = (tag: string, test: RegExp, resolve: (s: string) => unknown): ScalarTag => ({
    tag, default: true, test, resolve, identify: () => false,
  });
  const replaced = tags.filter((t) => typeof t !== 'object' || ![BOOL, INT, FLOAT, TIMESTAMP].includes(t.tag));
  return [
    scalar(BOOL, /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, () => true),
    scalar(BOOL, /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, () => false),
    scalar(INT, /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/, pyInt),
    scalar(FLOAT, /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/, pyFloat),
    ...replaced,
  ];
}

/** Reads one file as PyYAML `safe_load` would (YAML 1.1 scalars as PyYAML resolves them, duplicate keys allowed, exact big ints). */
async function readYamlFile(file: string): Promise<Dict> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'read error'}`, { cause: e });
  }
  let data: unknown;
  try {
    data = parse(text, { version: '1.1', customTags: pyYamlScalars, uniqueKeys: false, logLevel: 'error', maxAliasCount: 1000 });
  } catch (e) {
    if (e instanceof YAMLError) {
      // The yaml package's message ends with a code frame quoting the offending line, which may
      // hold a password: keep only the description before " at line …" and give the position.
      const description = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
      const pos = e.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position';
      // No `cause`: the yaml error's message quotes the source line (possibly a secret).
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`${file}: not valid YAML at ${where}: ${description}`);
    }
    // eslint-disable-next-line preserve-caught-error -- same reason: keep the source text out
    throw new Error(`${file}: not valid YAML`);
  }
  // loader.py `_validate_config_file`: the file must be a mapping with a `clouds` key.
  if (!isDict(data)) throw new Error(`${file} is empty or not a YAML mapping (expected a top-level "clouds:" key).`);
  if (!('clouds' in data)) throw new Error(`${file} has no "clouds:" key.`);
  if (!isDict(data.clouds) && data.clouds !== null) throw new Error(`${file}: "clouds:" is not a mapping of cloud names.`);
  return data;
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `_util.merge_clouds`: like dict.update, recursing into nested mappings; the new side wins. */
function mergeClouds(oldDict: Dict, newDict: Dict): Dict {
  const ret: Dict = { ...oldDict };
  for (const [k, v] of Object.entries(newDict)) {
    if (isDict(v)) ret[k] = isDict(ret[k]) ? mergeClouds(ret[k] as Dict, v) : { ...v };
    else ret[k] = v;
  }
  return ret;
}

/** The merged clouds mapping (loader.py: secure.yaml merged over clouds.yaml with `merge_clouds`). */
async function readMerged(files: CloudsFileSet): Promise<Dict> {
  let doc: Dict = { clouds: {} };
  if (files.clouds) doc = await readYamlFile(files.clouds);
  if (files.secure) doc = mergeClouds(doc, await readYamlFile(files.secure));
  return isDict(doc.clouds) ? doc.clouds : {};
}

/** Reads the files and lists the clouds. */
export async function readClouds(files: CloudsFileSet, env: NodeJS.ProcessEnv = process.env): Promise<CloudsDocument> {
  const clouds = Object.keys(await readMerged(files));
  const doc: CloudsDocument = { files: { ...files }, clouds };
  // loader.py: `self.default_cloud = self._get_envvar('OS_CLOUD')`.
  const wanted = env.OS_CLOUD;
  if (wanted && clouds.includes(wanted)) doc.defaultCloud = wanted;
  return doc;
}

// ---------------------------------------------------------------------------------------------
// One cloud
// ---------------------------------------------------------------------------------------------

/** `_util.normalize_keys`: `-` → `_` in keys, recursively; numbers become strings, booleans stay. */
function normalizeKeys(config: Dict): Dict {
  const out: Dict = {};
  for (const [rawKey, value] of Object.entries(config)) {
    const key = rawKey.replace(/-/g, '_');
    if (isDict(value)) out[key] = normalizeKeys(value);
    else if (typeof value === 'bigint' || (typeof value === 'number' && key !== 'verbose_level' && key !== 'api_timeout')) out[key] = String(value);
    else out[key] = value;
  }
  return out;
}

/** loader.py `get_boolean` (used for BOOL_KEYS such as `insecure`): only true or "true" (any case) is true. */
function getBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return typeof v === 'string' && v.toLowerCase() === 'true';
}

/**
 * The OS_* variables the CLI's argparse options default to (keystoneauth / osc-lib), keyed by
 * the config key `_fix_args` turns them into (`os_` stripped). Values of None or '' are dropped
 * by `_fix_args`, so an empty variable overrides nothing.
 */
const ENV_OVERRIDES: readonly [string, string][] = [
  ['OS_AUTH_URL', 'auth_url'],
  ['OS_USERNAME', 'username'],
  ['OS_USER_ID', 'user_id'],
  ['OS_PASSWORD', 'password'],
  ['OS_PROJECT_NAME', 'project_name'],
  ['OS_PROJECT_ID', 'project_id'],
  ['OS_USER_DOMAIN_NAME', 'user_domain_name'],
  ['OS_USER_DOMAIN_ID', 'user_domain_id'],
  ['OS_PROJECT_DOMAIN_NAME', 'project_domain_name'],
  ['OS_PROJECT_DOMAIN_ID', 'project_domain_id'],
  ['OS_REGION_NAME', 'region_name'],
  ['OS_INTERFACE', 'interface'],
  ['OS_AUTH_TYPE', 'auth_type'],
  ['OS_IDENTITY_API_VERSION', 'identity_api_version'],
  ['OS_APPLICATION_CREDENTIAL_ID', 'application_credential_id'],
  ['OS_APPLICATION_CREDENTIAL_SECRET', 'application_credential_secret'],
  ['OS_APPLICATION_CREDENTIAL_NAME', 'application_credential_name'],
  ['OS_TOKEN', 'token'],
  ['OS_CACERT', 'cacert'],
  ['OS_INSECURE', 'insecure'],
];

/** `_expand_regions` / `_get_known_regions`: `regions:` (names or {name, values}) or `region_name` (comma list deprecated). */
function knownRegions(config: Dict, cloud: string): { name: string; values: Dict }[] {
  if ('regions' in config) {
    const list = Array.isArray(config.regions) ? config.regions : [config.regions];
    return list.map((r) => {
      if (isDict(r)) {
        const extra = Object.keys(r).filter((k) => k !== 'name' && k !== 'values');
        if (typeof r.name !== 'string' || extra.length) throw new Error(`Cloud ${cloud}: invalid entry in "regions:" (each needs "name" and may have only "values").`);
        return { name: r.name, values: isDict(r.values) ? r.values : {} };
      }
      return { name: String(r), values: {} };
    });
  }
  if (typeof config.region_name === 'string' && config.region_name) {
    return config.region_name.split(',').map((name) => ({ name: name.trim(), values: {} }));
  }
  if (Array.isArray(config.region_name)) return config.region_name.map((name) => ({ name: String(name), values: {} }));
  return [];
}

/** loader.py `_auth_update`: dict.update, except the nested `auth` mapping is updated, not replaced. */
function authUpdate(old: Dict, add: Dict): Dict {
  for (const [k, v] of Object.entries(add)) {
    if (k === 'auth' && isDict(v)) old.auth = { ...(isDict(old.auth) ? old.auth : {}), ...v };
    else old[k] = v;
  }
  return old;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : String(v);
}

/**
 * One cloud (loader.py `get_one_cloud_osc`, what the CLI calls): secure.yaml merged in, OS_*
 * overrides for the cloud named by $OS_CLOUD, the region chosen, `magic_fixes`, then the auth
 * options gathered into `auth` with values outside `auth` winning (`_validate_auth_correctly`).
 */
export async function loadCloud(name: string, files: CloudsFileSet, env: NodeJS.ProcessEnv = process.env): Promise<CloudConfig> {
  const clouds = await readMerged(files);
  const where = files.clouds ?? files.secure ?? 'clouds.yaml';
  // `_get_base_cloud_config`: "Cloud {name} was not found."
  if (!Object.prototype.hasOwnProperty.call(clouds, name)) throw new Error(`Cloud ${name} was not found in ${where}.`);
  const raw = clouds[name];
  if (raw !== null && raw !== undefined && !isDict(raw)) throw new Error(`Cloud ${name} in ${where} is not a mapping.`);
  const warnings: string[] = [];

  // normalize_keys runs on the whole cloud in get_one; doing it first also lets `auth-url`,
  // `auth_type`/`auth-type` and friends meet under one spelling.
  let config: Dict = normalizeKeys(isDict(raw) ? structuredClone(raw) : {});
  if (!isDict(config.auth)) config.auth = {};

  // `_expand_vendor_profile`: `profile:` (or the deprecated `cloud:`) pulls in a vendor profile.
  const profile = config.profile ?? config.cloud;
  if (profile !== undefined) {
    warnings.push(`"${'profile' in config ? 'profile' : 'cloud'}: ${String(profile)}" is ignored: vendor profiles are not supported, so settings the profile would add (auth_url, regions…) must be in clouds.yaml.`);
  }
  delete config.profile;
  delete config.cloud;

  // OS_* overrides (the CLI's argparse defaults), only for $OS_CLOUD's cloud; top-level, as
  // `_fix_args` leaves them, so they win over `auth:` below.
  const overrides: Dict = {};
  if (env.OS_CLOUD === name) {
    for (const [variable, key] of ENV_OVERRIDES) {
      const value = env[variable];
      if (value !== undefined && value !== '') overrides[key] = value;
    }
  }

  // `_get_region`: the requested region must be a known one; none requested → the first known.
  const regions = knownRegions(config, name);
  const requested = str(overrides.region_name);
  let region: { name: string; values: Dict } | undefined;
  if (requested) {
    region = regions.length ? regions.find((r) => r.name === requested) : { name: requested, values: {} };
    if (!region) {
      throw new Error(`Region ${requested} is not a valid region name for cloud ${name}. Valid choices are ${regions.map((r) => r.name).join(',')}. Please note that region names are case sensitive.`);
    }
  } else {
    region = regions[0];
  }
  delete config.regions;
  delete overrides.region_name;
  if (region) {
    authUpdate(config, normalizeKeys(structuredClone(region.values)));
    config.region_name = region.name;
  }
  for (const [k, v] of Object.entries(overrides)) config[k] = v;

  config = magicFixes(config);
  const auth = config.auth as Dict;

  // `_validate_auth_correctly`: an auth option found outside `auth` wins and moves into it.
  for (const key of AUTH_KEYS) {
    if (key in config) {
      if (str(config[key]) !== undefined) auth[key] = config[key];
      delete config[key];
    }
  }
  const ignoredAuth = Object.keys(auth).filter((k) => !(AUTH_KEYS as readonly string[]).includes(k));
  if (ignoredAuth.length) warnings.push(`auth keys not used by this extension: ${ignoredAuth.join(', ')}.`);

  const authType = normaliseAuthType(config.auth_type, auth, name);

  // auth_url: present, http(s), plain http only for loopback.
  const authUrl = str(auth.auth_url);
  if (!authUrl) throw new Error(`Cloud ${name} has no auth_url (set auth.auth_url in ${where}${profile !== undefined ? '; the vendor profile is not read' : ''}).`);
  let url: URL;
  try {
    url = new URL(authUrl);
  } catch {
    throw new Error(`Cloud ${name}: auth_url is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Cloud ${name}: auth_url must start with https://`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(`Cloud ${name}: auth_url uses plain http to ${url.hostname}; credentials would travel unencrypted. Use https (plain http is allowed only for localhost).`);
  }
  if (url.username || url.password) throw new Error(`Cloud ${name}: auth_url must not contain credentials (user:password@).`);

  const cloudAuth: CloudAuth = { auth_url: authUrl };
  for (const key of AUTH_KEYS) {
    const v = str(auth[key]);
    if (v !== undefined) cloudAuth[key] = v;
  }

  const result: CloudConfig = {
    name,
    authType,
    auth: cloudAuth,
    interface: normaliseInterface(config.interface, name),
    verify: true,
    warnings,
  };
  const regionName = str(config.region_name);
  if (regionName) result.regionName = regionName;
  const identityApiVersion = str(config.identity_api_version);
  if (identityApiVersion) result.identityApiVersion = identityApiVersion;

  applyVerify(result, config, env);

  const needed = authType === 'password' ? 'password' : authType === 'token' ? 'token' : 'application_credential_secret';
  if (!cloudAuth[needed]) result.missingSecret = needed;
  // Never leak: (defensive) no secret value may appear in a warning.
  const secrets = SECRET_KEYS.map((k) => cloudAuth[k]).filter((v): v is string => !!v && v.length >= 4);
  result.warnings = warnings.map((w) => secrets.reduce((text, s) => text.split(s).join('***'), w));
  return result;
}

/**
 * loader.py `magic_fixes` (the parts that apply here): `_fix_backwards_auth_plugin`
 * (auth_plugin → auth_type), `_fix_backwards_auth` (tenant_* → project_*, auth_token → token,
 * values outside `auth` win), `_fix_backwards_interface` (*endpoint_type → *interface),
 * `_handle_domain_id`, `_handle_value_types` (insecure → boolean) and the `{key}` expansion
 * of auth_url.
 */
function magicFixes(input: Dict): Dict {
  let config: Dict = { ...input, auth: { ...(input.auth as Dict) } };
  const auth = config.auth as Dict;

  // _fix_backwards_auth_plugin: auth_type is the ultimate winner.
  const authType = config.auth_type ?? config.auth_plugin;
  delete config.auth_plugin;
  config.auth_type = authType;

  // _fix_backwards_auth (auth_type other than v2password, which is refused later anyway).
  const mappings: [string, string[]][] = [
    ['domain_id', ['domain_id']], ['domain_name', ['domain_name']],
    ['user_domain_id', ['user_domain_id']], ['user_domain_name', ['user_domain_name']],
    ['project_domain_id', ['project_domain_id']], ['project_domain_name', ['project_domain_name']],
    ['token', ['auth_token', 'token']],
    ['project_id', ['tenant_id', 'project_id']], ['project_name', ['tenant_name', 'project_name']],
  ];
  for (const [target, sources] of mappings) {
    let value: string | undefined;
    for (const key of sources) {
      if (key in auth) { value = str(auth[key]) ?? value; delete auth[key]; }
      // Prefer values NOT from the 'auth' section as they may contain cli or environment overrides.
      if (key in config) { value = str(config[key]) ?? value; delete config[key]; }
    }
    if (value) auth[target] = value;
  }

  // _fix_backwards_interface.
  const renamed: Dict = {};
  for (const [k, v] of Object.entries(config)) renamed[k.endsWith('endpoint_type') ? k.replace('endpoint_type', 'interface') : k] = v;
  config = renamed;

  // _handle_domain_id: a single domain_* fills user_domain_* and project_domain_* when project-scoped.
  const projectScoped = 'project_id' in auth || 'project_name' in auth || 'project_id' in config || 'project_name' in config;
  for (const [target, fills] of [['domain_id', ['user_domain_id', 'project_domain_id']], ['domain_name', ['user_domain_name', 'project_domain_name']]] as const) {
    if (!projectScoped) {
      if (target in config && !(target in auth)) { auth[target] = config[target]; delete config[target]; }
      continue;
    }
    for (const key of fills) if (target in auth && !(key in auth)) auth[key] = auth[target];
    delete config[target];
    delete auth[target];
  }

  // _handle_value_types: BOOL_KEYS.
  if ('insecure' in config) config.insecure = getBoolean(config.insecure);

  // auth_url.format(**config): `{region_name}` and the like, from top-level string values.
  if (typeof auth.auth_url === 'string') {
    auth.auth_url = auth.auth_url.replace(/\{(\w+)\}/g, (m, key: string) => (typeof config[key] === 'string' ? (config[key] as string) : m));
  }
  return config;
}

/** v3password → password, v3token → token; unset → password, or v3applicationcredential when application_credential_* is given. */
function normaliseAuthType(value: unknown, auth: Dict, cloud: string): CloudConfig['authType'] {
  const given = str(value);
  if (!given) {
    const appCred = ['application_credential_id', 'application_credential_name', 'application_credential_secret'].some((k) => str(auth[k]) !== undefined);
    return appCred ? 'v3applicationcredential' : 'password';
  }
  switch (given.toLowerCase()) {
    case 'password':
    case 'v3password':
      return 'password';
    case 'token':
    case 'v3token':
      return 'token';
    case 'v3applicationcredential':
    case 'applicationcredential':
      return 'v3applicationcredential';
    default:
      throw new Error(`Cloud ${cloud}: auth_type "${given}" is not supported. Use password (v3password), v3applicationcredential or token (v3token).`);
  }
}

/** keystoneauth's interface names: public/internal/admin, also the legacy publicURL/internalURL/adminURL. */
function normaliseInterface(value: unknown, cloud: string): CloudConfig['interface'] {
  const given = str(value);
  if (!given) return 'public';
  const v = given.toLowerCase().replace(/url$/, '');
  if (v === 'public' || v === 'internal' || v === 'admin') return v;
  throw new Error(`Cloud ${cloud}: interface "${given}" is not one of public, internal, admin.`);
}

/** What an unchecked certificate means, said once per connect (tls.ts applies it to this connection only). */
const NOT_CHECKED = ' for this cloud (Keystone, Cinder, Nova): anyone on the network path could pose as it and read the credentials. Set cacert to its CA bundle instead.';

/**
 * cloud_region.py `get_requests_verify_args`: `insecure` is the most aggressive setting and
 * wins; `verify` with `cacert` → verify against that bundle (`~` expanded); no verification
 * with a `cacert` → the cacert is ignored, with a warning.
 */
function applyVerify(result: CloudConfig, config: Dict, env: NodeJS.ProcessEnv): void {
  let verify = true;
  if ('verify' in config) {
    const v = config.verify;
    if (typeof v === 'boolean') verify = v;
    else if (typeof v === 'string' && /^(false|no|off|0)$/i.test(v.trim())) verify = false;
    else if (!(typeof v === 'string' && /^(true|yes|on|1)$/i.test(v.trim()))) {
      result.warnings.push('verify is neither true nor false; certificates are verified.');
    }
    if (!verify) result.warnings.push(`verify: false — TLS certificates are not checked${NOT_CHECKED}`);
  }
  if (config.insecure === true) {
    if (verify) result.warnings.push(`${env.OS_CLOUD === result.name && getBoolean(env.OS_INSECURE) ? 'OS_INSECURE' : 'insecure: true'} — TLS certificates are not checked${NOT_CHECKED}`);
    verify = false;
  }
  result.verify = verify;
  const cacert = str(config.cacert);
  if (!cacert) return;
  if (!verify) {
    result.warnings.push(`cacert ${cacert} is ignored because certificate verification is off.`);
    return;
  }
  const expanded = cacert === '~' || cacert.startsWith('~/') ? path.join(os.homedir(), cacert.slice(1)) : cacert;
  if (!path.isAbsolute(expanded)) result.warnings.push(`cacert ${cacert} is a relative path; it is read relative to the current directory.`);
  result.cacert = expanded;
}
