/**
 * Certificate surgery for tests: real openssl-made certificates with one field replaced
 * (SPKI algorithm, a validity time, the signature algorithm), re-encoded with forge's ASN.1.
 * The signature no longer verifies; openssl still reads and fingerprints the result.
 */
import { spawnSync } from 'node:child_process';
import forge from 'node-forge';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;
const U = asn1.Class.UNIVERSAL;

const load = (der: Buffer) => asn1.fromDer(der.toString('binary'));
const save = (a: Asn1) => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
export const oidNode = (oid: string) => asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes());

/** The TBSCertificate fields, version-offset: [serial, signature, issuer, validity, subject, spki]. */
function tbsFields(cert: Asn1): Asn1[] {
  const f = (cert.value as Asn1[])[0].value as Asn1[];
  return f[0].tagClass === asn1.Class.CONTEXT_SPECIFIC ? f.slice(1) : f;
}

export function edit(der: Buffer, change: (fields: Asn1[], cert: Asn1) => void): Buffer {
  const cert = load(der);
  change(tbsFields(cert), cert);
  return save(cert);
}

/** A DSA certificate whose key inherits its parameters from the issuer (no params in the SPKI). */
export function withoutKeyParameters(der: Buffer): Buffer {
  return edit(der, (f) => (((f[5].value as Asn1[])[0].value as Asn1[]).splice(1)));
}

/** The SPKI replaced by one of another algorithm (GOST, an unknown OID) with a plausible key. */
export function withKeyAlgorithm(der: Buffer, oid: string, params?: string[]): Buffer {
  return edit(der, (f) => {
    const alg = asn1.create(U, asn1.Type.SEQUENCE, true, [oidNode(oid), ...(params ? [asn1.create(U, asn1.Type.SEQUENCE, true, params.map(oidNode))] : [])]);
    const key = asn1.create(U, asn1.Type.BITSTRING, false, '\x00' + asn1.toDer(asn1.create(U, asn1.Type.OCTETSTRING, false, 'k'.repeat(64))).getBytes());
    f[5].value = [alg, key];
  });
}

/** notBefore (0) or notAfter (1) replaced by this text, keeping its UTCTime tag. */
export function withTime(der: Buffer, which: 0 | 1, text: string): Buffer {
  return edit(der, (f) => (((f[3].value as Asn1[])[which].value as string) = text));
}

/** Both signature algorithm fields (inner and outer) set to this OID. */
export function withSignatureAlgorithm(der: Buffer, oid: string): Buffer {
  return edit(der, (f, cert) => {
    ((f[1].value as Asn1[])[0]) = oidNode(oid);
    (((cert.value as Asn1[])[1].value as Asn1[])[0]) = oidNode(oid);
  });
}

/** PKCS12_create with a NULL password, as Windows' "no password" export and OpenSSL-based tools
 *  (pyca before its Rust rewrite) make them: the MAC and the bag encryption use no password at all. */
export const NULL_PASSWORD_PFX = `
import ctypes, ctypes.util, sys
L = ctypes.CDLL(ctypes.util.find_library('crypto') or 'libcrypto.so.3')
P = ctypes.c_void_p
for name, res, args in [('BIO_new_file', P, [ctypes.c_char_p, ctypes.c_char_p]), ('BIO_free', ctypes.c_int, [P]),
    ('PEM_read_bio_X509', P, [P, P, P, P]), ('PEM_read_bio_PrivateKey', P, [P, P, P, P]), ('OBJ_txt2nid', ctypes.c_int, [ctypes.c_char_p]),
    ('PKCS12_create', P, [ctypes.c_char_p, ctypes.c_char_p, P, P, P] + [ctypes.c_int] * 5), ('i2d_PKCS12_bio', ctypes.c_int, [P, P])]:
    f = getattr(L, name); f.restype = res; f.argtypes = args
crt, key, out, alg = sys.argv[1:5]
def bio(p, m):
    b = L.BIO_new_file(p.encode(), m); assert b, p
    return b
x = L.PEM_read_bio_X509(bio(crt, b'r'), None, None, None); k = L.PEM_read_bio_PrivateKey(bio(key, b'r'), None, None, None)
nid = L.OBJ_txt2nid(alg.encode())
p12 = L.PKCS12_create(None, b'nopass', k, x, None, nid, nid, 2000, 2000, 0); assert p12
b = bio(out, b'w'); assert L.i2d_PKCS12_bio(b, p12) == 1; L.BIO_free(b)
`;

/** pyca/cryptography's "no encryption" PKCS#12 (what Python tooling writes). */
export const PYCA_PFX = `
import sys
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key, NoEncryption, pkcs12
key = load_pem_private_key(open(sys.argv[2], 'rb').read(), None)
cert = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
open(sys.argv[3], 'wb').write(pkcs12.serialize_key_and_certificates(b'pyca', key, cert, None, NoEncryption()))
`;

export function python(script: string, args: string[]) {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
}


/** A PFX whose MacData claims this iteration count (the MAC no longer matters: it is refused before). */
export function withMacIterations(pfx: Buffer, n: number): Buffer {
  const a = load(pfx);
  const mac = (a.value as Asn1[])[2].value as Asn1[];
  mac[2] = asn1.create(U, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
  return save(a);
}

/** A DSA certificate whose public value y is negative (first octet 0xff): Node loads such a key,
 *  and its asymmetricKeyDetails then fails a native assertion that aborts the process. */
export function withNegativeDsaKey(der: Buffer): Buffer {
  return edit(der, (f) => {
    const bits = f[5].value as Asn1[];
    // forge decodes a BIT STRING holding DER into its value; otherwise the value is the raw octets.
    const y = Array.isArray(bits[1].value) ? bits[1].value[0] : asn1.fromDer((bits[1].value as string).slice(1));
    y.value = '\xff' + (y.value as string).slice(1);
    bits[1] = asn1.create(U, asn1.Type.BITSTRING, false, '\x00' + asn1.toDer(y).getBytes());
  });
}
