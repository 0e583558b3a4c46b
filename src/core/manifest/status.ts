/**
 * What a key looks like on disk right now: its files, its certificate (thumbprint, expiry)
 * and one overall state for icons and `keys list`. Reading is best effort: a PFX or key
 * behind a passphrase we were not given is "unknown", never an error here.
 */
import { existsSync } from 'node:fs';
import { isUserError, messageOf } from '../errors';
import { inspectCertificateFile } from '../certificates/inspect';
import type { Key } from './types';

export type KeyState = 'enabled' | 'disabled' | 'expired' | 'missing';

export interface KeyStatus {
  state: KeyState;
  /** Files the key names that do not exist. */
  missingFiles: string[];
  /** From the certificate file (or PFX), when it could be read. */
  certificate?: { thumbprint: string; subject: string; notAfter: Date; daysLeft: number; expired: boolean };
  /** Why the certificate could not be read (passphrase needed, damaged …). */
  certificateError?: { code: string; message: string };
}

export interface StatusOptions {
  now?: Date;
  /** Passphrase for the key's PFX, if the caller has one (env var in the CLI, SecretStorage in the editor). */
  passphrase?: (key: Key) => string | undefined;
}

export function keyFiles(key: Key): { property: 'certificate' | 'privateKey' | 'pfx'; path: string }[] {
  return (['certificate', 'privateKey', 'pfx'] as const).flatMap((property) => (key[property] ? [{ property, path: key[property]! }] : []));
}

export function keyStatus(key: Key, opts: StatusOptions = {}): KeyStatus {
  const now = (opts.now ?? new Date()).getTime();
  const missingFiles = keyFiles(key).filter((f) => !existsSync(f.path)).map((f) => f.path);
  const status: KeyStatus = { state: key.enabled ? 'enabled' : 'disabled', missingFiles };
  const certFile = key.certificate ?? key.pfx;
  if (certFile && !missingFiles.includes(certFile)) {
    try {
      const passphrase = key.pfx ? opts.passphrase?.(key) : undefined;
      const [info] = inspectCertificateFile(certFile, passphrase !== undefined ? { passphrase } : {});
      const daysLeft = Math.floor((info.notAfter.getTime() - now) / 86_400_000);
      status.certificate = { thumbprint: info.thumbprint, subject: info.subject, notAfter: info.notAfter, daysLeft, expired: info.notAfter.getTime() < now };
    } catch (e) {
      status.certificateError = { code: isUserError(e) ? e.code : 'unreadable', message: messageOf(e) };
    }
  }
  if (missingFiles.length > 0) status.state = 'missing';
  else if (status.certificate?.expired) status.state = 'expired';
  return status;
}
