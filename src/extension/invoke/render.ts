import type { Cause } from '../../core/invoke/explain404';
import type { ExpectationResult } from '../../core/invoke/expect';
import type { InvokeResult } from '../../core/invoke/result';
import type { ResolvedRequest } from '../../core/invoke/types';

/**
 * HTML of the response view. Pure (no vscode) so it is unit-tested; the webview adds the
 * CSP nonce and wires the buttons. Everything from the wire is escaped.
 */

export interface ResponseModel {
  request: ResolvedRequest;
  result?: InvokeResult;
  error?: { message: string; code: string };
  causes: Cause[];
  /** Shown loudly when the environment skips server certificate verification. */
  insecure: boolean;
  /** Key's target environment ≠ chosen one. */
  environmentWarning?: string;
  at: number;
  /** `# @expect` results of a request-file invoke. */
  expectations?: ExpectationResult[];
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Indents XML without a parser (display only); leaves text nodes alone. */
export function prettyXml(xml: string): string {
  const tokens = xml.replace(/>\s+</g, '><').split(/(?=<)|(?<=>)/).filter((t) => t !== '');
  let depth = 0;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.startsWith('</')) {
      depth = Math.max(0, depth - 1);
      out.push('  '.repeat(depth) + t);
    } else if (t.startsWith('<') && !t.startsWith('<?') && !t.endsWith('/>') && !t.startsWith('<!')) {
      // <a>text</a> stays on one line.
      if (tokens[i + 1] !== undefined && !tokens[i + 1].startsWith('<') && tokens[i + 2]?.startsWith('</')) {
        out.push('  '.repeat(depth) + t + tokens[i + 1] + tokens[i + 2]);
        i += 2;
      } else {
        out.push('  '.repeat(depth) + t);
        depth++;
      }
    } else out.push('  '.repeat(depth) + t);
  }
  return out.join('\n');
}

/** Escaped XML with the InitialisationXml `<Username>` value marked. */
function xmlHtml(xml: string): string {
  return esc(prettyXml(xml)).replace(/(&lt;Username&gt;)(.*?)(&lt;\/Username&gt;)/g, '$1<mark class="username">$2</mark>$3');
}

/** Pretty body: JSON indented (string fields holding XML expanded below), XML indented. */
export function prettyBody(body: string, contentType: string | undefined): { html: string; kind: 'json' | 'xml' | 'text' } {
  const trimmed = body.trim();
  if (/json/i.test(contentType ?? '') || /^[[{]/.test(trimmed)) {
    try {
      const value = JSON.parse(trimmed);
      let html = esc(JSON.stringify(value, null, 2));
      if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (typeof v === 'string' && /^\s*</.test(v)) html += `\n\n<div class="xmlfield"><b>${esc(k)}</b>\n${xmlHtml(v)}</div>`;
          if (typeof v === 'string' && k === 'FgUsername') {
            // A function, not a string: server text like $' or $` must not act as a replacement pattern.
            const marked = `<mark class="username">${esc(JSON.stringify(v))}</mark>`;
            html = html.replace(esc(JSON.stringify(v)), () => marked);
          }
        }
      }
      return { html, kind: 'json' };
    } catch {
      /* not JSON after all */
    }
  }
  if (/xml/i.test(contentType ?? '') || trimmed.startsWith('<')) return { html: xmlHtml(trimmed), kind: 'xml' };
  return { html: esc(body), kind: 'text' };
}

const TIMING_LABELS = { dns: 'DNS', tcp: 'TCP connect', tls: 'TLS handshake', ttfb: 'time to first byte', download: 'download', total: 'total' } as const;

function row(k: string, v: string) {
  return `<tr><th>${esc(k)}</th><td>${v}</td></tr>`;
}

export function responseTitle(m: ResponseModel): string {
  const what = m.request.workflow ?? new URL(m.request.url).pathname;
  const outcome = m.result ? String(m.result.status) : 'failed';
  return `${outcome} ${what} · ${m.request.client.keyName}`;
}

export function renderResponseHtml(m: ResponseModel, o: { nonce: string; cspSource: string }): string {
  const r = m.result;
  const statusClass = r ? (r.status >= 200 && r.status < 300 ? 'ok' : 'bad') : 'bad';
  const status = r ? `${r.status} ${esc(r.statusText)}` : `Failed: ${esc(m.error?.message ?? 'unknown error')}`;
  const timings = r
    ? `<table class="timings">${(['dns', 'tcp', 'tls', 'ttfb', 'download', 'total'] as const)
        .map((k) => row(TIMING_LABELS[k], `${r.timings[k].toFixed(1)} ms`))
        .join('')}${row('connection', r.timings.reusedConnection ? 'reused (keep-alive)' : 'new')}</table>`
    : '';
  const headers = r ? `<table class="headers">${Object.entries(r.headers).map(([k, v]) => row(k, esc(v))).join('')}</table>` : '';
  const body = r ? prettyBody(r.body, r.headers['content-type']) : undefined;
  const causes = m.causes.length
    ? `<section class="explain"><h2>Why 404?</h2><p>Flowgear answers 404 for most refusals and does not say which. Likely causes, most likely first:</p><ol>${m.causes
        .map((c) => `<li data-code="${esc(c.code)}">${esc(c.message)}</li>`)
        .join('')}</ol></section>`
    : '';
  const expects = m.expectations?.length
    ? `<h2>Expectations</h2><ul class="expects" id="expectations">${m.expectations
        .map((e) => `<li class="${e.pass ? 'pass' : 'fail'}" data-line="${e.expectation.line + 1}">${e.pass ? '✔' : '✘'} ${esc(e.expectation.source)} <span class="actual">(${esc(e.actual)})</span></li>`)
        .join('')}</ul>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${o.cspSource} 'nonce-${o.nonce}'; script-src 'nonce-${o.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${o.nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
.status { font-size: 1.4em; font-weight: bold; }
.status.ok { color: var(--vscode-testing-iconPassed); }
.status.bad { color: var(--vscode-errorForeground); }
.insecure { background: var(--vscode-inputValidation-errorBackground); border: 1px solid var(--vscode-inputValidation-errorBorder); padding: .4em; font-weight: bold; }
.warn { background: var(--vscode-inputValidation-warningBackground); padding: .4em; }
th { text-align: left; padding-right: 1em; font-weight: normal; opacity: .8; vertical-align: top; }
pre { background: var(--vscode-textCodeBlock-background); padding: .6em; overflow: auto; white-space: pre-wrap; word-break: break-all; }
mark.username { background: var(--vscode-editor-findMatchHighlightBackground); color: inherit; font-weight: bold; }
.explain { border-left: 3px solid var(--vscode-editorWarning-foreground); padding-left: .8em; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: .3em .8em; margin-right: .4em; cursor: pointer; }
.hidden { display: none; }
.expects { list-style: none; padding-left: 0; }
.expects .pass { color: var(--vscode-testing-iconPassed); }
.expects .fail { color: var(--vscode-testing-iconFailed); }
.expects .actual { opacity: .8; }
</style></head>
<body>
<p class="status ${statusClass}" id="status">${status}</p>
${m.insecure ? '<p class="insecure">Server certificate NOT verified: this environment sets "insecure": true in flowgear.json.</p>' : ''}
${m.environmentWarning ? `<p class="warn">${esc(m.environmentWarning)}</p>` : ''}
<table class="summary">
${row('URL', `<code id="url">${esc(m.request.method)} ${esc(r?.url ?? m.request.url)}</code>`)}
${row('Key', `<span id="key">Key: ${esc(m.request.client.keyName)}</span>`)}
${row('Environment', `<span id="environment">${esc(m.request.environment)}</span>${m.request.profile ? ` (_profile=${esc(m.request.profile)})` : ''}`)}
${m.request.workflow ? row('Workflow', esc(m.request.workflow)) : ''}
${r ? row('TLS', `${esc(r.protocol ?? '?')} ${esc(r.cipher ?? '')}`) : ''}
${r?.serverTrust ? row('Server certificate', esc(r.serverTrust)) : ''}
${r?.proxy ? row('Proxy', `${esc(r.proxy)} (CONNECT tunnel; TLS end to end)`) : ''}
${r ? row('Size', `${r.sizes.responseBody} bytes${r.bodyTruncated ? ' (display truncated; Save body writes all of it)' : ''}`) : ''}
${row('At', esc(new Date(m.at).toLocaleString()))}
</table>
<p>
<button id="again">Invoke Again</button>
${r ? '<button id="raw">Raw</button><button id="save">Save body</button>' : ''}
<button id="code">Copy as code</button>
</p>
${expects}
${causes}
${r ? `<h2>Body</h2><pre id="pretty" class="body ${body!.kind}">${body!.html}</pre><pre id="rawbody" class="hidden">${esc(r.body)}</pre>` : ''}
${r ? `<h2>Timings</h2>${timings}<h2>Headers</h2>${headers}` : ''}
<h2>Request headers</h2><table>${Object.entries(m.request.headers).map(([k, v]) => row(k, esc(v))).join('')}</table>
<script nonce="${o.nonce}">
const vscode = acquireVsCodeApi();
for (const id of ['again', 'save', 'code']) document.getElementById(id)?.addEventListener('click', () => vscode.postMessage({ command: id }));
document.getElementById('raw')?.addEventListener('click', (e) => {
  const raw = document.getElementById('rawbody'), pretty = document.getElementById('pretty');
  const showRaw = raw.classList.contains('hidden');
  raw.classList.toggle('hidden', !showRaw); pretty.classList.toggle('hidden', showRaw);
  e.target.textContent = showRaw ? 'Pretty' : 'Raw';
});
</script>
</body></html>`;
}
