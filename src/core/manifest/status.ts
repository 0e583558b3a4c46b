/**
 * What a key looks like on disk right now: its files, its certificate (thumbprint, expiry)
 * and one overall state for icons and `keys list`. Reading is best effort: a PFX or key
 * behind a passphrase we were not given is "unknown", never an error here.
 */
import { isAbsolute, relative } from 'node:path';
import { fileExists, probeFile } from '../boundedRead';
import { isUserError, messageOf, UserError } from '../errors';
import { dateText } from '../certificates/present';
import { inspectCertificateFile, inspectCertificateFileAsync } from '../certificates/inspect';
import type { CertificateInfo } from '../certificates/types';
import type { Key } from './types';

export type KeyState = 'enabled' | 'disabled' | 'expired' | 'missing';

export interface KeyStatus {
  state: KeyState;
  /** Files the key names that do not exist. */
  missingFiles: string[];
  /** From the certificate file (or PFX), when it could be read. */
  certificate?: { thumbprint: string; subject: string; notAfter: Date; daysLeft: number; expired: boolean };
  /** Files that exist but will never be read (not a regular file, too large), one message each. */
  fileErrors: { property: 'certificate' | 'privateKey' | 'pfx'; code: string; message: string }[];
  /** Why the certificate could not be read (passphrase needed, damaged …). */
  certificateError?: { code: string; message: string };
}

export interface StatusOptions {
  now?: Date;
  /** Passphrase for the key's PFX, if the caller has one (env var in the CLI, SecretStorage in the editor). */
  passphrase?: (key: Key) => string | undefined;
  /** Restricted Mode: read no file outside this folder (the certificate shows as not read). */
  within?: string;
}

export function keyFiles(key: Key): { property: 'certificate' | 'privateKey' | 'pfx'; path: string }[] {
  return (['certificate', 'privateKey', 'pfx'] as const).flatMap((property) => (key[property] ? [{ property, path: key[property]! }] : []));
}

/** `key 'ci' "certificate"`: how errors name a key's file. */
export function keyField(key: Key, property: string): string {
  return `key '${key.name}' "${property}"`;
}

function start(key: Key, opts: StatusOptions): { status: KeyStatus; certFile?: string; passphrase?: string } {
  const missingFiles = keyFiles(key).filter((f) => !fileExists(f.path)).map((f) => f.path);
  const fileErrors: KeyStatus['fileErrors'] = [];
  for (const f of keyFiles(key)) {
    if (missingFiles.includes(f.path)) continue;
    try {
      probeFile(f.path, { field: keyField(key, f.property) });
    } catch (e) {
      fileErrors.push({ property: f.property, code: isUserError(e) ? e.code : 'file-unreadable', message: messageOf(e) });
    }
  }
  const status: KeyStatus = { state: key.enabled ? 'enabled' : 'disabled', missingFiles, fileErrors };
  const certFile = key.certificate ?? key.pfx;
  return { status, certFile: certFile && !missingFiles.includes(certFile) ? certFile : undefined, passphrase: key.pfx ? opts.passphrase?.(key) : undefined };
}

function finish(status: KeyStatus, read: (() => CertificateInfo[]) | undefined, opts: StatusOptions): KeyStatus {
  const now = (opts.now ?? new Date()).getTime();
  if (read) try {
    const [info] = read();
    if (Number.isNaN(info.notAfter.getTime()))
      throw new UserError(`The certificate's expiry date is malformed (${dateText(info.notAfter, info.notAfterRaw)}); TLS refuses such a certificate.`, 'bad-certificate-date');
    const daysLeft = Math.floor((info.notAfter.getTime() - now) / 86_400_000);
    status.certificate = { thumbprint: info.thumbprint, subject: info.subject, notAfter: info.notAfter, daysLeft, expired: info.notAfter.getTime() < now };
  } catch (e) {
    status.certificateError = { code: isUserError(e) ? e.code : 'unreadable', message: messageOf(e) };
  }
  if (status.missingFiles.length > 0) status.state = 'missing';
  else if (status.certificate?.expired) status.state = 'expired';
  return status;
}

/** What the key's files say; reads the certificate (or PFX) through the bounded reader. */
export function keyStatus(key: Key, opts: StatusOptions = {}): KeyStatus {
  const { status, certFile, passphrase } = start(key, opts);
  if (!certFile) return finish(status, undefined, opts);
  const field = keyField(key, key.certificate ? 'certificate' : 'pfx');
  return finish(status, () => inspectCertificateFile(certFile, { field, ...(passphrase !== undefined ? { passphrase } : {}) }), opts);
}

/** keyStatus without blocking the thread: what the extension host uses. */
export async function keyStatusAsync(key: Key, opts: StatusOptions = {}): Promise<KeyStatus> {
  const { status, certFile, passphrase } = start(key, opts);
  if (!certFile) return finish(status, undefined, opts);
  const field = keyField(key, key.certificate ? 'certificate' : 'pfx');
  const rel = opts.within !== undefined ? relative(opts.within, certFile) : '';
  if (rel.startsWith('..') || isAbsolute(rel)) {
    status.certificateError = { code: 'outside-untrusted', message: `${field}: ${certFile} is outside the workspace; not read in Restricted Mode.` };
    return finish(status, undefined, opts);
  }
  let infos: CertificateInfo[] = [];
  let error: unknown;
  try {
    infos = await inspectCertificateFileAsync(certFile, { field, ...(passphrase !== undefined ? { passphrase } : {}) });
  } catch (e) {
    error = e;
  }
  return finish(status, () => {
    if (error) throw error;
    return infos;
  }, opts);
}
