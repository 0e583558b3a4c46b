import { readBoundedSync } from '../boundedRead';
import { isUserError } from '../errors';
import { thumbprintOf } from '../certificates';
import type { ResolvedRequest } from '../invoke/types';
import type { Manifest } from '../manifest/types';

/** The variable generated code reads a key's passphrase from when the manifest names none. */
export function defaultPassphraseEnv(keyName: string): string {
  const slug = keyName.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `FLOWGEAR_PASSPHRASE${slug ? `_${slug}` : ''}`;
}

/** A missing file is fine here (the code may run elsewhere); a hostile one (FIFO, device,
 *  oversized) is the same error an invoke would give. */
function readOptional(file: string, field: string): Buffer | undefined {
  try {
    return readBoundedSync(file, { field });
  } catch (e) {
    if (isUserError(e) && (e.code === 'file-not-regular' || e.code === 'file-too-large')) throw e;
    return undefined;
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
    const bytes = readOptional(c.certificate, `key '${c.keyName}' "certificate"`);
    try {
      if (bytes) thumbprint = thumbprintOf(bytes);
    } catch {
      // An unreadable certificate: the store variants then say THUMBPRINT.
    }
  }
  const protectedMaterial = !!c.pfx || (!!c.privateKey && /ENCRYPTED/.test(readOptional(c.privateKey, `key '${c.keyName}' "privateKey"`)?.toString('latin1') ?? ''));
  const passphraseEnv = c.passphraseEnv ?? key?.passphraseEnv ?? (protectedMaterial ? defaultPassphraseEnv(c.keyName) : undefined);
  return { ...req, client: { ...c, thumbprint, passphraseEnv } };
}
