import type { ResolvedRequest } from './types';

/**
 * Phase durations in ms. dns/tcp/tls are 0 when the invoke reused a kept-alive connection.
 * How they are measured (see trace.ts), and what is approximate:
 * - dns/tcp/tls: the socket's own lookup/connect/secureConnect events (dns is 0 for an IP
 *   literal, which Node does not look up). tls is the initial handshake only.
 * - ttfb: from undici writing the request headers (diagnostics channel) to the response
 *   headers being parsed; it includes server time, one round trip and — on servers that ask
 *   for the certificate by renegotiation — that second handshake.
 * - download: response headers → last body byte as our loop read it (event-loop granular).
 */
export interface InvokeTimings {
  dns: number;
  tcp: number;
  tls: number;
  /** Request headers written → response headers received (server time + one round trip). */
  ttfb: number;
  /** Response headers → last body byte. */
  download: number;
  /** Whole invoke as the caller saw it (includes queueing and reading key files on first use). */
  total: number;
  reusedConnection: boolean;
}

export interface InvokeTimeouts {
  /** TCP + TLS handshake, ms. */
  connect?: number;
  /** Request sent → response headers, ms. */
  headers?: number;
  /** Max idle time between body chunks, ms. */
  body?: number;
  /** Whole invoke deadline, ms (the CLI's --timeout). */
  total?: number;
}

export interface InvokeResult {
  request: ResolvedRequest;
  url: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** Body as text, capped at bodyCap bytes for display. */
  body: string;
  bodyTruncated: boolean;
  /** The complete body, for "Save body". */
  bodyBytes: Buffer;
  timings: InvokeTimings;
  sizes: { requestBody: number; responseBody: number };
  /** Negotiated TLS version, e.g. 'TLSv1.3'. */
  protocol?: string;
  cipher?: string;
  /** The proxy the connection went through (origin only, never credentials). */
  proxy?: string;
  /** Which trust source verified the server certificate, for a new connection. */
  serverTrust?: string;
  /** Whether a client certificate was configured for the connection (always, for a key). */
  clientCertificateConfigured: boolean;
  /** Whether the server saw it: Node's TLS client cannot tell, so only set when the server says so (emulator body). */
  clientCertificateSent?: boolean;
  /** TLS 1.3 only: whether the server asked for the certificate in the handshake (see trace.ts); undefined = unknown. */
  certificateRequestedInHandshake?: boolean;
}

/** The JSON shape the CLI prints with --json and the editor returns from flowgear.invoke. */
export function resultSummary(r: InvokeResult) {
  return {
    url: r.url,
    status: r.status,
    statusText: r.statusText,
    headers: r.headers,
    body: r.body,
    bodyTruncated: r.bodyTruncated,
    timings: r.timings,
    sizes: r.sizes,
    protocol: r.protocol,
    proxy: r.proxy,
    serverTrust: r.serverTrust,
    key: r.request.client.keyName,
    environment: r.request.environment,
    workflow: r.request.workflow,
  };
}
