import { readFile } from 'node:fs/promises';
import { thumbprintOf } from '../core/certificates/inspect';

/** SHA-1 thumbprint (uppercase hex, no separators) of a PEM or DER certificate file (first certificate). */
export async function certificateThumbprint(file: string): Promise<string> {
  return thumbprintOf(await readFile(file));
}

/** Thumbprint of the DER bytes a TLS peer certificate carries (`cert.raw`). */
export function thumbprintOfRaw(der: Buffer): string {
  return thumbprintOf(der);
}
