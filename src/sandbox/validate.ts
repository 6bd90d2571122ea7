/**
 * Request-body field checks with Django REST framework's wording, collecting errors per field so
 * one 400 reports every problem, as DRF does.
 */
import { invalid } from './http';

export class BodyValidator {
  readonly errors: Record<string, string[]> = {};

  constructor(private readonly body: Record<string, unknown>) {}

  private fail(field: string, message: string): undefined {
    (this.errors[field] ??= []).push(message);
    return undefined;
  }

  has(field: string): boolean {
    return this.body[field] !== undefined;
  }

  string(field: string, opts: { required?: boolean; maxLength?: number; allowBlank?: boolean } = {}): string | undefined {
    const value = this.body[field];
    if (value === undefined) return opts.required ? this.fail(field, 'This field is required.') : undefined;
    if (value === null) return this.fail(field, 'This field may not be null.');
    if (typeof value !== 'string' && typeof value !== 'number') return this.fail(field, 'Not a valid string.');
    const text = String(value);
    if (!opts.allowBlank && text.trim() === '') return this.fail(field, 'This field may not be blank.');
    if (opts.maxLength !== undefined && text.length > opts.maxLength) {
      return this.fail(field, `Ensure this field has no more than ${opts.maxLength} characters.`);
    }
    return text;
  }

  boolean(field: string): boolean | undefined {
    const value = this.body[field];
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (['true', 'True', '1', 1].includes(value as never)) return true;
    if (['false', 'False', '0', 0].includes(value as never)) return false;
    return this.fail(field, 'Must be a valid boolean.');
  }

  integer(field: string, opts: { required?: boolean; min?: number } = {}): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === '') return opts.required ? this.fail(field, 'This field is required.') : undefined;
    if (value === null) return this.fail(field, 'This field may not be null.');
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n)) return this.fail(field, 'A valid integer is required.');
    if (opts.min !== undefined && n < opts.min) return this.fail(field, `Ensure this value is greater than or equal to ${opts.min}.`);
    return n;
  }

  /** ISO 8601 date-time or null. Returns `null` for an explicit null, `undefined` when absent or bad. */
  dateTime(field: string): string | null | undefined {
    const value = this.body[field];
    if (value === undefined) return undefined;
    if (value === null || value === '') return null;
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value) || Number.isNaN(Date.parse(value))) {
      return this.fail(field, 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].');
    }
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
    return new Date(withZone).toISOString().replace('Z', '000Z');
  }

  /**
   * A hyperlinked related field: the value must be a url of `collection`, and `lookup` must find
   * the object. Returns the found object.
   */
  hyperlink<T>(field: string, collection: string, lookup: (uuid: string) => T | undefined): T | undefined {
    const value = this.body[field];
    if (value === undefined) return this.fail(field, 'This field is required.');
    if (value === null) return this.fail(field, 'This field may not be null.');
    if (typeof value !== 'string') return this.fail(field, `Incorrect type. Expected URL string, received ${typeof value === 'number' ? 'int' : typeof value}.`);
    let path: string;
    try {
      path = new URL(value, 'http://sandbox.invalid').pathname;
    } catch {
      return this.fail(field, 'Invalid hyperlink - No URL match.');
    }
    const match = new RegExp(`^/api/${collection}/([0-9a-fA-F-]{32,36})/$`).exec(path);
    if (!match?.[1]) return this.fail(field, 'Invalid hyperlink - No URL match.');
    const found = lookup(match[1].replace(/-/g, '').toLowerCase());
    if (found === undefined) return this.fail(field, 'Invalid hyperlink - Object does not exist.');
    return found;
  }

  /** Adds a custom error (e.g. a cross-field rule). */
  error(field: string, message: string): void {
    this.fail(field, message);
  }

  /** Throws the 400 if anything failed. */
  check(): void {
    if (Object.keys(this.errors).length) throw invalid(this.errors);
  }
}
