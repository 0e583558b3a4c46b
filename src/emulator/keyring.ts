import type { Key, Manifest } from '../core/manifest/types';
import { certificateThumbprint } from './thumbprint';

/**
 * Which key a client certificate selects: Flowgear keys a certificate-based API key by the
 * SHA-1 thumbprint of the uploaded certificate, so the emulator does the same.
 * Thumbprint source per key: its certificate file (PEM/DER) when readable, else the
 * manifest's `thumbprint` (the only source for `pfx` keys: the emulator never asks for a
 * PFX passphrase, and the console value is what Flowgear itself compares against).
 */
export interface Keyring {
  byThumbprint: Map<string, Key>;
  /** Problems worth a log line (unreadable certificate, thumbprint mismatch, duplicates). */
  warnings: string[];
}

export function normalizeThumbprint(t: string): string {
  return t.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export async function buildKeyring(manifest: Manifest): Promise<Keyring> {
  const byThumbprint = new Map<string, Key>();
  const warnings: string[] = [];
  for (const key of manifest.keys) {
    const declared = key.thumbprint ? normalizeThumbprint(key.thumbprint) : undefined;
    let thumbprint = declared;
    if (key.certificate) {
      try {
        thumbprint = await certificateThumbprint(key.certificate, `key '${key.name}' "certificate"`);
        if (declared && declared !== thumbprint) {
          warnings.push(`key '${key.name}': manifest thumbprint ${declared} differs from ${key.certificate} (${thumbprint}); using the file's`);
        }
      } catch (e) {
        warnings.push(`key '${key.name}': cannot read certificate ${key.certificate} (${(e as Error).message})` +
          (declared ? `; using the manifest thumbprint ${declared}` : '; the key cannot be matched'));
      }
    } else if (!declared) {
      warnings.push(`key '${key.name}': no certificate file and no thumbprint; the key cannot be matched` +
        (key.pfx ? ' (for a PFX key, add the thumbprint the Flowgear console shows)' : ''));
    }
    if (!thumbprint) continue;
    const other = byThumbprint.get(thumbprint);
    if (other) {
      warnings.push(`keys '${other.name}' and '${key.name}' share certificate ${thumbprint}; '${other.name}' wins`);
      continue;
    }
    byThumbprint.set(thumbprint, key);
  }
  return { byThumbprint, warnings };
}
