import { createHash, createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { UserError } from '../errors';
import { assertKeyMatches, loadPrivateKey } from './keys';
import { derToPem } from './pem';

const { asn1, pki, pkcs12 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
const CTX = asn1.Class.CONTEXT_SPECIFIC;
type Asn1 = forge.asn1.Asn1;

/** Friendly name of Flowgear's recipe (`openssl pkcs12 -export -name "selfsignedcert"`). */
export const DEFAULT_FRIENDLY_NAME = 'selfsignedcert';
const ITERATIONS = 2048; // OpenSSL's default for PKCS#12

const bin = (b: Buffer) => b.toString('binary');
const fromBin = (s: string) => Buffer.from(s, 'binary');
const seq = (v: (Asn1 | undefined)[]) => asn1.create(U, T.SEQUENCE, true, v.filter((x): x is Asn1 => x !== undefined));
const oid = (name: string) => asn1.create(U, T.OID, false, asn1.oidToDer(pki.oids[name]).getBytes());
const octets = (s: string) => asn1.create(U, T.OCTETSTRING, false, s);
const dataContentInfo = (inner: Asn1) => seq([oid('data'), asn1.create(CTX, 0, true, [octets(asn1.toDer(inner).getBytes())])]);

export interface ExportPfxOptions {
  certPem: string;
  keyPem: string;
  /** Passphrase of an encrypted keyPem, if it is encrypted. */
  keyPassphrase?: string;
  passphrase: string;
  /** 3DES key bag for Windows Server 2016 and older; default is AES-256-CBC + PBKDF2-HMAC-SHA256. */
  legacy?: boolean;
  friendlyName?: string;
  chainPem?: string[];
}

/**
 * PKCS#12 as OpenSSL lays it out (cert bags in a data ContentInfo, a shrouded key bag in
 * another, SHA-1 MAC). Assembled here rather than with forge's toPkcs12Asn1 because that one
 * only handles RSA keys; the encryption and MAC are forge's.
 */
export function exportPfx(o: ExportPfxOptions): Buffer {
  const key = loadPrivateKey(o.keyPem, o.keyPassphrase);
  let certDer: Buffer;
  let chainDer: Buffer[];
  try {
    certDer = new X509Certificate(o.certPem).raw;
    chainDer = (o.chainPem ?? []).map((p) => new X509Certificate(p).raw);
  } catch {
    throw new UserError('The certificate could not be read.', 'not-a-certificate');
  }
  assertKeyMatches(o.keyPem, certDer, o.keyPassphrase);
  if (o.passphrase.length === 0) throw new UserError('A PFX needs a passphrase.', 'pfx-passphrase-required');

  const localKeyId = createHash('sha1').update(certDer).digest();
  const attrs = asn1.create(U, T.SET, true, [
    seq([oid('localKeyId'), asn1.create(U, T.SET, true, [octets(bin(localKeyId))])]),
    seq([oid('friendlyName'), asn1.create(U, T.SET, true, [asn1.create(U, T.BMPSTRING, false, o.friendlyName ?? DEFAULT_FRIENDLY_NAME)])]),
  ]);
  const certBag = (der: Buffer, withAttrs: boolean) =>
    seq([
      oid('certBag'),
      asn1.create(CTX, 0, true, [seq([oid('x509Certificate'), asn1.create(CTX, 0, true, [octets(bin(der))])])]),
      withAttrs ? attrs : undefined,
    ]);

  const pkcs8 = asn1.fromDer(bin(key.export({ type: 'pkcs8', format: 'der' })));
  // PBES2 hashes the password's UTF-8 bytes (as OpenSSL does); the PKCS#12 PBE and MAC
  // take the string itself and make it BMPString.
  const encryptedKey = o.legacy
    ? pki.encryptPrivateKeyInfo(pkcs8, o.passphrase, { algorithm: '3des', count: ITERATIONS, saltSize: 8 })
    : pki.encryptPrivateKeyInfo(pkcs8, forge.util.encodeUtf8(o.passphrase), {
        algorithm: 'aes256',
        count: ITERATIONS,
        saltSize: 16,
        prfAlgorithm: 'sha256',
      } as forge.pki.EncryptionOptions);
  const keyBag = seq([oid('pkcs8ShroudedKeyBag'), asn1.create(CTX, 0, true, [encryptedKey]), attrs]);

  const safe = seq([
    dataContentInfo(seq([certBag(certDer, true), ...chainDer.map((d) => certBag(d, false))])),
    dataContentInfo(seq([keyBag])),
  ]);
  const macSalt = forge.random.getBytesSync(8);
  const macKey = pkcs12.generateKey(o.passphrase, forge.util.createBuffer(macSalt), 3, ITERATIONS, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey);
  hmac.update(asn1.toDer(safe).getBytes());
  const macData = seq([
    seq([seq([oid('sha1'), asn1.create(U, T.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(macSalt),
    asn1.create(U, T.INTEGER, false, asn1.integerToDer(ITERATIONS).getBytes()),
  ]);
  const pfx = seq([asn1.create(U, T.INTEGER, false, '\x03'), dataContentInfo(safe), macData]);
  return fromBin(asn1.toDer(pfx).getBytes());
}

/** PKCS#12 encryption schemes OpenSSL 3 only reads with its legacy provider (RC2, RC4). */
const LEGACY_PBE_OIDS = ['1.2.840.113549.1.12.1.1', '1.2.840.113549.1.12.1.2', '1.2.840.113549.1.12.1.5', '1.2.840.113549.1.12.1.6'].map(
  (o) => fromBin(asn1.toDer(asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes())).getBytes()),
);

export function usesLegacyPbe(pfx: Buffer): boolean {
  return LEGACY_PBE_OIDS.some((o) => pfx.includes(o));
}

function legacyError(what: string): UserError {
  return new UserError(
    `${what} is a legacy PKCS#12 file (RC2-40 encryption, the old Windows/OpenSSL 1.x default) that OpenSSL 3 and Node refuse as "unsupported". ` +
      `Re-export it: openssl pkcs12 -legacy -in OLD.pfx -nodes -out tmp.pem && openssl pkcs12 -export -in tmp.pem -out NEW.pfx (then delete tmp.pem), ` +
      `or export it again from Windows with "AES256-SHA256".`,
    'pfx-legacy-rc2',
  );
}

export interface PfxContents {
  /** DER certificates: the key's certificate first, then the rest. */
  certs: Buffer[];
  key?: KeyObject;
}

function bagKey(bag: forge.pkcs12.Bag): KeyObject {
  const info = bag.key ? pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(bag.key)) : (bag.asn1 as Asn1);
  return createPrivateKey({ key: fromBin(asn1.toDer(info).getBytes()), format: 'der', type: 'pkcs8' });
}

function bagCert(bag: forge.pkcs12.Bag): Buffer {
  return fromBin(asn1.toDer(bag.cert ? pki.certificateToAsn1(bag.cert) : (bag.asn1 as Asn1)).getBytes());
}

/** Reads a PFX with user-facing errors; `passphrase` undefined means "none given" (tries ''). */
export function readPfx(pfx: Buffer, passphrase: string | undefined, what = 'The PFX', allowLegacy = false): PfxContents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  const parse = (pw: string, dropMac: boolean) => {
    const a = asn1.fromDer(bin(pfx), false);
    if (dropMac && Array.isArray(a.value)) a.value.splice(2);
    return pkcs12.pkcs12FromAsn1(a, false, pw);
  };
  try {
    try {
      p12 = parse(passphrase ?? '', false);
    } catch (e) {
      // forge checks the MAC (BMPString of the text: right) before decrypting; PBES2 wants the
      // UTF-8 bytes, which forge does not make. MAC passed → retry with UTF-8, MAC already checked.
      if (!/ShroudedKeyBag/.test(String(e)) || !/[^\x00-\x7f]/.test(passphrase ?? '')) throw e;
      p12 = parse(forge.util.encodeUtf8(passphrase!), true);
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/MAC could not be verified|wrong password|Invalid password/i.test(msg)) {
      if (passphrase === undefined) throw new UserError(`${what} is protected: a passphrase is needed.`, 'pfx-passphrase-required');
      throw new UserError(`Wrong passphrase for ${what === 'The PFX' ? 'the PFX' : what}.`, 'pfx-bad-passphrase');
    }
    if (usesLegacyPbe(pfx)) throw legacyError(what);
    throw new UserError(`${what} is not a readable PKCS#12 (.pfx/.p12) file: it is damaged or uses an unknown format.`, 'bad-pfx');
  }
  if (!allowLegacy && usesLegacyPbe(pfx)) throw legacyError(what);

  const keyBags = [
    ...(p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag })[pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: pki.oids.keyBag })[pki.oids.keyBag] ?? []),
  ];
  const certs = (p12.getBags({ bagType: pki.oids.certBag })[pki.oids.certBag] ?? []).map(bagCert);
  const key = keyBags.length ? bagKey(keyBags[0]) : undefined;
  if (key) {
    // Put the key's own certificate first.
    const pub = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const i = certs.findIndex((c) => new X509Certificate(c).publicKey.export({ type: 'spki', format: 'der' }).equals(pub));
    if (i > 0) certs.unshift(...certs.splice(i, 1));
  }
  if (certs.length === 0) throw new UserError(`${what} holds no certificate.`, 'pfx-no-certificate');
  return { certs, key };
}

/** Certificate, PKCS#8 key (unencrypted PEM) and chain of a PFX. */
export function importPfx(
  pfx: Buffer,
  passphrase: string,
  opts: { what?: string; allowLegacy?: boolean } = {},
): { certPem: string; keyPem: string; chainPem: string[] } {
  const what = opts.what ?? 'The PFX';
  const { certs, key } = readPfx(pfx, passphrase, what, opts.allowLegacy);
  if (!key) throw new UserError(`${what} holds no private key.`, 'pfx-no-key');
  const [leaf, ...chain] = certs;
  assertKeyMatches(key.export({ type: 'pkcs8', format: 'pem' }) as string, leaf);
  return {
    certPem: derToPem(leaf),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    chainPem: chain.map((d) => derToPem(d)),
  };
}
