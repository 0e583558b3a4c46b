/**
 * What the editor shows for certificates, computed without vscode so it can be unit-tested
 * and benchmarked (goal: hover for a 4096-bit certificate < 2 ms).
 */
import { describeCertificate } from './inspect';
import { CERT_LABELS, pemBlocks } from './pem';
import type { CertificateInfo } from './types';

export interface CertificateBlock {
  /** Offsets in the text: BEGIN line start … END line end. */
  start: number;
  end: number;
  info?: CertificateInfo;
  /** Why the block could not be read. */
  error?: string;
}

const BEGIN = '-----BEGIN CERTIFICATE-----';

/** Certificate blocks of a text document, each parsed or with its error; a BEGIN without END counts too. */
export function scanCertificateBlocks(text: string, now = Date.now()): CertificateBlock[] {
  if (!text.includes('-----BEGIN ')) return [];
  const out: CertificateBlock[] = [];
  for (const b of pemBlocks(text)) {
    if (!CERT_LABELS.has(b.label)) continue;
    try {
      out.push({ start: b.start, end: b.end, info: describeCertificate(Buffer.from(b.body, 'base64'), now) });
    } catch {
      out.push({ start: b.start, end: b.end, error: 'This certificate block is damaged (truncated or edited?): it cannot be parsed.' });
    }
  }
  // A BEGIN line that no complete block covers: truncated.
  for (let i = text.indexOf(BEGIN); i >= 0; i = text.indexOf(BEGIN, i + 1)) {
    if (!out.some((b) => b.start <= i && i < b.end))
      out.push({ start: i, end: i + BEGIN.length, error: "Truncated certificate: '-----BEGIN CERTIFICATE-----' without its END line." });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function keyDescription(i: CertificateInfo): string {
  return i.keyType + (i.keySize ? ` ${i.keySize}` : '') + (i.curve ? ` (${i.curve})` : '');
}

export function validityText(i: CertificateInfo): string {
  if (Number.isNaN(i.daysLeft)) return 'expiry date unreadable';
  if (i.expired) return `EXPIRED ${-i.daysLeft} day${i.daysLeft === -1 ? '' : 's'} ago`;
  return `expires in ${i.daysLeft} day${i.daysLeft === 1 ? '' : 's'}`;
}

/** Printable form of a hostile raw value: ASCII only, quoted, capped. */
function quoted(raw: string): string {
  const s = raw.length > 40 ? raw.slice(0, 40) + '…' : raw;
  return '"' + s.replace(/["\\]|[^\x20-\x7e…]/g, (c) => (c === '"' || c === '\\' ? '\\' + c : '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'))) + '"';
}

/** A validity bound as a date (or ISO date-time); a malformed one as openssl says it, with the raw text. */
export function dateText(d: Date, raw?: string, time = false): string {
  if (!Number.isNaN(d.getTime())) return time ? d.toISOString() : d.toISOString().slice(0, 10);
  return `Bad time value${raw === undefined ? '' : ` (${quoted(raw)})`}`;
}

const day = (d: Date) => dateText(d);
const esc = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

/** Command URI with JSON arguments, as VS Code's markdown command links expect. */
export function commandUri(command: string, ...args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** The hover: subject, issuer, validity, key, thumbprints, and copy links. */
export function certificateMarkdown(i: CertificateInfo): string {
  const validity = i.expired ? `**${validityText(i)}**` : validityText(i);
  return [
    `**Certificate**${i.selfSigned ? ' (self-signed)' : ''}`,
    '',
    '| | |',
    '|---|---|',
    `| Subject | ${i.subject ? esc(i.subject) : '*(empty)*'} |`,
    `| Issuer | ${i.issuer ? esc(i.issuer) : '*(empty)*'} |`,
    `| Valid | ${esc(dateText(i.notBefore, i.notBeforeRaw))} → ${esc(dateText(i.notAfter, i.notAfterRaw))}, ${validity} |`,
    `| Key | ${esc(keyDescription(i))}, ${esc(i.signatureAlgorithm)} |`,
    `| Thumbprint (SHA-1) | \`${i.thumbprint}\` |`,
    `| SHA-256 | \`${i.sha256}\` |`,
    '',
    `[$(copy) Copy thumbprint](${commandUri('flowgear.cert.copyThumbprint', i.thumbprint)} "Copy the SHA-1 thumbprint, as the Flowgear console shows it") · ` +
      `[$(copy) Copy SHA-256](${commandUri('flowgear.cert.copySha256', i.sha256)})`,
  ].join('\n');
}

export type ExpiryLevel = 'expired' | 'soon' | 'ok';

export function expiryLevel(i: CertificateInfo, warningDays: number): ExpiryLevel {
  if (i.expired) return 'expired';
  return i.daysLeft <= warningDays ? 'soon' : 'ok';
}

export function expiryMessage(i: CertificateInfo): string {
  const subject = i.subject || 'empty subject';
  return i.expired
    ? `Certificate (${subject}) expired on ${day(i.notAfter)}: Flowgear rejects it (404). Create a new one and upload it to the key.`
    : `Certificate (${subject}) expires on ${day(i.notAfter)} (in ${i.daysLeft} day${i.daysLeft === 1 ? '' : 's'}). Renew it and upload the new one in time.`;
}

