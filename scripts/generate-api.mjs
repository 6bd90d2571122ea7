#!/usr/bin/env node
// Generates the API types from the official OpenAPI schemas, keeping only the paths the extension
// uses plus every component they reference (transitively):
//   waldur          src/backends/waldur/waldur.gen.ts              $WALDUR_OPENAPI or ../shared/waldur/waldur-openapi-8.0.5.yaml
//   identity        src/backends/openstack/identity.gen.ts         $OPENSTACK_OPENAPI_DIR/identity-v3.14.yaml
//   block-storage   src/backends/openstack/block-storage.gen.ts    $OPENSTACK_OPENAPI_DIR/block-storage-v3.70.yaml
//   compute         src/backends/openstack/compute.gen.ts          $OPENSTACK_OPENAPI_DIR/compute-v2.96.yaml
// (OPENSTACK_OPENAPI_DIR defaults to ../shared/openstack.) Sources may be file paths or http(s) URLs.
// `--check` compares against the committed files instead of writing (exit 1 when one differs);
// a target whose schema is not there is reported as skipped by name. `--only NAME` limits it to one.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parse } from 'yaml';
import openapiTS, { astToString } from 'openapi-typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SCHEMA = path.resolve(root, '../shared/waldur/waldur-openapi-8.0.5.yaml');
const OPENSTACK_DIR = process.env.OPENSTACK_OPENAPI_DIR || path.resolve(root, '../shared/openstack');

/** Paths used by the extension now and in the planned parts (exact keys of the schema). */
const WALDUR_PATHS = [
  /^\/api\/users\/me\/$/,
  /^\/api\/customers\/$/,
  /^\/api\/customers\/\{uuid\}\/$/,
  /^\/api\/projects\/$/,
  /^\/api\/projects\/\{uuid\}\/$/,
  /^\/api\/openstack-volumes\/$/,
  /^\/api\/openstack-volumes\/\{uuid\}\/([a-z_]+\/)?$/,
  /^\/api\/openstack-snapshots\/$/,
  /^\/api\/openstack-snapshots\/\{uuid\}\/([a-z_]+\/)?$/,
  /^\/api\/openstack-instances\/$/,
  /^\/api\/openstack-instances\/\{uuid\}\/$/,
  /^\/api\/openstack-volume-types\/$/,
  /^\/api\/openstack-volume-types\/\{uuid\}\/$/,
  /^\/api\/marketplace-resources\/\{uuid\}\/(terminate\/)?$/,
  /^\/api\/marketplace-orders\/(\{uuid\}\/)?$/,
  /^\/api\/marketplace-public-offerings\/$/,
  /^\/api\/openstack-tenants\/$/,
  /^\/api\/openstack-tenants\/\{uuid\}\/$/,
  /^\/api\/openstack-volume-availability-zones\/$/,
];

/** Keystone: tokens (password, application credential, token), the projects a user can reach, the version document. */
const IDENTITY_PATHS = [/^\/v3$/, /^\/v3\/auth\/tokens$/, /^\/v3\/auth\/projects$/, /^\/v3\/projects$/];

/** Cinder v3 with the project in the URL (every microversion): volumes, snapshots, their actions, types, limits, messages. */
const BLOCK_STORAGE_PATHS = [
  /^\/v3\/$/,
  /^\/v3\/\{project_id\}\/volumes(\/detail)?$/,
  /^\/v3\/\{project_id\}\/volumes\/\{id\}(\/action)?$/,
  /^\/v3\/\{project_id\}\/snapshots(\/detail)?$/,
  /^\/v3\/\{project_id\}\/snapshots\/\{id\}(\/action)?$/,
  /^\/v3\/\{project_id\}\/types$/,
  /^\/v3\/\{project_id\}\/types\/\{id\}$/,
  /^\/v3\/\{project_id\}\/limits$/,
  /^\/v3\/\{project_id\}\/messages$/,
  /^\/v3\/\{project_id\}\/os-availability-zone$/,
];

/**
 * Nova 2.1: the version document, servers (for names and the attach picker), volume attachments,
 * and the deprecated os-volumes / os-snapshots proxy (2.1–2.35) of clouds without Cinder in the catalog.
 */
const COMPUTE_PATHS = [
  /^\/v2\.1\/$/,
  /^\/v2\.1\/servers\/detail$/,
  /^\/v2\.1\/servers\/\{id\}$/,
  /^\/v2\.1\/servers\/\{server_id\}\/os-volume_attachments(\/\{id\})?$/,
  /^\/v2\.1\/os-(volumes|snapshots)(\/detail|\/\{id\})?$/,
];

export const TARGETS = [
  { name: 'waldur', title: 'the Waldur OpenAPI schema', source: () => process.env.WALDUR_OPENAPI || DEFAULT_SCHEMA, output: 'src/backends/waldur/waldur.gen.ts', keep: WALDUR_PATHS },
  { name: 'identity', title: 'the OpenStack Identity (Keystone) schema', source: () => path.join(OPENSTACK_DIR, 'identity-v3.14.yaml'), output: 'src/backends/openstack/identity.gen.ts', keep: IDENTITY_PATHS },
  { name: 'block-storage', title: 'the OpenStack Block Storage (Cinder) schema', source: () => path.join(OPENSTACK_DIR, 'block-storage-v3.70.yaml'), output: 'src/backends/openstack/block-storage.gen.ts', keep: BLOCK_STORAGE_PATHS },
  { name: 'compute', title: 'the OpenStack Compute (Nova) schema', source: () => path.join(OPENSTACK_DIR, 'compute-v2.96.yaml'), output: 'src/backends/openstack/compute.gen.ts', keep: COMPUTE_PATHS },
];

/** Reads a schema from a file or URL. */
export async function loadSchema(source = process.env.WALDUR_OPENAPI || DEFAULT_SCHEMA) {
  const text = /^https?:\/\//.test(source)
    ? await (await fetch(source, { headers: { Accept: 'application/vnd.oai.openapi, application/yaml, application/json' } })).text()
    : await readFile(source, 'utf8');
  return parse(text, { maxAliasCount: -1 });
}

/** Returns a copy of `doc` with only the kept paths and the components they reach. */
export function subsetSchema(doc, keep = WALDUR_PATHS) {
  const paths = {};
  for (const [p, item] of Object.entries(doc.paths)) {
    if (keep.some((re) => re.test(p))) paths[p] = item;
  }
  const seen = new Set();
  const queue = [paths];
  while (queue.length) {
    const node = queue.pop();
    if (Array.isArray(node)) { queue.push(...node); continue; }
    if (!node || typeof node !== 'object') continue;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/') && !seen.has(v)) {
        seen.add(v);
        const [, , section, name] = v.split('/');
        queue.push(doc.components[section][name]);
      } else if (v && typeof v === 'object') {
        queue.push(v);
      }
    }
  }
  const components = {};
  for (const ref of [...seen].sort()) {
    const [, , section, name] = ref.split('/');
    (components[section] ??= {})[name] = doc.components[section][name];
  }
  if (doc.components?.securitySchemes) components.securitySchemes = doc.components.securitySchemes;
  return { openapi: doc.openapi, info: doc.info, paths: Object.fromEntries(Object.entries(paths).sort()), components };
}

/** Generates the TypeScript source for the subset. */
export async function generate(doc, target = TARGETS[0]) {
  const subset = subsetSchema(doc, target.keep);
  const ast = await openapiTS(subset, { alphabetize: true });
  const header = `/**\n * Generated by scripts/generate-api.mjs from ${target.title} ${doc.info?.version ?? ''}.\n * ${Object.keys(subset.paths).length} paths, ${Object.keys(subset.components.schemas ?? {}).length} schemas. Do not edit; run \`npm run generate:api\`.\n */\n\n`;
  return header + astToString(ast);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
  let failed = 0;
  let skipped = 0;
  for (const target of TARGETS.filter((t) => !only || t.name === only)) {
    const t0 = Date.now();
    const from = target.source();
    if (!/^https?:\/\//.test(from) && !existsSync(from)) {
      console.log(`skipped: ${target.name} (${from} not found)`);
      skipped++;
      continue;
    }
    const source = await generate(await loadSchema(from), target);
    const output = path.join(root, target.output);
    if (check) {
      const committed = await readFile(output, 'utf8').catch(() => '');
      if (committed !== source) { console.error(`${target.output} is stale: run npm run generate:api`); failed++; }
      else console.log(`${target.output} is up to date`);
    } else {
      await mkdir(path.dirname(output), { recursive: true });
      await writeFile(output, source);
      console.log(`wrote ${target.output} (${(source.length / 1024).toFixed(0)} KB) in ${Date.now() - t0} ms`);
    }
  }
  if (skipped) console.log(`# skipped ${skipped}`);
  process.exit(failed ? 1 : 0);
}
