import { readBoundedSync } from '../boundedRead';
import { isUserError } from '../errors';
import { thumbprintOf } from '../certificates';
import type { ResolvedRequest } from '../invoke/types';
import type { Manifest } from '../manifest/types';
import { basename, isAbsolute, relative, sep } from 'node:path';

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
  const prepared = { ...req, client: { ...c, thumbprint, passphraseEnv } };
  return manifest ? portablePaths(prepared, manifest.root) : prepared;
}

/**
 * Code is shared: no path from the author's machine may end up in it. Every file becomes
 * relative to the folder holding flowgear.json — the folder the code is meant to run in, as
 * its header says; a file outside that folder becomes its bare name there, with a note.
 */
export function portablePaths(req: ResolvedRequest, root: string): ResolvedRequest {
  const notes: string[] = [];
  const rel = (p: string | undefined): string | undefined => {
    if (p === undefined) return undefined;
    const r = relative(root, p);
    if (r === '' || r.startsWith('..') || isAbsolute(r)) {
      notes.push(`Copy ${basename(p)} into that folder (it lives outside it on the machine this code was made on).`);
      return basename(p);
    }
    return r.split(sep).join('/');
  };
  const c = req.client;
  return {
    ...req,
    client: { ...c, certificate: rel(c.certificate), privateKey: rel(c.privateKey), pfx: rel(c.pfx) },
    ca: rel(req.ca),
    runFrom: { folder: 'the folder that holds flowgear.json', notes },
  };
}
