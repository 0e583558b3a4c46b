import { createHash, createPrivateKey, KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { UserError } from '../errors';
import { certificateParts, content, readTlv, subjectPublicKeyBits } from './der';
import { generateKeys } from './keygen';
import { keyMatchesCertificate } from './keys';
import { derToPem, hexUpper } from './pem';
import type { GenerateOptions, GeneratedCertificate } from './types';

const { asn1, pki } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
const CTX = asn1.Class.CONTEXT_SPECIFIC;

/** Flowgear's recipe: `openssl req -x509 -newkey rsa:4096 -sha256 -subj "/" -days 600`. */
export const DEFAULT_BITS = 4096;
export const DEFAULT_DAYS = 600;
const MAX_DAYS = 36500;

const OID = {
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

type Asn1 = forge.asn1.Asn1;
const bin = (b: Buffer) => b.toString('binary');
const seq = (v: Asn1[]) => asn1.create(U, T.SEQUENCE, true, v);
const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const octets = (b: Buffer) => asn1.create(U, T.OCTETSTRING, false, bin(b));
/** Re-reads DER we already hold (a Name, an SPKI) so forge embeds it unchanged. */
const fromDer = (b: Buffer) =>
  (asn1.fromDer as unknown as (b: string, o: object) => Asn1)(bin(b), { decodeBitStrings: false });

function time(d: Date): Asn1 {
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return d.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

/** Positive 159-bit serial, as openssl makes them. */
function serial(): Buffer {
  const b = randomBytes(20);
  b[0] &= 0x7f;
  if (b[0] === 0) b[0] = 1;
  return b;
}

function keyId(spki: Buffer): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}

/** The key id inside an issuer's subjectKeyIdentifier (an OCTET STRING), so AKI matches it exactly. */
function issuerSki(ext: Buffer | undefined): Buffer | undefined {
  return ext ? content(ext, readTlv(ext, 0)) : undefined;
}

function validate(o: GenerateOptions): { keyType: 'rsa' | 'ec'; bits: number; days: number } {
  const keyType = o.keyType ?? 'rsa';
  if (keyType !== 'rsa' && keyType !== 'ec') throw new UserError(`Unknown key type '${keyType}': use rsa or ec.`, 'bad-key-type');
  const bits = o.bits ?? DEFAULT_BITS;
  if (keyType === 'rsa' && ![2048, 3072, 4096].includes(bits))
    throw new UserError(`Unsupported RSA key size ${bits}: use 2048, 3072 or 4096.`, 'bad-key-size');
  const days = o.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)
    throw new UserError(`Validity must be a whole number of days between 1 and ${MAX_DAYS} (got ${days}).`, 'bad-days');
  if (o.cn !== undefined && (o.cn.length === 0 || o.cn.length > 64))
    throw new UserError('The common name must be 1 to 64 characters.', 'bad-cn');
  return { keyType, bits, days };
}

function subjectAltName(names: string[]): Asn1 {
  return seq(
    names.map((n) => {
      if (isIP(n)) return asn1.create(CTX, 7, false, (forge.util as unknown as { bytesFromIP(ip: string): string }).bytesFromIP(n));
      if (!/^[A-Za-z0-9*]([A-Za-z0-9-.]*[A-Za-z0-9])?$/.test(n))
        throw new UserError(`'${n}' is neither a DNS name nor an IP address.`, 'bad-san');
      return asn1.create(CTX, 2, false, n);
    }),
  );
}

/** Key pair natively; TBSCertificate with forge's ASN.1; signature natively. */
export async function generateCertificate(o: GenerateOptions = {}): Promise<GeneratedCertificate> {
  const { keyType, bits, days } = validate(o);
  // Resolve the issuer before spending time on a key.
  let issuerKey: KeyObject | undefined;
  let issuerDer: Buffer | undefined;
  if (o.issuer) {
    try {
      issuerDer = new X509Certificate(o.issuer.certPem).raw;
      issuerKey = createPrivateKey(o.issuer.keyPem);
    } catch {
      throw new UserError('The issuing CA certificate or key could not be read.', 'bad-issuer');
    }
    if (!keyMatchesCertificate(o.issuer.keyPem, issuerDer))
      throw new UserError('The issuing CA key does not belong to the CA certificate.', 'key-mismatch');
  }

  const pair = await generateKeys(keyType, bits, o.signal);
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const signer = issuerKey ?? pair.privateKey;
  const sigAlg =
    signer.asymmetricKeyType === 'ec'
      ? seq([oid(OID.ecdsaWithSHA256)])
      : seq([oid(OID.sha256WithRSA), asn1.create(U, T.NULL, false, '')]);

  const subject = o.cn
    ? seq([asn1.create(U, T.SET, true, [seq([oid(OID.commonName), asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(o.cn))])])])
    : seq([]);
  const issuerParts = issuerDer ? certificateParts(issuerDer) : undefined;
  const issuerName = issuerParts ? fromDer(issuerParts.subjectName) : subject;
  const ski = keyId(spki);
  const aki = issuerParts ? issuerSki(issuerParts.extensions.get(OID.subjectKeyIdentifier)) ?? keyId(issuerParts.spki) : ski;

  // X.509 times have whole seconds; report exactly what the certificate says.
  const notBefore = new Date(Math.floor((o.notBefore?.getTime() ?? Date.now()) / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const isCA = o.isCA ?? !o.issuer;

  const exts: { id: string; critical?: boolean; value: Asn1 }[] = [
    { id: OID.subjectKeyIdentifier, value: octets(ski) },
    { id: OID.authorityKeyIdentifier, value: seq([asn1.create(CTX, 0, false, bin(aki))]) },
    {
      id: OID.basicConstraints,
      critical: true,
      value: seq(isCA ? [asn1.create(U, T.BOOLEAN, false, '\xff')] : []),
    },
  ];
  if (o.extKeyUsage?.length) exts.push({ id: OID.extKeyUsage, value: seq(o.extKeyUsage.map((u) => oid(OID[u]))) });
  // With an empty subject the SAN carries the identity and must be critical (RFC 5280 4.2.1.6).
  if (o.subjectAltNames?.length)
    exts.push({ id: OID.subjectAltName, critical: !o.cn, value: subjectAltName(o.subjectAltNames) });

  const tbs = seq([
    asn1.create(CTX, 0, true, [asn1.create(U, T.INTEGER, false, '\x02')]),
    asn1.create(U, T.INTEGER, false, bin(serial())),
    sigAlg,
    issuerName,
    seq([time(notBefore), time(notAfter)]),
    subject,
    fromDer(spki),
    (pki as unknown as { certificateExtensionsToAsn1(e: unknown[]): Asn1 }).certificateExtensionsToAsn1(exts),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, signer);
  const cert = seq([tbs, sigAlg, asn1.create(U, T.BITSTRING, false, '\x00' + bin(signature))]);
  const certDer = Buffer.from(asn1.toDer(cert).getBytes(), 'binary');

  return {
    certPem: derToPem(certDer),
    certDer,
    keyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    thumbprint: hexUpper(createHash('sha1').update(certDer).digest()),
    sha256: hexUpper(createHash('sha256').update(certDer).digest()),
    notBefore,
    notAfter,
  };
}
