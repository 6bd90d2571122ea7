/**
 * Host names that never leave the machine, where plain http is acceptable: literal loopback
 * addresses and `localhost` itself. Not `*.localhost`: here it is resolved through DNS.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Validates the Waldur API URL a person typed. Returns an error message, or undefined when
 * acceptable: https anywhere, plain http only for loopback.
 */
export function validateApiUrl(input: string): string | undefined {
  const text = input.trim();
  if (!text) return 'Enter the Waldur API URL, e.g. https://waldur.example.com/api/';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Not a URL. Example: https://waldur.example.com/api/';
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'Use https: the token would travel unencrypted (plain http is allowed only for localhost).';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The URL must start with https://';
  if (url.username || url.password) return 'Leave credentials out of the URL; the token is asked next.';
  if (url.search || url.hash) return 'Remove the query (?…) or fragment (#…) from the URL.';
  return undefined;
}

/** Canonical form stored and shown: origin + path without trailing `/api` or slashes. */
export function canonicalApiUrl(input: string): string {
  const url = new URL(input.trim());
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api$/, '')}`;
}

/** Accepts a pasted `Token abc…` / `Bearer w_…` header value as well as the bare token. */
export function normalizeToken(input: string): string {
  return input.trim().replace(/^(token|bearer)\s+/i, '');
}

/** A token is one printable word. */
export function validateToken(input: string): string | undefined {
  const t = normalizeToken(input);
  if (!t) return 'Paste your Waldur API token (HomePort → your profile → API token).';
  if (/\s/.test(t)) return 'A token has no spaces.';
  if (/^(token|bearer)$/i.test(t)) return 'Paste only the token itself.';
  return undefined;
}
