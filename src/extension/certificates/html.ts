import { dateText, keyDescription, validityText, type CertificateInfo } from '../../core/certificates';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ViewerModel {
  fileName: string;
  format: string;
  infos: CertificateInfo[];
  error?: string;
  /** The file needs a passphrase (show an unlock button). */
  locked?: boolean;
  isText?: boolean;
  /** flowgear.certificates.expiryWarningDays */
  warningDays: number;
}

/** The read-only certificate viewer page; theme colours from VS Code's CSS variables. */
export function viewerHtml(m: ViewerModel, nonce: string, cspSource: string): string {
  const row = (k: string, v: string) => `<tr><th>${k}</th><td>${v}</td></tr>`;
  const copy = (label: string, value: string) => `<button data-copy="${esc(value)}" title="Copy ${esc(label)}">Copy</button>`;
  const cards = m.infos.map((i, n) => {
    const validity = `${esc(dateText(i.notBefore, i.notBeforeRaw))} → ${esc(dateText(i.notAfter, i.notAfterRaw))} <span class="${i.expired ? 'bad' : i.daysLeft <= m.warningDays ? 'warn' : ''}">(${esc(validityText(i))})</span>`;
    return `<section>
  <h2>${m.infos.length > 1 ? `Certificate ${n + 1} of ${m.infos.length}` : 'Certificate'}${i.selfSigned ? ' <small>self-signed</small>' : ''}</h2>
  <table>
    ${row('Subject', i.subject ? esc(i.subject) : '<em>(empty)</em>')}
    ${row('Issuer', i.issuer ? esc(i.issuer) : '<em>(empty)</em>')}
    ${row('Serial number', `<code>${esc(i.serialNumber)}</code>`)}
    ${row('Valid', validity)}
    ${row('Key', esc(keyDescription(i)))}
    ${row('Signature', esc(i.signatureAlgorithm))}
    ${row('Thumbprint (SHA-1)', `<code class="tp">${i.thumbprint}</code> ${copy('thumbprint', i.thumbprint)}`)}
    ${row('SHA-256', `<code>${i.sha256}</code> ${copy('SHA-256', i.sha256)}`)}
  </table>
</section>`;
  });
  const error = m.error
    ? `<p class="bad" role="alert">${esc(m.error)}</p>${m.locked ? '<button id="unlock">Enter Passphrase…</button>' : ''}`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 20px 20px; }
  h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.5em; } small { opacity: .7; font-weight: normal; }
  table { border-collapse: collapse; } th { text-align: left; padding: 4px 16px 4px 0; vertical-align: top; opacity: .8; font-weight: normal; }
  td { padding: 4px 0; } code { font-family: var(--vscode-editor-font-family); word-break: break-all; }
  .tp { font-weight: bold; } .bad { color: var(--vscode-errorForeground); } .warn { color: var(--vscode-editorWarning-foreground); }
  button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 2px 8px; cursor: pointer; }
  button:hover { background: var(--vscode-button-secondaryHoverBackground); }
</style></head>
<body>
<h1>${esc(m.fileName)} <small>${esc(m.format)}${m.isText ? ' · <a href="#" id="text">open as text</a>' : ''}</small></h1>
${error}
${cards.join('\n')}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (e) => {
    const t = e.target;
    if (!(t instanceof HTMLElement)) return;
    if (t.dataset.copy) vscode.postMessage({ type: 'copy', value: t.dataset.copy });
    else if (t.id === 'unlock') vscode.postMessage({ type: 'unlock' });
    else if (t.id === 'text') { e.preventDefault(); vscode.postMessage({ type: 'openText' }); }
  });
</script>
</body></html>`;
}
