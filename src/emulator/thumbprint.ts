import { createHash } from 'node:crypto';
import { readBounded } from '../core/boundedRead';
import { thumbprintOf } from '../core/certificates/inspect';

/** SHA-1 thumbprint (uppercase hex, no separators) of a PEM or DER certificate file (first certificate). */
export async function certificateThumbprint(file: string, field = 'certificate'): Promise<string> {
  return thumbprintOf(await readBounded(file, { field }));
}

/** Thumbprint of the DER bytes a TLS peer certificate carries (`cert.raw`): already DER, so
 *  just its SHA-1 (what thumbprintOf computes after parsing a file). */
export function thumbprintOfRaw(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}
