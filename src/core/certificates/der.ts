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
  return {
    tbs,
    signatureAlgorithmOid: algOid,
    issuerName: raw(der, f[off + 2]),
    subjectName: raw(der, f[off + 4]),
    spki: raw(der, f[off + 5]),
    extensions,
  };
}

/** Bytes of the subjectPublicKey BIT STRING (without the unused-bits octet) of an SPKI. */
export function subjectPublicKeyBits(spki: Buffer): Buffer {
  const outer = readTlv(spki, 0);
  const bits = children(spki, outer)[1];
  return spki.subarray(bits.contentStart + 1, bits.end);
}
