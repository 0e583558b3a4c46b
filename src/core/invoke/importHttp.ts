import { parseRequestFile } from './requestFile';

/**
 * "Import .http File…": turns a REST Client / httpYac file into a `.flowgear.http` file.
 * What maps stays as written (the syntax is the same family); every request gets a
 * `# @key` (the given default, else a placeholder to fill in); what cannot be carried over —
 * scripts, response handlers, auth helpers, other protocols — is commented out in place and
 * listed in a comment block at the top, with its line in the original file.
 */

export interface ImportResult {
  text: string;
  /** What was not carried over, one line each ("line 12: …"). */
  notes: string[];
}

const AUTH_HELPER = /^\s*Authorization\s*:\s*(?:(Basic)\s+\S+[\s:]+\S+|(Digest)\s|(AWS)\s|(COGNITO)\s|.*\{\{\s*\$(aadToken|aadV2Token|oidcAccessToken)\b)/i;

export function importHttpFile(text: string, o: { sourceName: string; defaultKey?: string }): ImportResult {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const lines = text.split(/\r\n|\r|\n/);
  const parsed = parseRequestFile(text);
  const notes: string[] = [];
  const commented = new Set<number>();
  const comment = (from: number, to: number, why: string) => {
    notes.push(`line ${from + 1}: ${why}`);
    for (let i = from; i <= to; i++) commented.add(i);
  };

  const bodyLines = new Set(parsed.requests.flatMap((b) => (b.body ?? []).map((p) => p.line)));
  // Script blocks {{ … }} before a request, and response handlers > {% … %} / > file.js.
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const requestLine = /^\s*\{\{\s*[\w$%.-]+\s*\}\}\S*(\s+HTTP\/[\d.]+)?\s*$/.test(l);
    if (!bodyLines.has(i) && /^\s*\{\{/.test(l) && !requestLine) {
      let j = i;
      if (!/\}\}\s*$/.test(l)) while (j < lines.length && !/^\s*\}\}\s*$/.test(lines[j])) j++;
      comment(i, Math.min(j, lines.length - 1), 'script block ({{ … }}) removed: scripts are not run; set values with @name = value, # @prompt or --var');
      i = j;
    } else if (/^\s*>\s*\{%/.test(l)) {
      let j = i;
      while (j < lines.length && !lines[j].includes('%}')) j++;
      comment(i, Math.min(j, lines.length - 1), 'response handler script (> {% … %}) removed: use # @expect for checks and {{name.response…}} for chaining');
      i = j;
    } else if (/^\s*>\s*\S+\.js\s*$/.test(l)) {
      comment(i, i, `response handler ${l.trim().slice(1).trim()} removed`);
    } else if (AUTH_HELPER.test(l)) {
      comment(i, i, 'auth helper header removed: Flowgear authenticates the caller by its client certificate (# @key)');
    }
  }
  // Requests that cannot be sent at all (other protocols and methods).
  for (const b of parsed.requests) {
    const fatal = b.diagnostics.find((d) => d.severity === 'error' && ['unsupported-protocol', 'unsupported-method', 'request-line'].includes(d.code));
    if (fatal) comment(b.startLine, b.endLine, `${fatal.message} — request commented out`);
  }

  // A key for every request that can be sent and names none.
  const insertKeyAt = new Set<number>();
  for (const b of parsed.requests) {
    if (b.key || commented.has(b.targetLine ?? -1) || b.targetLine === undefined) continue;
    insertKeyAt.add(b.targetLine);
  }
  const key = o.defaultKey ?? 'KEY-NAME';
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (insertKeyAt.has(i)) out.push(`# @key ${key}${o.defaultKey ? '' : '   ← a key from flowgear.json'}`);
    out.push(commented.has(i) ? `# ${l}` : l);
  });
  if (!o.defaultKey && insertKeyAt.size) notes.push(`${insertKeyAt.size} request(s) had no key: '# @key ${key}' was added above each; replace it with a key from flowgear.json`);
  const head = [`# Imported from ${o.sourceName} by "Flowgear: Import .http File…".`];
  if (notes.length) head.push('# Not carried over as it was — review before invoking:', ...notes.map((n) => `#   ${n}`));
  else head.push('# Everything was carried over.');
  return { text: [...head, '', ...out].join(eol), notes };
}
