/**
 * Escapers for untrusted text (everything the API returns). Markdown tooltips are rendered
 * without HTML and untrusted, and on top every Markdown/HTML-significant character is escaped,
 * so `[x](command:…)` or `<img onerror=…>` shows literally; bare URLs are broken so they don't
 * become links, and every piece is bounded.
 *
 * Characters that make text read other than it is are neutralised on every surface: line
 * breaks and tabs become spaces; other control characters, bidirectional controls (U+202E
 * shows "exe.txt" as "txt.exe"), line/paragraph separators and invisible characters (zero-width
 * space, word joiner, BOM, tag characters) become U+FFFD "�", visibly there rather than silently
 * dropped, so two names that differ only by a hidden character never look alike.
 */

/** Line breaks and tabs: shown as a space in one-line text. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/** C0/C1 controls and DEL, except the breaks above. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/;
/** Bidirectional controls: marks, embeddings, overrides, isolates, the Arabic letter mark. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/**
 * Invisible characters that carry no meaning a person can see: zero-width space, word joiner
 * and invisible operators, BOM, interlinear annotations, tag characters, Hangul fillers.
 * ZWJ/ZWNJ (U+200D/U+200C) stay: emoji sequences and Persian, Indic scripts need them.
 */
const INVISIBLE = /[\u200b\u2060-\u2064\ufeff\ufff9-\ufffb\u115f\u1160\u3164\uffa0]|\udb40[\udc00-\udc7f]/;
const HIDDEN = new RegExp(`${CONTROL.source}|${BIDI.source}|${INVISIBLE.source}`, 'g');
const ONE_HIDDEN = new RegExp(`^(?:${HIDDEN.source})$`);

const NAMES: Record<string, string> = {
  '\u0000': 'a NUL character', '\u001b': 'an escape character (ESC)', '\u007f': 'a delete character (DEL)',
  '\u200b': 'a zero-width space', '\u2060': 'a word joiner', '\ufeff': 'a byte-order mark (zero-width no-break space)',
  '\u202a': 'a left-to-right embedding', '\u202b': 'a right-to-left embedding', '\u202c': 'a pop-directional-formatting character',
  '\u202d': 'a left-to-right override', '\u202e': 'a right-to-left override', '\u2066': 'a left-to-right isolate',
  '\u2067': 'a right-to-left isolate', '\u2068': 'a first-strong isolate', '\u2069': 'a pop-directional-isolate character',
  '\u200e': 'a left-to-right mark', '\u200f': 'a right-to-left mark', '\u061c': 'an Arabic letter mark',
  '\n': 'a line break', '\r': 'a carriage return', '\t': 'a tab', '\u2028': 'a line separator', '\u2029': 'a paragraph separator',
};

const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The first character that text typed for a name (or, with `allowBreaks`, a description) must
 * not contain, described for a validation message — "a right-to-left override (U+202E) at
 * position 4" — or undefined when there is none.
 */
export function hiddenCharacter(text: string, allowBreaks = false): string | undefined {
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const breaks = /^[\t\n\v\f\r\u0085\u2028\u2029]$/.test(c);
    if (breaks ? (allowBreaks && /^[\t\n\r]$/.test(c)) : !ONE_HIDDEN.test(c)) continue;
    const name = NAMES[c] ?? (BIDI.test(c) ? 'a bidirectional control' : CONTROL.test(c) ? 'a control character' : 'an invisible character');
    return `${name} (${codePoint(c)}) at position ${i + 1}`;
  }
  return undefined;
}

/** Cuts to at most `max` UTF-16 units, never half a surrogate pair, marking the cut with "…". */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  return `${/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/**
 * Escapes one piece of API text for a Markdown tooltip: one line, hidden characters neutralised,
 * at most `max` characters, Markdown and HTML shown literally, bare URLs and e-mail addresses
 * not turned into links (a zero-width non-joiner after `:`, `www` and `@`).
 */
export function escapeMarkdown(text: string | null | undefined, max = 1000): string {
  return plainText(text, max)
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/:\/\//g, ':\u200c//')
    .replace(/\b(www)\b/gi, '$1\u200c')
    .replace(/@(?=[\w-])/g, '@\u200c');
}

/** HTML text and attribute escaping. */
export function escapeHtml(text: string | null | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Single-line plain text for labels, pickers, notifications: hidden characters neutralised, bounded. */
export function plainText(text: string | null | undefined, max = 200): string {
  const clean = String(text ?? '').replace(BREAKS, ' ').replace(HIDDEN, '\ufffd').trim();
  return bounded(clean, max);
}

/** Text with hidden characters dropped and line breaks as spaces: a default a prompt offers, so it always passes validation. */
export function withoutHidden(text: string | null | undefined): string {
  return String(text ?? '').replace(BREAKS, ' ').replace(HIDDEN, '').replace(/ {2,}/g, ' ').trim();
}

/** Multi-line text (descriptions, error messages, tracebacks): line breaks and tabs kept, the rest as in `plainText`. */
export function multilineText(text: string | null | undefined, max = 4000): string {
  const clean = String(text ?? '').replace(/\r\n?/g, '\n').replace(/[\v\f\u0085\u2028\u2029]/g, '\n').replace(HIDDEN, '\ufffd');
  return bounded(clean, max);
}

/**
 * Text for VS Code surfaces that interpret a little markup: notifications render
 * `[text](command:…)` as a link, and status-bar items and quick-pick labels render `$(icon)`.
 * A zero-width non-joiner between the characters shows the same text but breaks both syntaxes,
 * so an API value such as `[x](command:workbench.action.quit)` stays inert. Idempotent: ZWNJ is
 * not one of the invisible characters `plainText` neutralises.
 */
export function uiText(text: string | null | undefined, max = 200): string {
  return plainText(text, max).replace(/\$\(/g, '$\u200c(').replace(/\]\(/g, ']\u200c(');
}
