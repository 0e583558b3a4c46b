/** How a key looks in both trees: icon by state, description, tooltip. */
import * as vscode from 'vscode';
import { relative } from 'node:path';
import type { KeyStatus } from '../../core/manifest/status';
import type { Key, Manifest } from '../../core/manifest/types';

export function keyIcon(status: KeyStatus | undefined, key: Key): vscode.ThemeIcon {
  const state = status?.state ?? (key.enabled ? 'enabled' : 'disabled');
  switch (state) {
    case 'missing':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case 'expired':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    case 'disabled':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    default:
      return new vscode.ThemeIcon('key', new vscode.ThemeColor('charts.green'));
  }
}

export function environmentLabel(m: Manifest, key: Key): string {
  return key.environment ?? m.environments.find((e) => e.production)?.name ?? 'Production';
}

export function keyDescription(m: Manifest, key: Key, status: KeyStatus | undefined): string {
  const parts = [environmentLabel(m, key)];
  if (!key.enabled) parts.push('disabled');
  if (status?.state === 'missing') parts.push('certificate missing');
  else if (status?.state === 'expired') parts.push('certificate expired');
  return parts.join(' · ');
}

export function thumbprintOfKey(key: Key, status: KeyStatus | undefined): string | undefined {
  return status?.certificate?.thumbprint ?? key.thumbprint;
}

export function shortThumbprint(t: string): string {
  return `${t.slice(0, 4)}…${t.slice(-4)}`;
}

const STATE_TEXT: Record<KeyStatus['state'], string> = {
  enabled: 'Enabled',
  disabled: 'Disabled',
  expired: 'Certificate expired',
  missing: 'Certificate file missing',
};

export function keyTooltip(m: Manifest, key: Key, status: KeyStatus | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const rel = (p: string) => relative(m.root, p) || p;
  md.appendMarkdown(`**${escape(key.name)}** — ${STATE_TEXT[status?.state ?? (key.enabled ? 'enabled' : 'disabled')]}\n\n`);
  md.appendMarkdown(`Environment: ${escape(environmentLabel(m, key))}\n\n`);
  const thumb = thumbprintOfKey(key, status);
  md.appendMarkdown(`Thumbprint: \`${thumb ?? 'unknown'}\`${key.thumbprint && status?.certificate && key.thumbprint !== status.certificate.thumbprint ? ` (manifest says \`${key.thumbprint}\`)` : ''}\n\n`);
  const cert = status?.certificate;
  if (cert) md.appendMarkdown(`Expires: ${cert.notAfter.toISOString().slice(0, 10)} (${cert.expired ? 'expired' : `${cert.daysLeft} days left`})\n\n`);
  else if (status?.certificateError) md.appendMarkdown(`Certificate: ${escape(status.certificateError.message)}\n\n`);
  const files = [key.certificate, key.privateKey, key.pfx].filter((f): f is string => !!f);
  if (files.length) md.appendMarkdown(`Files: ${files.map((f) => `\`${rel(f)}\`${status?.missingFiles.includes(f) ? ' (missing)' : ''}`).join(', ')}\n\n`);
  md.appendMarkdown(`Permitted workflows: ${key.permittedWorkflows.length ? key.permittedWorkflows.map(escape).join(', ') : '_none_'}`);
  return md;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
