/**
 * What a new key entry needs from files that already exist (`keys add --certificate/--pfx`):
 * the thumbprint Flowgear will show, and a check that a private key belongs to its certificate.
 * Nothing here writes; the caller adds the entry with edit.ts's addKey.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { readBoundedSync } from '../boundedRead';
import { inspectCertificateFile } from '../certificates/inspect';
import { keyMatchesCertificate } from '../certificates/keys';
import { UserError } from '../errors';
import type { Manifest } from './types';

/** A path as the manifest stores it: relative to its folder with forward slashes (absolute when outside). */
export function storedPath(root: string, path: string): string {
  const rel = relative(root, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

/** The environment name to write on a key (undefined = Production); unknown names are usage errors. */
export function keyEnvironment(m: Manifest, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const found = m.environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new UserError(`unknown environment '${name}' (flowgear.json declares: ${m.environments.map((e) => `'${e.name}'`).join(', ')})`, 'unknown-environment');
  return found.production ? undefined : found.name;
}

/** Permitted workflows must be declared (names as the manifest spells them). */
export function permittedWorkflows(m: Manifest, names: string[]): string[] {
  return names.map((n) => {
    const w = m.workflows.find((x) => x.name === n) ?? m.workflows.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!w) throw new UserError(`unknown workflow '${n}' (flowgear.json declares: ${m.workflows.map((x) => `'${x.name}'`).join(', ') || 'none'})`, 'unknown-workflow');
    return w.name;
  });
}

/** Thumbprint of an existing certificate + private key pair; refuses a key of another certificate. */
export function existingPemKey(certificate: string, privateKey: string, passphrase?: string): { thumbprint: string } {
  const [info] = inspectCertificateFile(certificate);
  const keyText = readBoundedSync(privateKey, { field: '--private-key' });
  // An encrypted key without its passphrase cannot be compared; invoke checks it then.
  if ((passphrase !== undefined || !/ENCRYPTED/.test(keyText.toString('latin1'))) && !keyMatchesCertificate(keyText, readBoundedSync(certificate, { field: '--certificate' }), passphrase)) {
    throw new UserError(`${privateKey} does not belong to ${certificate} (their public keys differ).`, 'key-mismatch');
  }
  return { thumbprint: info.thumbprint };
}

/** Thumbprint of the first certificate of a PFX (its passphrase is needed to read it, and not stored). */
export function existingPfx(pfx: string, passphrase: string | undefined): { thumbprint: string } {
  try {
    const [info] = inspectCertificateFile(pfx, passphrase !== undefined ? { passphrase } : {});
    return { thumbprint: info.thumbprint };
  } catch (e) {
    if (e instanceof UserError && e.code === 'pfx-passphrase-required') {
      throw new UserError(`${pfx} is protected: name the environment variable holding its passphrase with --passphrase-env VAR (it is read once for the thumbprint and recorded as the key's passphraseEnv).`, e.code);
    }
    throw e;
  }
}
