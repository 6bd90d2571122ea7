/**
 * Open as JSON: a resource as the API returned it, minus anything secret. Records of volumes,
 * snapshots and instances carry no credentials in any API we know, but an instance's
 * `user_data` (cloud-init, often with passwords or keys), `adminPass` and anything named like a
 * secret are replaced, so the document can be shared.
 */
export type RawKind = 'volume' | 'snapshot' | 'instance';

export const HIDDEN_VALUE = '(hidden by Volume Explorer)';

const SECRET_KEY = /pass(word)?|secret|token|credential|private[_-]?key|^user_data$|^userdata$|^adminpass$|^auth$|api[_-]?key/i;

/** A deep copy of `value` with the values of secret-like keys replaced by {@link HIDDEN_VALUE}. */
export function withoutSecrets(value: unknown, depth = 0): unknown {
  if (depth > 50) return '(nested too deeply)';
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) && v !== null && v !== '' && typeof v !== 'boolean' ? HIDDEN_VALUE : withoutSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** The document's text: 2-space JSON with a final newline. */
export function rawDocument(value: unknown): string {
  return `${JSON.stringify(withoutSecrets(value), null, 2)}\n`;
}
