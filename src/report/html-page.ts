// The document around the report's parts: one file with its style, data and script inline. Its
// Content-Security-Policy allows no request at all and runs only the page's own script (by hash), so
// even text that got past the escaping could neither load nor run anything.
import { createHash } from 'node:crypto';
import { escapeHtml, jsonForScript } from './html-escape.js';
import { reportScript } from './report-script.js';
import { reportStyle } from './report-style.js';

export interface PageParts {
  title: string;
  header: string;
  body: string;
  footer: string;
  /** Embedded as JSON for the script (sites per heap id). */
  data: unknown;
}

/** The whole HTML document. */
export function pageHtml(parts: PageParts): string {
  const scriptHash = createHash('sha256').update(reportScript, 'utf8').digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kamheap">
<link rel="icon" href="data:,">
<title>${escapeHtml(parts.title)}</title>
<style>${reportStyle}</style>
</head>
<body>
${parts.header}
<main>
${parts.body}
</main>
${parts.footer}
<script type="application/json" id="kamheap-data">${jsonForScript(parts.data)}</script>
<script>${reportScript}</script>
</body>
</html>
`;
}
