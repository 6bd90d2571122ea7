/**
 * "Copy as…": text that reproduces or inspects a volume or snapshot in another tool — the
 * OpenStack CLI, curl, Terraform. Pure functions, no `vscode`.
 *
 * Everything taken from a resource (names, descriptions, types, zones, ids) is untrusted: in shell
 * text it is a single word quoted for POSIX sh (control characters other than newline made by
 * `printf`, so none is pasted raw into a terminal), in HCL a string literal with every escape and
 * template marker escaped. Untrusted values never go into comments. Tokens are never put in the
 * output: curl reads them from a shell variable.
 *
 * The tools' syntax:
 * - python-openstackclient: `openstack [--os-cloud <cloud>] volume create --size <GiB> [--type]
 *   [--availability-zone] [--description] [--bootable] [--read-only] <name>`, `volume snapshot create
 *   --volume <volume> [--description] <snapshot-name>`, `volume show` / `volume snapshot show`.
 * - Cinder v3: `GET /v3/{project_id}/volumes/{id}`, `/snapshots/{id}`; microversion in
 *   `OpenStack-API-Version: volume <version>`.
 * - Waldur: `GET /api/openstack-volumes/<uuid>/`, `/api/openstack-snapshots/<uuid>/`,
 *   `Authorization: Token <token>`.
 * - Terraform ≥ 1.5 `import { to = <address>  id = "<id>" }`; terraform-provider-openstack's
 *   `openstack_blockstorage_volume_v3` (size in GiB, imported by the Cinder id) and the Waldur
 *   provider's (`waldur/waldur`) `waldur_openstack_volume` (size in MiB, imported by the Waldur uuid;
 *   `project` and `offering` are required URLs that force replacement). Neither provider has a
 *   snapshot resource.
 */
import { Refusal } from './errors';
import { MIB_PER_GIB, type Snapshot, type Volume } from './model';

export interface CopyTarget {
  /** 'waldur': a Waldur server; 'openstack': a native OpenStack cloud (clouds.yaml). */
  kind: 'waldur' | 'openstack';
  /** Waldur: the API root, e.g. 'https://waldur.example.com/api/'. OpenStack: the Cinder v3 endpoint with project, e.g. 'https://cinder.example.com:8776/v3/<project_id>'. */
  apiUrl: string;
  /** OpenStack: the clouds.yaml cloud name (for `--os-cloud`). */
  cloud?: string;
  /** OpenStack: the volume API microversion in use, e.g. '3.70' (for curl's OpenStack-API-Version header). */
  microversion?: string;
}

export type CopyFormat = 'openstack-show' | 'openstack-create' | 'curl' | 'terraform';
export type CopyKind = 'volume' | 'snapshot';

export interface CopyOptions {
  /** Waldur: the Cinder id behind the Waldur record (its `backend_id`); the OpenStack CLI formats need it. */
  backendId?: string;
  /** Waldur, a snapshot's `openstack-create`: the Cinder id of its source volume (the record only names the Waldur one). */
  sourceVolumeBackendId?: string;
  /** Waldur, `terraform`: the marketplace offering URL the volume was ordered from (else a variable asks for it). */
  offeringUrl?: string;
}

/** The formats, for a quick pick; `kinds` are what each can copy. */
export const COPY_FORMATS: ReadonlyArray<{ format: CopyFormat; label: string; detail: string; kinds: ReadonlyArray<CopyKind> }> = [
  { format: 'openstack-show', label: 'OpenStack CLI: show', detail: 'openstack volume show / openstack volume snapshot show', kinds: ['volume', 'snapshot'] },
  { format: 'openstack-create', label: 'OpenStack CLI: create a copy', detail: 'openstack volume create / openstack volume snapshot create with the same settings', kinds: ['volume', 'snapshot'] },
  { format: 'curl', label: 'curl: API request', detail: 'GET the record from the API; the token comes from a shell variable', kinds: ['volume', 'snapshot'] },
  { format: 'terraform', label: 'Terraform: import', detail: 'An import block (Terraform ≥ 1.5) and the matching resource block', kinds: ['volume'] },
];

/** The text for `format`; throws a `Refusal` (an Error) saying why when it can't be made. */
export function copyAs(format: CopyFormat, kind: CopyKind, r: Volume | Snapshot, target: CopyTarget, options: CopyOptions = {}): string {
  switch (format) {
    case 'openstack-show': return openstackShow(kind, r, target, options);
    case 'openstack-create': return kind === 'volume' ? openstackCreateVolume(r as Volume, target, options) : openstackCreateSnapshot(r as Snapshot, target, options);
    case 'curl': return curl(kind, r, target);
    case 'terraform': return terraform(kind, r, target, options);
    default: throw new Refusal(`Unknown copy format: ${String(format)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// POSIX sh

/** Characters that need no quoting in a shell word. */
const PLAIN_WORD = /^[A-Za-z0-9._/:=@%+-]+$/;
/** C0 controls except newline, DEL and C1 controls: never pasted raw into a terminal (matching them is the point). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_RUN = /([\u0000-\u0009\u000B-\u001F\u007F-\u009F]+)/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD');

/**
 * One shell word that is exactly `value`: bare when plain, else in single quotes (`'\''` for a
 * quote). Control characters other than newline come from `"$(printf '\ooo')"`, so nothing a
 * terminal acts on (escape sequences, tabs, carriage returns) is in the text; a newline inside
 * single quotes is just a character.
 */
export function shellQuote(value: string, always = false): string {
  const v = wellFormed(value);
  if (!always && PLAIN_WORD.test(v)) return v;
  if (v === '') return "''";
  if (!CONTROL.test(v)) return singleQuote(v);
  return v.split(CONTROL_RUN).filter((part) => part !== '').map((part) => (CONTROL.test(part) ? printfOf(part) : singleQuote(part))).join('');
}

const singleQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function printfOf(controls: string): string {
  const octal = [...new TextEncoder().encode(controls)].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
  return `"$(printf '${octal}')"`;
}

/** `--name value`, or `--name=value` when the value would read as an option. */
function option(name: string, value: string): string {
  return value.startsWith('-') ? shellQuote(`${name}=${value}`) : `${name} ${shellQuote(value)}`;
}

/** A positional argument, after `--` when it would read as an option. */
function positional(value: string): string {
  return value.startsWith('-') ? `-- ${shellQuote(value)}` : shellQuote(value);
}

// ---------------------------------------------------------------------------------------------
// OpenStack CLI

function openstackCommand(target: CopyTarget, ...words: string[]): string {
  const cloud = target.kind === 'openstack' && target.cloud ? [option('--os-cloud', target.cloud)] : [];
  return ['openstack', ...cloud, ...words].join(' ');
}

/** The Cinder id of `r`: its own id on OpenStack, the backend id behind a Waldur record. */
function cinderId(kind: CopyKind, r: Volume | Snapshot, target: CopyTarget, options: CopyOptions): string {
  if (target.kind === 'openstack') {
    if (!r.id) throw new Refusal(`This ${kind} has no id to give the OpenStack CLI.`);
    return r.id;
  }
  if (!options.backendId) {
    throw new Refusal(`The OpenStack CLI needs the Cinder id of this ${kind}, and Waldur hasn't reported its backend id (a Waldur uuid isn't a Cinder id).`);
  }
  return options.backendId;
}

function openstackShow(kind: CopyKind, r: Volume | Snapshot, target: CopyTarget, options: CopyOptions): string {
  const id = cinderId(kind, r, target, options);
  return openstackCommand(target, ...(kind === 'volume' ? ['volume', 'show'] : ['volume', 'snapshot', 'show']), positional(id));
}

/** Whole GiB, rounded up; a Refusal when the size isn't known. */
function wholeGiB(kind: CopyKind, sizeMiB: number | undefined): number {
  if (sizeMiB === undefined || sizeMiB === null || !Number.isFinite(sizeMiB) || sizeMiB <= 0) {
    throw new Refusal(`The size of this ${kind} isn't known, and a new volume needs one.`);
  }
  return Math.ceil(sizeMiB / MIB_PER_GIB);
}

function requireName(kind: CopyKind, name: string): string {
  if (!name) throw new Refusal(`This ${kind} has no name to give the copy.`);
  return name;
}

function openstackCreateVolume(v: Volume, target: CopyTarget, options: CopyOptions): string {
  cinderId('volume', v, target, options);
  const words = ['volume', 'create', `--size ${wholeGiB('volume', v.sizeMiB)}`];
  if (v.typeName) words.push(option('--type', v.typeName));
  if (v.availabilityZone) words.push(option('--availability-zone', v.availabilityZone));
  if (v.description) words.push(option('--description', v.description));
  if (v.bootable) words.push('--bootable');
  if (v.readOnly) words.push('--read-only');
  words.push(positional(requireName('volume', v.name)));
  return openstackCommand(target, ...words);
}

function openstackCreateSnapshot(s: Snapshot, target: CopyTarget, options: CopyOptions): string {
  cinderId('snapshot', s, target, options);
  const volume = target.kind === 'openstack' ? s.sourceVolumeId : options.sourceVolumeBackendId;
  if (!volume) {
    throw new Refusal(target.kind === 'openstack'
      ? "This snapshot's source volume isn't known, and `openstack volume snapshot create` needs it."
      : "The OpenStack CLI needs the Cinder id of this snapshot's source volume, and only its Waldur uuid is known here.");
  }
  const words = ['volume', 'snapshot', 'create', option('--volume', volume)];
  if (s.description) words.push(option('--description', s.description));
  words.push(positional(requireName('snapshot', s.name)));
  return openstackCommand(target, ...words);
}

// ---------------------------------------------------------------------------------------------
// curl

/** `base` and `path` joined by exactly one slash. */
function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function curl(kind: CopyKind, r: Volume | Snapshot, target: CopyTarget): string {
  if (!r.id) throw new Refusal(`This ${kind} has no id to ask the API for.`);
  const id = encodeURIComponent(wellFormed(r.id));
  if (target.kind === 'waldur') {
    const url = joinUrl(target.apiUrl, `${kind === 'volume' ? 'openstack-volumes' : 'openstack-snapshots'}/${id}/`);
    return `curl -sS -H "Authorization: Token $WALDUR_TOKEN" ${shellQuote(url, true)}`;
  }
  const url = joinUrl(target.apiUrl, `${kind === 'volume' ? 'volumes' : 'snapshots'}/${id}`);
  const version = target.microversion ? ` -H ${shellQuote(`OpenStack-API-Version: volume ${target.microversion}`)}` : '';
  return `curl -sS -H "X-Auth-Token: $OS_TOKEN"${version} ${shellQuote(url, true)}`;
}

// ---------------------------------------------------------------------------------------------
// Terraform (HCL)

/** An HCL quoted string that evaluates to exactly `value`: escapes, `$${` / `%%{`, controls as `\uNNNN`. */
export function hclString(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what gets escaped
  const escaped = wellFormed(value).replace(/[\\"\u0000-\u001F\u007F-\u009F]|[$%]\{/g, (m) => {
    switch (m) {
      case '\\': return '\\\\';
      case '"': return '\\"';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      case '${': return '$${';
      case '%{': return '%%{';
      default: return `\\u${m.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    }
  });
  return `"${escaped}"`;
}

/**
 * A Terraform resource name from `name`: letters, digits, `_` and `-`, starting with a letter or
 * `_` (runs of anything else become `_`); `volume_<first 8 of id>` when the name gives nothing.
 */
export function terraformName(name: string, id: string, kind: CopyKind = 'volume'): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[_-]+|[_-]+$/g, '').slice(0, 64);
  const fromName = clean(name);
  if (/^[A-Za-z]/.test(fromName)) return fromName;
  if (/^[0-9]/.test(fromName)) return `${kind}_${fromName}`;
  const fromId = clean(id.slice(0, 8));
  return fromId ? `${kind}_${fromId}` : kind;
}

/** `key = value` lines, the `=` aligned the way `terraform fmt` aligns them. */
function attributes(rows: Array<[string, string, string?]>, indent = '  '): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v, comment]) => `${indent}${k.padEnd(width)} = ${v}${comment ? ` # ${comment}` : ''}`);
}

function terraform(kind: CopyKind, r: Volume | Snapshot, target: CopyTarget, options: CopyOptions): string {
  if (kind !== 'volume') {
    throw new Refusal(target.kind === 'openstack'
      ? 'Terraform has no snapshot resource in the OpenStack provider (only volumes: openstack_blockstorage_volume_v3).'
      : "The Waldur Terraform provider has no snapshot resource (only volumes: waldur_openstack_volume).");
  }
  const v = r as Volume;
  if (!v.id) throw new Refusal('This volume has no id to import.');
  const name = terraformName(v.name, v.id);
  return target.kind === 'openstack' ? terraformOpenStack(v, name) : terraformWaldur(v, name, target, options);
}

function terraformOpenStack(v: Volume, name: string): string {
  const type = 'openstack_blockstorage_volume_v3';
  const rows: Array<[string, string, string?]> = [];
  if (v.name) rows.push(['name', hclString(v.name)]);
  rows.push(['size', String(wholeGiB('volume', v.sizeMiB)), 'GiB']);
  if (v.typeName) rows.push(['volume_type', hclString(v.typeName)]);
  if (v.availabilityZone) rows.push(['availability_zone', hclString(v.availabilityZone)]);
  if (v.description) rows.push(['description', hclString(v.description)]);
  return [
    '# Terraform >= 1.5 (import block); provider source "terraform-provider-openstack/openstack".',
    'import {',
    `  to = ${type}.${name}`,
    `  id = ${hclString(v.id)}`,
    '}',
    '',
    `resource "${type}" "${name}" {`,
    ...attributes(rows),
    '}',
    '',
  ].join('\n');
}

function terraformWaldur(v: Volume, name: string, target: CopyTarget, options: CopyOptions): string {
  const type = 'waldur_openstack_volume';
  if (v.sizeMiB === undefined || v.sizeMiB === null || !Number.isFinite(v.sizeMiB)) throw new Refusal("The size of this volume isn't known.");
  if (!v.projectId) throw new Refusal("This volume's project isn't known, and the Waldur provider requires it.");
  const offeringVariable = `${name.replace(/-/g, '_')}_offering_url`;
  const rows: Array<[string, string, string?]> = [];
  rows.push(['name', hclString(v.name)]);
  if (v.description) rows.push(['description', hclString(v.description)]);
  rows.push(['size', String(Math.round(v.sizeMiB)), 'MiB']);
  rows.push(['project', hclString(joinUrl(target.apiUrl, `projects/${encodeURIComponent(wellFormed(v.projectId))}/`))]);
  rows.push(['offering', options.offeringUrl ? hclString(options.offeringUrl) : `var.${offeringVariable}`]);
  const variable = options.offeringUrl ? [] : [
    `variable "${offeringVariable}" {`,
    ...attributes([['description', hclString('The URL of the Waldur marketplace offering this volume was ordered from')], ['type', 'string']]),
    '}',
    '',
  ];
  return [
    '# Terraform >= 1.5 (import block); provider source "waldur/waldur" (set it in required_providers).',
    '# Review the plan before applying: the provider does not read `offering` back on import, and',
    '# `project`/`offering` force replacement, hence ignore_changes below. `type` and',
    '# `availability_zone` are URLs in this provider; left out, they stay as imported.',
    'import {',
    `  to = ${type}.${name}`,
    `  id = ${hclString(v.id)}`,
    '}',
    '',
    ...variable,
    `resource "${type}" "${name}" {`,
    ...attributes(rows),
    '',
    '  lifecycle {',
    '    ignore_changes = [offering, project]',
    '  }',
    '}',
    '',
  ].join('\n');
}
