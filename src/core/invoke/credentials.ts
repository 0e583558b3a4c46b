import { X509Certificate, createPrivateKey, createHash } from 'node:crypto';
import { readBoundedSync } from '../boundedRead';
import * as tls from 'node:tls';
import { UserError, messageOf } from '../errors';
import type { ClientCertificate } from './types';

/** TLS material for one key, read from disk (never logged, never kept beyond the Agent). */
export interface ClientTlsMaterial {
  cert?: string;
  key?: string;
  pfx?: Buffer;
  passphrase?: string;
  /** Certificate facts for the response view and 404 explanations. */
  notAfter?: Date;
  thumbprint?: string;
}

function read(path: string, property: 'certificate' | 'privateKey' | 'pfx', keyName: string): Buffer {
  return readBoundedSync(path, { field: `key '${keyName}' "${property}"` });
}

/** Where the passphrase would come from, for "needs a passphrase". */
function needs(c: ClientCertificate): string {
  return c.passphraseEnv ? ` (set the environment variable ${c.passphraseEnv})` : ' (CLI: --passphrase-env VAR)';
}

/** PEM text of a PEM or DER certificate file. */
function certificatePem(buf: Buffer, path: string, keyName: string): { pem: string; x509: X509Certificate } {
  try {
    const x509 = new X509Certificate(buf);
    const text = buf.toString('latin1');
    // Keep a PEM file as-is (it may carry a chain); DER becomes PEM.
    return { pem: text.includes('-----BEGIN CERTIFICATE-----') ? text : x509.toString(), x509 };
  } catch {
    throw new UserError(`key '${keyName}': ${path} is not a PEM or DER certificate`, 'bad-certificate');
  }
}

export function sha1Thumbprint(x509: X509Certificate): string {
  return createHash('sha1').update(x509.raw).digest('hex').toUpperCase();
}

/** Reads and checks the key's files; a wrong or missing passphrase is a UserError here, not a TLS mystery later. */
export function loadClientMaterial(c: ClientCertificate, passphrase: string | undefined): ClientTlsMaterial {
  if (c.pfx) {
    const pfx = read(c.pfx, 'pfx', c.keyName);
    try {
      tls.createSecureContext({ pfx, passphrase });
    } catch (e) {
      const msg = messageOf(e);
      if (/mac verify|bad decrypt|password/i.test(msg)) {
        throw new UserError(
          passphrase === undefined
            ? `key '${c.keyName}': the PFX ${c.pfx} needs a passphrase${needs(c)}`
            : `key '${c.keyName}': wrong passphrase for ${c.pfx}`,
          passphrase === undefined ? 'passphrase-required' : 'bad-passphrase',
        );
      }
      if (/unsupported/i.test(msg)) {
        throw new UserError(
          `key '${c.keyName}': ${c.pfx} uses a legacy encryption (RC2-40) that OpenSSL 3 no longer reads. Re-export it: openssl pkcs12 -legacy -in old.pfx -nodes -out tmp.pem && openssl pkcs12 -export -in tmp.pem -out new.pfx && rm tmp.pem (tmp.pem holds the unencrypted key)`,
          'pfx-legacy',
        );
      }
      throw new UserError(`key '${c.keyName}': ${c.pfx} is not a readable PFX (${msg})`, 'bad-pfx');
    }
    return { pfx, passphrase };
  }
  if (!c.certificate || !c.privateKey) {
    throw new UserError(`key '${c.keyName}' has no certificate and private key (or pfx) in flowgear.json`, 'no-client-certificate');
  }
  const { pem, x509 } = certificatePem(read(c.certificate, 'certificate', c.keyName), c.certificate, c.keyName);
  const keyText = read(c.privateKey, 'privateKey', c.keyName).toString('latin1');
  let keyObject;
  try {
    keyObject = createPrivateKey({ key: keyText, passphrase: passphrase ?? '' });
  } catch (e) {
    const msg = messageOf(e);
    const encrypted = /ENCRYPTED/.test(keyText);
    if (encrypted && passphrase === undefined) {
      throw new UserError(`key '${c.keyName}': ${c.privateKey} is encrypted and needs a passphrase${needs(c)}`, 'passphrase-required');
    }
    if (encrypted) throw new UserError(`key '${c.keyName}': wrong passphrase for ${c.privateKey}`, 'bad-passphrase');
    throw new UserError(`key '${c.keyName}': ${c.privateKey} is not a readable private key (${msg})`, 'bad-private-key');
  }
  if (!x509.checkPrivateKey(keyObject)) {
    throw new UserError(`key '${c.keyName}': the private key ${c.privateKey} does not belong to the certificate ${c.certificate}`, 'key-mismatch');
  }
  return { cert: pem, key: keyText, passphrase, notAfter: new Date(x509.validTo), thumbprint: sha1Thumbprint(x509) };
}

/**
 * The one expired-certificate rule's warning for a request about to be sent or turned into
 * code (README, "Expired certificates"): the call is still made — Flowgear's documentation
 * does not say it refuses one — but a 404 is the expected answer.
 */
export function expiryWarning(c: ClientCertificate, now = Date.now()): string | undefined {
  const { notAfter } = certificateFacts(c);
  if (!notAfter || notAfter.getTime() >= now) return undefined;
  return `key '${c.keyName}': the certificate expired on ${notAfter.toISOString().slice(0, 10)}; expect Flowgear to refuse it (404). Make a new one: flowgear-mtls cert new --name ${c.keyName}, then upload its .cer`;
}

/** Expiry and thumbprint of a key's certificate file, for 404 explanations; undefined when unreadable or PFX. */
export function certificateFacts(c: ClientCertificate): { notAfter?: Date; fileThumbprint?: string } {
  if (!c.certificate) return {};
  try {
    const x509 = new X509Certificate(read(c.certificate, 'certificate', c.keyName));
    return { notAfter: new Date(x509.validTo), fileThumbprint: sha1Thumbprint(x509) };
  } catch {
    return {};
  }
}
