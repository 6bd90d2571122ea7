/**
 * Escapers for untrusted text (everything the API returns). Markdown tooltips are rendered
 * without HTML and untrusted, and on top every Markdown/HTML-significant character is escaped,
 * so `[x](command:…)` or `<img onerror=…>` shows literally.
 */
export function escapeMarkdown(text: string | null | undefined): string {
  return String(text ?? '')
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, ' ');
}

/** HTML text and attribute escaping. */
export function escapeHtml(text: string | null | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Single-line plain text for labels and pickers: no control characters, bounded length. */
export function plainText(text: string | null | undefined, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = String(text ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Text for VS Code surfaces that interpret a little markup: notifications render
 * `[text](command:…)` as a link, and status-bar items and quick-pick labels render `$(icon)`.
 * A zero-width space between the characters shows the same text but breaks both syntaxes, so an
 * API value such as `[x](command:workbench.action.quit)` stays inert. Idempotent.
 */
export function uiText(text: string | null | undefined, max = 200): string {
  return plainText(text, max).replace(/\$\(/g, '$\u200b(').replace(/\]\(/g, ']\u200b(');
}
