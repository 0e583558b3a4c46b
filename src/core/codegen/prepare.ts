import { readFileSync } from 'node:fs';
import { thumbprintOf } from '../certificates';
import type { ResolvedRequest } from '../invoke/types';
import type { Manifest } from '../manifest/types';

/** The variable generated code reads a key's passphrase from when the manifest names none. */
export function defaultPassphraseEnv(keyName: string): string {
  const slug = keyName.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `FLOWGEAR_PASSPHRASE${slug ? `_${slug}` : ''}`;
}

function isEncryptedPem(file: string): boolean {
  try {
    return /ENCRYPTED/.test(readFileSync(file, 'latin1'));
  } catch {
    return false;
  }
}

/**
 * Fills what code generation needs and an invoke may not: the thumbprint (for store lookups)
 * and the NAME of the passphrase variable when the key material is protected — the manifest's
 * `passphraseEnv`, else a per-key default. Reads files; the generators themselves stay pure.
 */
export function prepareForCodegen(req: ResolvedRequest, manifest?: Manifest): ResolvedRequest {
  const c = req.client;
  const key = manifest?.keys.find((k) => k.name === c.keyName);
  let thumbprint = c.thumbprint;
  if (!thumbprint && c.certificate) {
    try {
      thumbprint = thumbprintOf(readFileSync(c.certificate));
    } catch {
      // An unreadable certificate: the store variants then say THUMBPRINT.
    }
  }
  const protectedMaterial = !!c.pfx || (!!c.privateKey && isEncryptedPem(c.privateKey));
  const passphraseEnv = c.passphraseEnv ?? key?.passphraseEnv ?? (protectedMaterial ? defaultPassphraseEnv(c.keyName) : undefined);
  return { ...req, client: { ...c, thumbprint, passphraseEnv } };
}
