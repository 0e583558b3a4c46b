import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import { readBounded, readBoundedSync } from '../boundedRead';
import { UserError } from '../errors';
import { certificateParts, derKind, keySizeOf, type CertificateParts, type DerKind } from './der';
import { KEY_ALGORITHMS, SIGNATURE_ALGORITHMS } from './oids';
import { readPfx } from './pfx';
import { CERT_LABELS, derToPem, hexUpper, pemBlocks } from './pem';
import type { CertificateInfo, InspectOptions } from './types';

const KEY_TYPES: Record<string, string> = { rsa: 'RSA', 'rsa-pss': 'RSA-PSS', ec: 'EC', dsa: 'DSA', ed25519: 'Ed25519', ed448: 'Ed448' };
const DSA = '1.2.840.10040.4.1';
const DAY = 86_400_000;

/** Whole days left, rounded away from zero: a fresh 600-day cert has 600, one expired an hour ago -1. */
function daysUntil(t: number, now: number): number {
  const d = (t - now) / DAY;
  return d >= 0 ? Math.ceil(d) : Math.floor(d);
}

/** Node prints a DN one attribute per line; Windows and Flowgear show it comma-separated. */
const dn = (s: string | undefined) => (s ?? '').split('\n').filter(Boolean).join(', ');

/** Key facts; a key Node cannot load (GOST, unknown OIDs, DSA without its parameters) is named, not fatal. */
function keyFacts(x: X509Certificate, parts: CertificateParts): Pick<CertificateInfo, 'keyType' | 'keySize' | 'curve'> & { key?: KeyObject } {
  let key: KeyObject;
  try {
    key = x.publicKey;
  } catch {
    const oid = parts.keyAlgorithmOid;
    if (oid === DSA && !parts.keyHasParameters) return { keyType: 'DSA, parameters inherited from the issuing CA (not in this certificate)' };
    const name = KEY_ALGORITHMS[oid];
    return { keyType: `unsupported algorithm OID ${oid}${name ? ` (${name})` : ''}` };
  }
  const type = key.asymmetricKeyType ?? 'unknown';
  const { bits, curve } = keySizeOf(parts.spki);
  return { key, keyType: KEY_TYPES[type] ?? type, keySize: bits, ...(curve ? { curve } : {}) };
}

function selfSigned(x: X509Certificate, parts: CertificateParts, key: KeyObject | undefined): boolean {
  if (!key || !parts.issuerName.equals(parts.subjectName)) return false;
  try {
    return x.verify(key);
  } catch {
    return false; // a signature algorithm OpenSSL refuses (md2, GOST …)
  }
}

function damaged(what: string): UserError {
  return new UserError(`${what} is damaged: it starts like a certificate but cannot be parsed (truncated?).`, 'bad-certificate');
}

/** Details of one DER certificate. */
export function describeCertificate(der: Buffer, now = Date.now()): CertificateInfo {
  let x: X509Certificate;
  let parts: CertificateParts;
  try {
    x = new X509Certificate(der);
    parts = certificateParts(der);
  } catch {
    throw damaged('The certificate');
  }
  const { key, ...keyInfo } = keyFacts(x, parts);
  // For a malformed time Node gives OpenSSL's "Bad time value": an Invalid Date, shown with its raw text.
  const notBefore = new Date(x.validFrom);
  const notAfter = new Date(x.validTo);
  return {
    subject: dn(x.subject),
    issuer: dn(x.issuer),
    serialNumber: x.serialNumber.toUpperCase(),
    notBefore,
    notAfter,
    notBeforeRaw: parts.notBeforeRaw,
    notAfterRaw: parts.notAfterRaw,
    thumbprint: hexUpper(createHash('sha1').update(der).digest()),
    sha256: hexUpper(createHash('sha256').update(der).digest()),
    ...keyInfo,
    signatureAlgorithm: SIGNATURE_ALGORITHMS[parts.signatureAlgorithmOid] ?? parts.signatureAlgorithmOid,
    selfSigned: selfSigned(x, parts, key),
    expired: notAfter.getTime() < now,
    daysLeft: daysUntil(notAfter.getTime(), now),
    pem: derToPem(der),
  };
}

/** What a file that is not a certificate holds, in words. */
const OTHER_KINDS: Partial<Record<DerKind, string>> = {
  crl: 'a certificate revocation list (CRL)',
  csr: 'a certificate signing request (CSR)',
  'ocsp-request': 'an OCSP request',
  'ocsp-response': 'an OCSP response',
  pkcs7: 'a PKCS#7 bundle (.p7b: openssl pkcs7 -print_certs lists its certificates)',
};
const PEM_KINDS: Record<string, DerKind> = {
  'X509 CRL': 'crl',
  'CERTIFICATE REQUEST': 'csr',
  'NEW CERTIFICATE REQUEST': 'csr',
  PKCS7: 'pkcs7',
  CMS: 'pkcs7',
  'OCSP REQUEST': 'ocsp-request',
  'OCSP RESPONSE': 'ocsp-response',
};

function notACertificate(what: string, kind: DerKind | undefined): UserError | undefined {
  if (kind === 'private-key')
    return new UserError(`${what} contains a private key, not a certificate. Use the .crt/.cer file (the public part).`, 'not-a-certificate');
  const words = kind && OTHER_KINDS[kind];
  return words ? new UserError(`${what} is ${words}, not a certificate.`, 'not-a-certificate') : undefined;
}

function parseDer(der: Buffer, what: string): Buffer {
  try {
    new X509Certificate(der);
    certificateParts(der);
    return der;
  } catch {
    throw notACertificate(what, derKind(der)) ?? damaged(what);
  }
}

/** Anything but a UserError escaping a reader is a parser surprise on hostile bytes: report it as damage. */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw damaged(what);
  }
}

/** DER bytes of every certificate in a PEM bundle, DER file or PFX. */
export function readCertificates(bytes: Buffer | string, opts: InspectOptions = {}): Buffer[] {
  const what = opts.fileName ? basename(opts.fileName) : 'The input';
  return guarded(what, () => readAll(bytes, opts, what));
}

function readAll(bytes: Buffer | string, opts: InspectOptions, what: string): Buffer[] {
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
      const known = notACertificate(what, label.includes('PRIVATE KEY') ? 'private-key' : PEM_KINDS[label]);
      if (known) throw known;
      throw new UserError(`${what} contains no certificate (found '${label}').`, 'not-a-certificate');
    }
    const begins = text.match(/-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/g)?.length ?? 0;
    if (begins > certs.length)
      throw new UserError(`${what} has a truncated certificate: a '-----BEGIN CERTIFICATE-----' line without its END line.`, 'truncated-pem');
    return certs.map((b, i) =>
      parseDer(Buffer.from(b.body, 'base64'), certs.length > 1 ? `Certificate ${i + 1} in ${opts.fileName ? what : 'the input'}` : what),
    );
  }

  const kind = derKind(buf);
  const pfxByName = /\.(pfx|p12)$/i.test(opts.fileName ?? '');
  if (kind === 'pfx' || (pfxByName && kind === 'unknown' && buf[0] === 0x30)) {
    const certs = readPfx(buf, opts.passphrase, what).certs;
    return certs.map((d, i) => parseDer(d, certs.length > 1 ? `Certificate ${i + 1} in ${what}` : what));
  }
  if (kind === 'certificate') return [parseDer(buf, what)];
  const known = notACertificate(what, kind);
  if (known) throw known;
  throw new UserError(`${what} is not a certificate: expected PEM, DER (.cer) or PKCS#12 (.pfx/.p12).`, 'not-a-certificate');
}

export function inspectCertificates(bytes: Buffer | string, opts: InspectOptions = {}): CertificateInfo[] {
  const now = Date.now();
  const what = opts.fileName ? basename(opts.fileName) : 'The input';
  return readCertificates(bytes, opts).map((der) => guarded(what, () => describeCertificate(der, now)));
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

/** SHA-1 thumbprint (uppercase hex, no separators) of the first certificate: the SHA-1 of its DER, whatever its key. */
export function thumbprintOf(certPemOrDer: Buffer | string): string {
  return hexUpper(createHash('sha1').update(readCertificates(certPemOrDer)[0]).digest());
}
