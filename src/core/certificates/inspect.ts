import { createHash, X509Certificate } from 'node:crypto';
import { basename } from 'node:path';
import { readBounded, readBoundedSync } from '../boundedRead';
import { UserError } from '../errors';
import { certificateParts } from './der';
import { readPfx } from './pfx';
import { CERT_LABELS, derToPem, hexUpper, pemBlocks } from './pem';
import type { CertificateInfo, InspectOptions } from './types';

/** OpenSSL's names for the signature algorithms one meets on client certificates. */
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};
const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 };
const KEY_TYPES: Record<string, string> = { rsa: 'RSA', 'rsa-pss': 'RSA-PSS', ec: 'EC', dsa: 'DSA', ed25519: 'Ed25519', ed448: 'Ed448' };
const DAY = 86_400_000;

/** Whole days left, rounded away from zero: a fresh 600-day cert has 600, one expired an hour ago -1. */
function daysUntil(t: number, now: number): number {
  const d = (t - now) / DAY;
  return d >= 0 ? Math.ceil(d) : Math.floor(d);
}

/** Node prints a DN one attribute per line; Windows and Flowgear show it comma-separated. */
const dn = (s: string | undefined) => (s ?? '').split('\n').filter(Boolean).join(', ');

/** Details of one DER certificate. */
export function describeCertificate(der: Buffer, now = Date.now()): CertificateInfo {
  const x = new X509Certificate(der);
  const parts = certificateParts(der);
  const details = x.publicKey.asymmetricKeyDetails ?? {};
  const type = x.publicKey.asymmetricKeyType ?? 'unknown';
  const notBefore = new Date(x.validFrom);
  const notAfter = new Date(x.validTo);
  return {
    subject: dn(x.subject),
    issuer: dn(x.issuer),
    serialNumber: x.serialNumber.toUpperCase(),
    notBefore,
    notAfter,
    thumbprint: hexUpper(createHash('sha1').update(der).digest()),
    sha256: hexUpper(createHash('sha256').update(der).digest()),
    keyType: KEY_TYPES[type] ?? type,
    keySize: details.modulusLength ?? (details.namedCurve ? CURVE_BITS[details.namedCurve] : undefined),
    ...(details.namedCurve ? { curve: details.namedCurve } : {}),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[parts.signatureAlgorithmOid] ?? parts.signatureAlgorithmOid,
    selfSigned: parts.issuerName.equals(parts.subjectName) && x.verify(x.publicKey),
    expired: notAfter.getTime() < now,
    daysLeft: daysUntil(notAfter.getTime(), now),
    pem: derToPem(der),
  };
}

type DerKind = 'certificate' | 'pfx' | 'private-key' | 'unknown';

/** Tells DER structures apart by their first field (works for BER indefinite lengths too). */
function sniffDer(b: Buffer): DerKind {
  if (b.length < 8 || b[0] !== 0x30) return 'unknown';
  const at = b[1] === 0x80 ? 2 : b[1] & 0x80 ? 2 + (b[1] & 0x7f) : 2;
  if (b[at] === 0x30) return 'certificate';
  if (b[at] === 0x02 && b[at + 1] === 0x01) return b[at + 2] === 3 ? 'pfx' : b[at + 2] === 0 ? 'private-key' : 'unknown';
  return 'unknown';
}

function parseDer(der: Buffer, what: string): Buffer {
  try {
    new X509Certificate(der);
    certificateParts(der);
    return der;
  } catch {
    throw new UserError(`${what} is damaged: it starts like a certificate but cannot be parsed (truncated?).`, 'bad-certificate');
  }
}

/** DER bytes of every certificate in a PEM bundle, DER file or PFX. */
export function readCertificates(bytes: Buffer | string, opts: InspectOptions = {}): Buffer[] {
  const what = opts.fileName ? basename(opts.fileName) : 'The input';
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const text = buf.toString('latin1');
  if (text.trim() === '') throw new UserError(`${what} is empty.`, 'empty');

  if (text.includes('-----BEGIN ')) {
    const blocks = pemBlocks(text);
    const certs = blocks.filter((b) => CERT_LABELS.has(b.label));
    if (certs.length === 0) {
      if (/-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/.test(text))
        throw new UserError(`${what} has a truncated certificate: '-----BEGIN CERTIFICATE-----' without its END line.`, 'truncated-pem');
      const label = blocks[0]?.label ?? /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1] ?? '';
      if (label.includes('PRIVATE KEY'))
        throw new UserError(`${what} contains a private key, not a certificate. Use the .crt/.cer file (the public part).`, 'not-a-certificate');
      if (label.includes('CERTIFICATE REQUEST'))
        throw new UserError(`${what} is a certificate signing request (CSR), not a certificate.`, 'not-a-certificate');
      throw new UserError(`${what} contains no certificate (found '${label}').`, 'not-a-certificate');
    }
    const begins = text.match(/-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/g)?.length ?? 0;
    if (begins > certs.length)
      throw new UserError(`${what} has a truncated certificate: a '-----BEGIN CERTIFICATE-----' line without its END line.`, 'truncated-pem');
    return certs.map((b, i) =>
      parseDer(Buffer.from(b.body, 'base64'), certs.length > 1 ? `Certificate ${i + 1} in ${opts.fileName ? what : 'the input'}` : what),
    );
  }

  const kind = sniffDer(buf);
  const pfxByName = /\.(pfx|p12)$/i.test(opts.fileName ?? '');
  if (kind === 'pfx' || (pfxByName && kind === 'unknown' && buf[0] === 0x30)) {
    return readPfx(buf, opts.passphrase, what).certs;
  }
  if (kind === 'certificate') return [parseDer(buf, what)];
  if (kind === 'private-key')
    throw new UserError(`${what} contains a private key, not a certificate. Use the .crt/.cer file (the public part).`, 'not-a-certificate');
  throw new UserError(`${what} is not a certificate: expected PEM, DER (.cer) or PKCS#12 (.pfx/.p12).`, 'not-a-certificate');
}

export function inspectCertificates(bytes: Buffer | string, opts: InspectOptions = {}): CertificateInfo[] {
  const now = Date.now();
  return readCertificates(bytes, opts).map((der) => describeCertificate(der, now));
}

export interface InspectFileOptions {
  passphrase?: string;
  /** What names the file, for errors: e.g. `key 'ci' "certificate"` (default: "certificate"). */
  field?: string;
}

/** Certificates in a file, read through the bounded reader (regular files up to 1 MiB). */
export function inspectCertificateFile(path: string, opts: InspectFileOptions = {}): CertificateInfo[] {
  const bytes = readBoundedSync(path, { field: opts.field ?? 'certificate' });
  return inspectCertificates(bytes, { passphrase: opts.passphrase, fileName: path });
}

/** inspectCertificateFile without blocking the thread (the extension host). */
export async function inspectCertificateFileAsync(path: string, opts: InspectFileOptions = {}): Promise<CertificateInfo[]> {
  const bytes = await readBounded(path, { field: opts.field ?? 'certificate' });
  return inspectCertificates(bytes, { passphrase: opts.passphrase, fileName: path });
}

/** SHA-1 thumbprint (uppercase hex, no separators) of the first certificate. */
export function thumbprintOf(certPemOrDer: Buffer | string): string {
  return hexUpper(createHash('sha1').update(readCertificates(certPemOrDer)[0]).digest());
}
