/**
 * A minimal DER walker: just enough to read fields Node's X509Certificate does not expose
 * (signature algorithm, raw subject Name, extensions) without a full ASN.1 parse — the
 * hover path must stay well under 2 ms for a 4096-bit certificate.
 */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export function readTlv(buf: Buffer, at: number): Tlv {
  if (at + 2 > buf.length) throw new RangeError('DER: truncated header');
  const tag = buf[at];
  let len = buf[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) throw new RangeError('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    p += n;
  }
  if (p + len > buf.length) throw new RangeError('DER: truncated content');
  return { tag, start: at, contentStart: p, end: p + len };
}

/** The TLVs directly inside a constructed TLV. */
export function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end; ) {
    const t = readTlv(buf, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

export function content(buf: Buffer, t: Tlv): Buffer {
  return buf.subarray(t.contentStart, t.end);
}

export function raw(buf: Buffer, t: Tlv): Buffer {
  return buf.subarray(t.start, t.end);
}

export function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw new RangeError('DER: empty OID');
  const first = bytes[0];
  const parts: number[] = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Named pieces of an X.509 Certificate's DER. */
export interface CertificateParts {
  tbs: Tlv;
  signatureAlgorithmOid: string;
  issuerName: Buffer;
  subjectName: Buffer;
  spki: Buffer;
  /** OID of the subject public key's algorithm. */
  keyAlgorithmOid: string;
  /** Whether that AlgorithmIdentifier carries parameters (a DSA key may inherit them from its issuer). */
  keyHasParameters: boolean;
  /** The validity times exactly as written (UTCTime/GeneralizedTime text), for when they do not parse. */
  notBeforeRaw: string;
  notAfterRaw: string;
  /** extnID → extnValue content (the inner DER). */
  extensions: Map<string, Buffer>;
}

export function certificateParts(der: Buffer): CertificateParts {
  const cert = readTlv(der, 0);
  const [tbs, sigAlg] = children(der, cert);
  const algOid = decodeOid(content(der, children(der, sigAlg)[0]));
  const f = children(der, tbs);
  const off = f[0].tag === 0xa0 ? 1 : 0; // explicit [0] version
  const extensions = new Map<string, Buffer>();
  const extWrapper = f.find((t) => t.tag === 0xa3);
  if (extWrapper) {
    const list = children(der, extWrapper)[0];
    for (const ext of children(der, list)) {
      const parts = children(der, ext);
      extensions.set(decodeOid(content(der, parts[0])), content(der, parts[parts.length - 1]));
    }
  }
  const [notBefore, notAfter] = children(der, f[off + 3]);
  const keyAlg = children(der, children(der, f[off + 5])[0]);
  return {
    tbs,
    signatureAlgorithmOid: algOid,
    issuerName: raw(der, f[off + 2]),
    subjectName: raw(der, f[off + 4]),
    spki: raw(der, f[off + 5]),
    keyAlgorithmOid: decodeOid(content(der, keyAlg[0])),
    keyHasParameters: keyAlg.length > 1 && keyAlg[1].tag !== 0x05,
    notBeforeRaw: content(der, notBefore).toString('latin1'),
    notAfterRaw: content(der, notAfter).toString('latin1'),
    extensions,
  };
}

/** Bytes of the subjectPublicKey BIT STRING (without the unused-bits octet) of an SPKI. */
export function subjectPublicKeyBits(spki: Buffer): Buffer {
  const outer = readTlv(spki, 0);
  const bits = children(spki, outer)[1];
  return spki.subarray(bits.contentStart + 1, bits.end);
}

/** What a DER file holds, told apart by the shape of its first fields (no full parse). */
export type DerKind = 'certificate' | 'crl' | 'csr' | 'ocsp-request' | 'ocsp-response' | 'pkcs7' | 'pfx' | 'private-key' | 'unknown';

const SEQ = 0x30;
const INT = 0x02;
const isTime = (t: Tlv | undefined) => t?.tag === 0x17 || t?.tag === 0x18;

function smallInt(buf: Buffer, t: Tlv | undefined): number | undefined {
  return t?.tag === INT && t.end - t.contentStart === 1 ? buf[t.contentStart] : undefined;
}

/** Kind by the ASN.1 structure; undefined when it does not even walk (truncated, BER). */
function kindByStructure(b: Buffer): DerKind | undefined {
  let top: Tlv[];
  try {
    const outer = readTlv(b, 0);
    if (outer.tag !== SEQ) return 'unknown';
    top = children(b, outer);
  } catch {
    return undefined;
  }
  const first = top[0];
  if (!first) return 'unknown';
  if (first.tag === 0x0a) return 'ocsp-response'; // responseStatus ENUMERATED
  if (first.tag === INT) {
    const v = smallInt(b, first);
    return v === 3 ? 'pfx' : v === 0 || v === 1 ? 'private-key' : 'unknown';
  }
  if (first.tag === 0x06) return decodeOidSafe(content(b, first)) === '1.2.840.113549.1.7.2' ? 'pkcs7' : 'unknown';
  if (first.tag !== SEQ) return 'unknown';
  let f: Tlv[];
  try {
    f = children(b, first);
  } catch {
    return undefined;
  }
  const tags = f.map((t) => t.tag);
  // Certificate: [0] version?, serial, signature, issuer, validity, subject, spki.
  const c = tags[0] === 0xa0 ? 1 : 0;
  if (tags[c] === INT && tags[c + 1] === SEQ && tags[c + 2] === SEQ && tags[c + 3] === SEQ) return 'certificate';
  // CRL: version?, signature, issuer, thisUpdate Time.
  const l = tags[0] === INT ? 1 : 0;
  if (tags[l] === SEQ && tags[l + 1] === SEQ && isTime(f[l + 2])) return 'crl';
  // CSR: version 0, subject, spki, [0] attributes.
  if (smallInt(b, f[0]) === 0 && tags[1] === SEQ && tags[2] === SEQ && tags[3] === 0xa0) return 'csr';
  // OCSP request: [0] version?, [1] requestorName?, requestList; then an optional [0] signature.
  let o = 0;
  if (tags[o] === 0xa0) o++;
  if (tags[o] === 0xa1) o++;
  if (tags[o] === SEQ && top.length <= 2 && (top.length === 1 || top[1].tag === 0xa0)) return 'ocsp-request';
  return top.length === 3 ? 'certificate' : 'unknown'; // signed like a certificate: a damaged one
}

function decodeOidSafe(bytes: Buffer): string | undefined {
  try {
    return decodeOid(bytes);
  } catch {
    return undefined;
  }
}

/** Tells DER structures apart; falls back to the first bytes when the structure does not walk
 *  (truncated files, BER indefinite lengths as some Windows PFX use). */
export function derKind(b: Buffer): DerKind {
  if (b.length < 8 || b[0] !== SEQ) return 'unknown';
  const k = kindByStructure(b);
  if (k) return k;
  const at = b[1] === 0x80 ? 2 : b[1] & 0x80 ? 2 + (b[1] & 0x7f) : 2;
  if (b[at] === SEQ) return 'certificate';
  if (b[at] === INT && b[at + 1] === 0x01) return b[at + 2] === 3 ? 'pfx' : b[at + 2] === 0 ? 'private-key' : 'unknown';
  return 'unknown';
}

/** Bits of an unsigned big-endian INTEGER's content (leading zero octets ignored). */
function bitLength(b: Buffer): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return i === b.length ? 0 : (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]));
}

const CURVES: Record<string, [name: string, bits: number]> = {
  '1.2.840.10045.3.1.7': ['prime256v1', 256],
  '1.3.132.0.34': ['secp384r1', 384],
  '1.3.132.0.35': ['secp521r1', 521],
  '1.3.132.0.10': ['secp256k1', 256],
  '1.3.132.0.33': ['secp224r1', 224],
  '1.3.36.3.3.2.8.1.1.7': ['brainpoolP256r1', 256],
  '1.3.36.3.3.2.8.1.1.11': ['brainpoolP384r1', 384],
  '1.3.36.3.3.2.8.1.1.13': ['brainpoolP512r1', 512],
};

/**
 * Key size (RSA modulus, DSA p, EC curve) read from the SPKI itself. Node's asymmetricKeyDetails
 * is not used: on a key OpenSSL loads but cannot convert (a mutated DSA key was found by the
 * fuzz test) it fails a native assertion and aborts the whole process.
 */
export function keySizeOf(spki: Buffer): { bits?: number; curve?: string } {
  try {
    const [alg, key] = children(spki, readTlv(spki, 0));
    const [oidTlv, params] = children(spki, alg);
    const oid = decodeOid(content(spki, oidTlv));
    if (oid === '1.2.840.113549.1.1.1' || oid === '1.2.840.113549.1.1.10') {
      const bits = content(spki, key).subarray(1);
      const modulus = children(bits, readTlv(bits, 0))[0];
      return { bits: bitLength(content(bits, modulus)) };
    }
    if (oid === '1.2.840.10040.4.1' && params?.tag === 0x30) return { bits: bitLength(content(spki, children(spki, params)[0])) };
    if (oid === '1.2.840.10045.2.1' && params?.tag === 0x06) {
      const curve = decodeOid(content(spki, params));
      const known = CURVES[curve];
      return known ? { bits: known[1], curve: known[0] } : { curve };
    }
  } catch {
    // sizes are informative only
  }
  return {};
}
