import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import { UserError } from '../errors';

/**
 * Reads a private key (PEM PKCS#8/PKCS#1/SEC1, encrypted or not, or DER PKCS#8) with
 * user-facing errors: missing or wrong passphrase, or not a key at all.
 */
export function loadPrivateKey(key: string | Buffer, passphrase?: string, what = 'The private key'): KeyObject {
  const text = Buffer.isBuffer(key) ? key.toString('latin1') : key;
  const isPem = text.includes('-----BEGIN');
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
  if (isPem && !/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1] ?? '';
    throw new UserError(
      label.includes('CERTIFICATE') ? `${what} is a certificate, not a private key.` : `${what} is not a private key (found '${label}').`,
      'not-a-private-key',
    );
  }
  if (encrypted && passphrase === undefined)
    throw new UserError(`${what} is encrypted: a passphrase is needed.`, 'key-passphrase-required');
  try {
    if (isPem) return createPrivateKey({ key: text, format: 'pem', passphrase });
    return createPrivateKey({ key: Buffer.isBuffer(key) ? key : Buffer.from(key, 'latin1'), format: 'der', type: 'pkcs8', passphrase });
  } catch (e) {
    if (encrypted) throw new UserError(`${what} could not be decrypted: wrong passphrase?`, 'key-bad-passphrase');
    throw new UserError(`${what} could not be read (damaged or not a private key).`, 'not-a-private-key');
  }
}

function certificate(cert: string | Buffer): X509Certificate {
  try {
    return new X509Certificate(cert);
  } catch {
    throw new UserError('The certificate could not be read.', 'not-a-certificate');
  }
}

/** True when the private key's public half is the certificate's public key. */
export function keyMatchesCertificate(keyPem: string | Buffer, certPemOrDer: string | Buffer, passphrase?: string): boolean {
  const pub = createPublicKey(loadPrivateKey(keyPem, passphrase)).export({ type: 'spki', format: 'der' });
  let certPub: Buffer;
  try {
    certPub = certificate(certPemOrDer).publicKey.export({ type: 'spki', format: 'der' });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("The certificate's public key cannot be loaded (an algorithm Node does not support, or damaged), so no private key can be matched to it.", 'unsupported-key');
  }
  return pub.equals(certPub);
}

/** Throws 'key-mismatch' unless the key belongs to the certificate. */
export function assertKeyMatches(keyPem: string | Buffer, certPemOrDer: string | Buffer, passphrase?: string): void {
  if (!keyMatchesCertificate(keyPem, certPemOrDer, passphrase))
    throw new UserError('The private key does not belong to the certificate (their public keys differ).', 'key-mismatch');
}
