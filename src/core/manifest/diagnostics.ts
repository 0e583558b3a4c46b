/**
 * Every check on flowgear.json: the loader's syntax/schema/reference problems plus what
 * only the files on disk can tell — missing files, a key that is not the certificate's,
 * a thumbprint that differs from the console's, expiry, and private keys git would commit.
 * Shared by the editor's Problems panel and `flowgear-mtls check` (CI).
 */
import { readBounded } from '../boundedRead';
import { isAbsolute, relative, sep } from 'node:path';
import { isUserError, messageOf } from '../errors';
import { escapeGitignore, gitignoreVerdicts } from '../certificates/gitignore';
import { keyMatchesCertificate } from '../certificates/keys';
import { originOf } from './entries';
import { parseManifest } from './load';
import type { Range } from './positions';
import { keyField, keyFiles, keyStatusAsync } from './status';
import type { Key, Manifest, Problem } from './types';

export interface CheckOptions {
  now?: Date;
  /** Warn this many days before a certificate expires (default 30). */
  expiryWarningDays?: number;
  /** Passphrase for a key's PFX or encrypted private key, when the caller has one. */
  passphrase?: (key: Key) => string | undefined;
  /** Ask git whether private files are ignored (default true; false in an untrusted workspace). */
  git?: boolean;
  /** Restricted Mode: read no private key (no key/certificate match) and no file outside the manifest's folder. */
  untrusted?: boolean;
}

const PASSPHRASE_CODES = new Set(['pfx-passphrase-required', 'pfx-bad-passphrase', 'key-passphrase-required', 'key-bad-passphrase']);

const LABEL = { certificate: 'certificate', privateKey: 'private key', pfx: 'PFX' } as const;

export async function checkManifest(text: string, file: string, opts: CheckOptions = {}): Promise<Problem[]> {
  const result = parseManifest(text, file);
  const problems = [...result.problems];
  if (result.ok) for (const key of result.manifest.keys) problems.push(...(await checkKeyFiles(result.manifest, key, opts)));
  return problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function inside(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
}

async function checkKeyFiles(m: Manifest, key: Key, opts: CheckOptions): Promise<Problem[]> {
  const origin = originOf(key);
  if (!origin) return [];
  const out: Problem[] = [];
  const at = (prop: string): Range => origin.props[prop] ?? origin.props.name ?? origin.range;
  const add = (prop: string, severity: Problem['severity'], code: string, message: string, data?: Record<string, unknown>) =>
    out.push({ message, severity, code, range: at(prop), data: { keyName: key.name, ...data } });

  const status = await keyStatusAsync(key, { now: opts.now, passphrase: opts.passphrase, ...(opts.untrusted ? { within: m.root } : {}) });
  for (const f of keyFiles(key)) {
    if (status.missingFiles.includes(f.path)) {
      add(f.property, 'error', 'file-missing', `Key '${key.name}': the ${LABEL[f.property]} file ${f.path} does not exist.`, { property: f.property, path: f.path });
    }
    // A private key must be ignored BEFORE it exists: check even when the file is missing.
    const rel = f.property !== 'certificate' ? inside(m.root, f.path) : undefined;
    const verdict = rel !== undefined ? (await gitignoreVerdicts(m.root, [f.path], { git: opts.git }))[0] : undefined;
    if (rel !== undefined && verdict && !verdict.ignored) {
      add(f.property, 'error', 'not-gitignored', `Key '${key.name}': the ${LABEL[f.property]} ${rel} is not ignored by git${verdict.rule ? ` (${verdict.rule} un-ignores it)` : ''}; it would be committed with the workspace.`, {
        path: f.path,
        pattern: '/' + escapeGitignore(rel),
      });
    }
  }

  for (const f of status.fileErrors) add(f.property, 'error', 'file-unsafe', f.message, { property: f.property });
  const certProp = key.certificate ? 'certificate' : 'pfx';
  const unsafe = new Set(status.fileErrors.map((f) => f.property));
  if (status.certificateError && !PASSPHRASE_CODES.has(status.certificateError.code) && !unsafe.has(certProp)) {
    add(certProp, 'error', 'certificate-unreadable', `Key '${key.name}': ${status.certificateError.message}`);
  }
  const cert = status.certificate;
  if (cert) {
    if (key.thumbprint && key.thumbprint !== cert.thumbprint) {
      add('thumbprint', 'error', 'thumbprint-mismatch',
        `Key '${key.name}': the manifest says thumbprint ${key.thumbprint}, but the certificate file's is ${cert.thumbprint}. The console shows the thumbprint of the certificate that was uploaded.`,
        { thumbprint: cert.thumbprint });
    }
    const warnDays = opts.expiryWarningDays ?? 30;
    const when = cert.notAfter.toISOString().slice(0, 10);
    if (cert.expired) {
      add(certProp, 'error', 'certificate-expired', `Key '${key.name}': the certificate expired on ${when}; Flowgear will refuse it. Generate a new one and upload it.`, { notAfter: when });
    } else if (cert.daysLeft <= warnDays) {
      add(certProp, 'warning', 'certificate-expiring', `Key '${key.name}': the certificate expires on ${when} (in ${cert.daysLeft} day${cert.daysLeft === 1 ? '' : 's'}).`, { notAfter: when, daysLeft: cert.daysLeft });
    }
  }

  if (!opts.untrusted && key.certificate && key.privateKey && !status.certificateError && !unsafe.size && !status.missingFiles.includes(key.certificate) && !status.missingFiles.includes(key.privateKey)) {
    try {
      const passphrase = opts.passphrase?.(key);
      const [keyPem, certPem] = await Promise.all([
        readBounded(key.privateKey, { field: keyField(key, 'privateKey') }),
        readBounded(key.certificate, { field: keyField(key, 'certificate') }),
      ]);
      if (!keyMatchesCertificate(keyPem, certPem, passphrase)) {
        add('privateKey', 'error', 'key-mismatch', `Key '${key.name}': the private key does not belong to the certificate (their public keys differ).`);
      }
    } catch (e) {
      const code = isUserError(e) ? e.code : '';
      // An encrypted key we have no passphrase for cannot be compared: not a defect of the manifest.
      if (!PASSPHRASE_CODES.has(code)) add('privateKey', 'error', 'key-unreadable', `Key '${key.name}': ${messageOf(e)}`);
    }
  }
  return out;
}
