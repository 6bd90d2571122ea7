/**
 * Validates JSON response bodies against the official Waldur OpenAPI 3.0 document with Ajv.
 *
 * OpenAPI 3.0 schemas are not JSON Schema: `nullable` has to become a `null` type, and refs point
 * at `#/components/schemas/...`. All component schemas are converted once and registered as one
 * Ajv schema (`waldur`), so refs resolve lazily when a response schema is compiled.
 *
 * Two deliberate widenings, because real Waldur servers differ from their own document:
 *  - `CoreStates`: the enum lists CREATION_SCHEDULED…OK, ERRED, but servers send the display
 *    strings ("Creation Scheduled", "OK", "Erred", …). Both are accepted.
 *  - `format: uuid`: Waldur renders its uuids as 32 hex digits without dashes (uuid.hex), which
 *    the strict RFC 4122 format rejects. Both forms are accepted.
 * Everything else must match as documented.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

export const repoRoot = path.resolve(__dirname, '../../..');
export const schemaPath = path.resolve(repoRoot, '../shared/waldur/waldur-openapi-8.0.5.yaml');

const CORE_STATE_DISPLAY = ['Creation Scheduled', 'Creating', 'Update Scheduled', 'Updating', 'Deletion Scheduled', 'Deleting', 'OK', 'Erred'];

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  private constructor(private readonly doc: Json) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // See the file comment: Waldur's hex uuids, plus the RFC form.
    this.ajv.addFormat('uuid', /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i);
    // drf-spectacular's numeric formats; types and patterns already constrain them.
    for (const f of ['decimal', 'double', 'float', 'int32', 'int64', 'binary']) this.ajv.addFormat(f, true);

    const schemas = structuredClone(this.components());
    const coreStates = schemas.CoreStates as Json;
    coreStates.enum = [...new Set([...(coreStates.enum as string[]), ...CORE_STATE_DISPLAY])];
    this.ajv.addSchema({ $id: 'waldur', definitions: convert(schemas) as Json });
  }

  /** Parses the document (a few seconds for 4 MB); `undefined` when it is not there. */
  static load(file = schemaPath): OpenApiValidator | undefined {
    if (!existsSync(file)) return undefined;
    return new OpenApiValidator(parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as Json);
  }

  private components(): Json {
    return ((this.doc.components as Json).schemas ?? {}) as Json;
  }

  /** The documented JSON response schema, or undefined when the operation documents no body for that status. */
  responseSchema(template: string, method: string, status: number): Json | undefined {
    const op = ((this.doc.paths as Json)[template] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
    if (!op) throw new Error(`${method.toUpperCase()} ${template} is not in the schema`);
    const response = (op.responses as Json)[String(status)] as Json | undefined;
    if (!response) throw new Error(`${method.toUpperCase()} ${template} documents no ${status} response (documented: ${Object.keys(op.responses as Json).join(', ')})`);
    return ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
  }

  /**
   * Validates `body` against the documented response. Returns a list of problems (empty = valid).
   * With `complete`, top-level objects must also carry every documented property and nothing
   * else (for full, non-`field=` responses); `optional` lists properties allowed to be absent.
   */
  validate(template: string, method: string, status: number, body: unknown, opts: { complete?: boolean; optional?: string[] } = {}): string[] {
    const schema = this.responseSchema(template, method, status);
    if (!schema) return [`${method.toUpperCase()} ${template} ${status} documents no JSON body`];
    const key = `${method} ${template} ${status}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(convert(schema, 'waldur#/definitions/') as Json);
      this.cache.set(key, validate);
    }
    const problems: string[] = [];
    if (!validate(body)) {
      for (const e of validate.errors ?? []) problems.push(`${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    }
    if (opts.complete) {
      const ref = (schema.items as Json | undefined)?.$ref ?? schema.$ref;
      const name = typeof ref === 'string' ? ref.split('/').pop() : undefined;
      const props = name ? Object.keys(((this.components()[name] as Json).properties ?? {}) as Json) : [];
      const records = Array.isArray(body) ? body : [body];
      for (const [i, record] of records.entries()) {
        if (typeof record !== 'object' || record === null) continue;
        const keys = Object.keys(record);
        for (const p of props) if (!keys.includes(p) && !opts.optional?.includes(p)) problems.push(`[${i}] missing property ${p}`);
        for (const k of keys) if (!props.includes(k)) problems.push(`[${i}] property ${k} is not in ${name}`);
      }
    }
    return problems;
  }
}

/** OpenAPI 3.0 schema → JSON Schema draft-07 (nullable, component refs). */
function convert(node: unknown, refPrefix = '#/definitions/'): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, refPrefix));
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'nullable' || k === 'example' || k === 'discriminator' || k === 'xml') continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace('#/components/schemas/', refPrefix);
    else if (k === 'properties' && typeof v === 'object' && v !== null) {
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([name, s]) => [name, convert(s, refPrefix)]));
    } else out[k] = convert(v, refPrefix);
  }
  if (src.nullable !== true) return out;
  if (typeof out.type === 'string' && !out.allOf && !out.oneOf && !out.anyOf && !out.$ref) {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}
