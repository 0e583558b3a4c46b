/** PEM ⇄ DER for certificates. */
export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export interface PemBlock {
  label: string;
  /** Base64 body (whitespace removed). */
  body: string;
  /** 0-based offsets of the block in the text (BEGIN line start … END line end). */
  start: number;
  end: number;
}

// A block never spans another BEGIN line, so a truncated block cannot swallow the next one.
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----((?:(?!-----BEGIN )[\s\S])*?)-----END \1-----/g;

export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    out.push({ label: m[1], body: m[2].replace(/\s+/g, ''), start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

export const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

export function hexUpper(buf: Buffer): string {
  return buf.toString('hex').toUpperCase();
}
