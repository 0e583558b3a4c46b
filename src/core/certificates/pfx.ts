import { createHash, createPrivateKey, createPublicKey, KeyObject, pbkdf2Sync, X509Certificate } from 'node:crypto';
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

/**
 * Iteration counts come from the file: a hostile PFX asking for 2^31 would spin a KDF for hours.
 * Real files use 2000 (Windows), 2048 (OpenSSL), 10,000 (Java); PBKDF2 guidance reaches 600,000.
 */
const MAX_PKCS12_KDF_ITERATIONS = 100_000; // forge's JavaScript KDF: ~2.6 ms per 1000
const MAX_PBKDF2_ITERATIONS = 1_000_000; // Node's native PBKDF2: ~0.4 ms per 1000
const NODE_DIGESTS = new Set(['sha1', 'sha256', 'sha384', 'sha512', 'md5']);

function tooManyIterations(n: number): UserError {
  return new UserError(`The PFX asks for ${n} key-derivation iterations; more than any real file uses, so it is not opened.`, 'pfx-iterations');
}

type Pkcs12Kdf = (password: string | null, salt: forge.util.ByteBuffer, id: number, iter: number, n: number, md?: unknown) => forge.util.ByteBuffer;
type Pbkdf2 = (p: string | null, s: string, c: number, dkLen: number, md?: unknown, cb?: unknown) => string;

/** Wraps forge's KDFs once: caps their iteration counts, and runs PBKDF2 natively where forge would
 *  run it in JavaScript (it does whenever given a digest object, as its PBES2 reader does). */
function guardForgeKdfs(): void {
  const pbe = (forge.pki as unknown as { pbe: { generatePkcs12Key: Pkcs12Kdf } }).pbe;
  const p12 = forge.pkcs12 as unknown as { generateKey: Pkcs12Kdf };
  const pkcs5 = forge.pkcs5 as unknown as { pbkdf2: Pbkdf2 };
  const kdf = pbe.generatePkcs12Key;
  pbe.generatePkcs12Key = p12.generateKey = (password, salt, id, iter, n, md) => {
    if (iter > MAX_PKCS12_KDF_ITERATIONS) throw tooManyIterations(iter);
    return kdf(password, salt, id, iter, n, md);
  };
  const pbkdf2 = pkcs5.pbkdf2;
  pkcs5.pbkdf2 = (p, s, c, dkLen, md, cb) => {
    if (c > MAX_PBKDF2_ITERATIONS) throw tooManyIterations(c);
    const name = md && typeof md === 'object' ? (md as { algorithm?: string }).algorithm : undefined;
    // A NULL password is the empty one for PBKDF2 (as in OpenSSL); forge would fail on it.
    if (name && NODE_DIGESTS.has(name) && cb === undefined) return pbkdf2Sync(Buffer.from(p ?? '', 'binary'), Buffer.from(s, 'binary'), c, dkLen, name).toString('binary');
    return pbkdf2(p ?? '', s, c, dkLen, md, cb);
  };
}
guardForgeKdfs();

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
  /** Why a key bag that is there could not be read. */
  keyError?: UserError;
}

function bagKey(bag: forge.pkcs12.Bag): KeyObject {
  const info = bag.key ? pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(bag.key)) : (bag.asn1 as Asn1);
  return createPrivateKey({ key: fromBin(asn1.toDer(info).getBytes()), format: 'der', type: 'pkcs8' });
}

function bagCert(bag: forge.pkcs12.Bag): Buffer {
  return fromBin(asn1.toDer(bag.cert ? pki.certificateToAsn1(bag.cert) : (bag.asn1 as Asn1)).getBytes());
}

/** Tried, in OpenSSL's order, when no passphrase opens the file: NULL (Windows "no password"
 *  exports, OpenSSL-based tools), then "" (openssl -passout pass:, pyca's NoEncryption). */
const NO_PASSWORD = [null, ''] as const;

function decodePfx(pfx: Buffer, pw: string | null): forge.pkcs12.Pkcs12Pfx {
  const parse = (p: string | null, dropMac: boolean) => {
    const a = asn1.fromDer(bin(pfx), false);
    if (dropMac && Array.isArray(a.value)) a.value.splice(2);
    return pkcs12.pkcs12FromAsn1(a, false, p as string); // forge reads null as the NULL password
  };
  try {
    return parse(pw, false);
  } catch (e) {
    // forge checks the MAC (BMPString of the text: right) before decrypting; PBES2 wants the
    // UTF-8 bytes, which forge does not make. MAC passed → retry with UTF-8, MAC already checked.
    if (!/ShroudedKeyBag/.test(String(e)) || !pw || !/[^\x00-\x7f]/.test(pw)) throw e;
    return parse(forge.util.encodeUtf8(pw), true);
  }
}

const wrongPassword = (e: unknown) => /MAC could not be verified|wrong password|Invalid password|Failed to decrypt/i.test(e instanceof Error ? e.message : String(e));

/** Reads a PFX with user-facing errors; `passphrase` undefined or '' means "none given" (tries NULL and ''). */
export function readPfx(pfx: Buffer, passphrase: string | undefined, what = 'The PFX', allowLegacy = false): PfxContents {
  try {
    return readPfxUnguarded(pfx, passphrase, what, allowLegacy);
  } catch (e) {
    if (e instanceof UserError) throw e;
    // forge or OpenSSL surprised by hostile bytes: never their raw text.
    throw new UserError(`${what} is not a readable PKCS#12 (.pfx/.p12) file: it is damaged or uses an unknown format.`, 'bad-pfx');
  }
}

function readPfxUnguarded(pfx: Buffer, passphrase: string | undefined, what: string, allowLegacy: boolean): PfxContents {
  let p12: forge.pkcs12.Pkcs12Pfx | undefined;
  for (const pw of passphrase ? [passphrase, ...NO_PASSWORD] : NO_PASSWORD) {
    try {
      p12 = decodePfx(pfx, pw);
      break;
    } catch (e) {
      if (e instanceof UserError) throw e;
      if (wrongPassword(e)) continue;
      if (usesLegacyPbe(pfx)) throw legacyError(what);
      throw new UserError(`${what} is not a readable PKCS#12 (.pfx/.p12) file: it is damaged or uses an unknown format.`, 'bad-pfx');
    }
  }
  if (!p12) {
    if (!passphrase) throw new UserError(`${what} is protected: a passphrase is needed.`, 'pfx-passphrase-required');
    throw new UserError(`Wrong passphrase for ${what === 'The PFX' ? 'the PFX' : what}.`, 'pfx-bad-passphrase');
  }
  if (!allowLegacy && usesLegacyPbe(pfx)) throw legacyError(what);

  const keyBags = [
    ...(p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag })[pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: pki.oids.keyBag })[pki.oids.keyBag] ?? []),
  ];
  const certs = (p12.getBags({ bagType: pki.oids.certBag })[pki.oids.certBag] ?? []).map(bagCert);
  let key: KeyObject | undefined;
  let keyError: UserError | undefined;
  if (keyBags.length) {
    try {
      key = bagKey(keyBags[0]);
    } catch {
      keyError = new UserError(`The private key in ${what === 'The PFX' ? 'the PFX' : what} cannot be read (damaged, or an algorithm Node does not support).`, 'pfx-bad-key');
    }
  }
  if (key) {
    // Put the key's own certificate first.
    const pub = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const i = certs.findIndex((c) => {
      try {
        return new X509Certificate(c).publicKey.export({ type: 'spki', format: 'der' }).equals(pub);
      } catch {
        return false;
      }
    });
    if (i > 0) certs.unshift(...certs.splice(i, 1));
  }
  if (certs.length === 0) throw new UserError(`${what} holds no certificate.`, 'pfx-no-certificate');
  return { certs, key, keyError };
}

/** Certificate, PKCS#8 key (unencrypted PEM) and chain of a PFX. */
export function importPfx(
  pfx: Buffer,
  passphrase: string,
  opts: { what?: string; allowLegacy?: boolean } = {},
): { certPem: string; keyPem: string; chainPem: string[] } {
  const what = opts.what ?? 'The PFX';
  const { certs, key, keyError } = readPfx(pfx, passphrase, what, opts.allowLegacy);
  if (!key) throw keyError ?? new UserError(`${what} holds no private key.`, 'pfx-no-key');
  const [leaf, ...chain] = certs;
  assertKeyMatches(key.export({ type: 'pkcs8', format: 'pem' }) as string, leaf);
  return {
    certPem: derToPem(leaf),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    chainPem: chain.map((d) => derToPem(d)),
  };
}
