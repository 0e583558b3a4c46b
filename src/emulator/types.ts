/** How the emulator asks for the client certificate (see docs/tls-renegotiation.md). */
export type CertRequestMode = 'handshake' | 'renegotiate';

export interface EmulatorOptions {
  /** Folder holding flowgear.json; the local CA and server certificate go to `<workspace>/.flowgear/`. */
  workspace: string;
  /** Manifest path (default `<workspace>/flowgear.json`). */
  manifestFile?: string;
  /** 0 or undefined = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'handshake'. */
  certRequest?: CertRequestMode;
  /** A key disabled in the manifest keeps working this long after the emulator first saw it
   *  disabled (Flowgear: "may take up to five minutes"). Default 0. */
  disableDelaySeconds?: number;
  /** One line per request/event, no timestamp (front ends add their own). */
  log?: (line: string) => void;
  /** Request body limit in bytes (413 above it). Default 1 MiB. */
  bodyLimit?: number;
  /** Close connections that have not sent complete headers within this time. Default 10 s. */
  headersTimeoutMs?: number;
  /** Management API: the one password that signs in (default: any non-empty one). */
  managementPassword?: string;
  /** Management API sign-in: 'password' (Action 0, default) or 'redirect' (Action 1 via a local sign-in page). */
  signIn?: 'password' | 'redirect';
  /** Management API sessions end this long after sign-in (default: never). */
  sessionLifetimeSeconds?: number;
  /** Sees every management API request and answer (contract tests). */
  onManagement?: (x: import('./management').ManagementExchange) => void;
  /** Accept expired client certificates; default false: refused with 404 like any other refusal. */
  acceptExpiredCertificates?: boolean;
  /** Open connections at most (default 256); more are refused so slow clients cannot pin descriptors. */
  maxConnections?: number;
  /** Clock, injectable for the disable delay. */
  now?: () => number;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  /** PEM of the local CA that signed the server certificate: trust it as the manifest's `ca`. */
  caPath: string;
  /** Base URL of the management-API subset (`auth` query parameter = managementSessionId). */
  managementUrl: string;
  managementSessionId: string;
  mode: CertRequestMode;
  /** Files whose change should trigger reload(): the manifest and the keys' certificate files. */
  files(): string[];
  /** Re-reads the manifest; on problems keeps the previous one and returns false. */
  reload(): Promise<boolean>;
  /** Stops listening, lets in-flight requests finish briefly, then drops every connection. */
  close(): Promise<void>;
}
