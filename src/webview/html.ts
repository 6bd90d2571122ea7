/**
 * The detail panel's HTML shell. Pure (no VS Code), so the CSP is checked by a unit test.
 * It carries no data: the script asks for it with a `ready` message and draws it as text.
 */
import { escapeHtml } from '../util/escape';

export interface HtmlParts {
  /** `webview.cspSource`. */
  cspSource: string;
  /** From `crypto.randomUUID()`, new for every page. */
  nonce: string;
  /** `asWebviewUri` of dist/webview.js, dist/panel.css and dist/codicons/codicon.css. */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
}

/** The Content-Security-Policy: nothing remote, nothing inline, one nonce'd script. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; style-src ${cspSource}; font-src ${cspSource}; img-src ${cspSource}; script-src 'nonce-${nonce}'`;
}

/** Builds the page: the header, an aria-live status line (jobs, errors) and the content the script fills. */
export function buildHtml(parts: HtmlParts): string {
  const e = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(parts.codiconUri)}">
<link rel="stylesheet" href="${e(parts.styleUri)}">
<title>Volume Explorer details</title>
</head>
<body>
<header id="header" aria-busy="true">
<h1 class="placeholder">Loading…</h1>
</header>
<div id="status" class="status" role="status" aria-live="polite"></div>
<main id="content"></main>
<script nonce="${e(parts.nonce)}" src="${e(parts.scriptUri)}"></script>
</body>
</html>
`;
}
