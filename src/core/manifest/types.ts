/**
 * The typed model of `flowgear.json` — the workspace manifest a team commits (no secrets).
 * All paths in the model are ABSOLUTE (resolved against the manifest's folder by the loader);
 * `raw*` fields keep what the file says for editing and display.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface Environment {
  name: string;
  /** Flowgear's Production environment: never gets `_profile`. Exactly one is production
   *  (the loader adds an implicit "Production" when the file declares none). */
  production: boolean;
  /** Own hostname for this environment (newer Flowgear); when set, no `_profile` is added. */
  baseUrl?: string;
  /** Extra trusted CA file(s) for this environment's server certificate (absolute). */
  ca?: string;
  /** Explicit opt-out of server certificate verification; the UI shows it loudly. */
  insecure?: boolean;
  /** Cap the TLS version (e.g. 'TLSv1.2' for servers that renegotiate for the client certificate). */
  tlsMaxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Workflow {
  name: string;
  method: HttpMethod;
  /** REST template, e.g. `/customers/{id}` or `/reports/revenue?name={name}`. */
  path: string;
  /** Sample request body file (absolute), used by the request runner. */
  body?: string;
  headers?: Record<string, string>;
  /** Emulator only: a canned response for client-code testing. */
  response?: CannedResponse;
}

export interface Key {
  name: string;
  enabled: boolean;
  /** Target Site Environment name; undefined = Production (no `_profile`). */
  environment?: string;
  /** PEM or DER certificate (absolute). */
  certificate?: string;
  /** PEM private key, PKCS#8 or PKCS#1, optionally encrypted (absolute). */
  privateKey?: string;
  /** PKCS#12 holding certificate and key (absolute). */
  pfx?: string;
  /** SHA-1 thumbprint as the Flowgear console shows it (uppercase hex, no separators). */
  thumbprint?: string;
  permittedWorkflows: string[];
  /** Name of the environment variable holding the key/PFX passphrase (CLI); never the secret itself. */
  passphraseEnv?: string;
}

export interface Manifest {
  /** Absolute path of flowgear.json. */
  file: string;
  /** Folder containing the manifest; relative paths resolve against it. */
  root: string;
  /** Production base URL, e.g. https://acme.flowgear.net (no trailing slash). */
  site: string;
  /** `"insecure": true` at the top: requests to `site` may use http:// and skip server
   *  certificate verification (environments with their own baseUrl decide for themselves). */
  insecure?: boolean;
  /** Site-level extra CA file (absolute). */
  ca?: string;
  environments: Environment[];
  workflows: Workflow[];
  keys: Key[];
  /** Absolute path of the flowgear.local.json merged over this manifest, if any (see local.ts). */
  local?: string;
  /** Where `site pull` found this Site in Flowgear's management API (no secrets). */
  siteApi?: SiteApi;
}

export interface SiteApi {
  /** The management API (pod) URL, e.g. https://api1.flowgear.net. */
  url: string;
  siteId: string;
}

/** A problem in the manifest file, with a 0-based range for diagnostics. */
export interface Problem {
  message: string;
  severity: 'error' | 'warning' | 'info';
  /** 0-based line/character, end exclusive. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** Stable id for quick fixes and tests, e.g. 'json-syntax', 'duplicate-key', 'not-gitignored'. */
  code: string;
  /** Extra data a quick fix needs (e.g. the path to add to .gitignore). */
  data?: Record<string, unknown>;
}

export type LoadResult =
  | { ok: true; manifest: Manifest; problems: Problem[] }
  | { ok: false; problems: Problem[] };
