import type { HttpMethod } from '../manifest/types';

/**
 * One fully resolved invoke: everything needed to send it, or to generate client code
 * for it. Built from (manifest, workflow, key, environment, variables) by the invoke core;
 * contains file PATHS for key material, never the material itself.
 */
export interface ResolvedRequest {
  method: HttpMethod;
  /** Final URL: base URL + expanded path + query (incl. `_profile` when needed). */
  url: string;
  headers: Record<string, string>;
  /** Request body: text, or bytes exactly as read from a body file (`< ./file`). */
  body?: string | Buffer;
  workflow?: string;
  environment: string;
  /** `_profile` value added to the query, if any. */
  profile?: string;
  client: ClientCertificate;
  /** Extra trusted CA file for the server certificate (manifest or environment `ca`). */
  ca?: string;
  insecure?: boolean;
  tlsMaxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Built from --url/--cert/--ca, not from flowgear.json: messages name those options. */
  adhoc?: boolean;
  /** Codegen: file paths are relative to this folder (described in words), with notes for the header. */
  runFrom?: { folder: string; notes: string[] };
}

export interface ClientCertificate {
  keyName: string;
  /** PEM/DER certificate + private key files, or a PFX file. */
  certificate?: string;
  privateKey?: string;
  pfx?: string;
  thumbprint?: string;
  /** Name of the environment variable that holds the passphrase (key or PFX), if any. */
  passphraseEnv?: string;
}
