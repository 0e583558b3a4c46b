import type { IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { InvokeRequest } from './authorize';
import type { HttpAnswer } from './respond';
import { jsonAnswer } from './respond';
import { thumbprintOfRaw } from './thumbprint';
import { redactUrl } from '../core/site/client';
import type { CertRequestMode } from './types';

export const PROVIDE_CERT_HEADER = 'x-provide-client-certificate';

export interface ServerConfig {
  key: string;
  cert: string;
  mode: CertRequestMode;
  bodyLimit: number;
  /** Connections beyond this are refused at accept (net.Server maxConnections). */
  maxConnections?: number;
  headersTimeoutMs: number;
  log: (line: string) => void;
  /** Answers one request whose body has been read and whose certificate is settled. */
  answer: (req: InvokeRequest, body: Buffer, raw: IncomingMessage) => HttpAnswer | Promise<HttpAnswer>;
}

/** Per connection: the outcome of the one renegotiation renegotiate mode allows. */
const renegotiated = new WeakMap<TLSSocket, Promise<void>>();

/** Per connection: the client certificate's thumbprint (null = none), computed once. */
const peerThumbprints = new WeakMap<TLSSocket, string | null>();

/** Expiry of the client certificate, for the emulator's expired-certificate rule. */
function peerNotAfter(socket: TLSSocket): Date | undefined {
  const cert = socket.getPeerCertificate();
  return cert && cert.valid_to ? new Date(cert.valid_to) : undefined;
}

function peerThumbprint(socket: TLSSocket): string | undefined {
  let t = peerThumbprints.get(socket);
  if (t === undefined) {
    const cert = socket.getPeerCertificate();
    t = cert && cert.raw ? thumbprintOfRaw(cert.raw) : null;
    peerThumbprints.set(socket, t);
  }
  return t ?? undefined;
}

/** Asks for the client certificate mid-connection, as IIS-style front ends do (TLS 1.2 only). */
function renegotiateOnce(socket: TLSSocket, timeoutMs: number): Promise<void> {
  let done = renegotiated.get(socket);
  if (!done) {
    done = new Promise<void>((resolve, reject) => {
      // A client that ignores the HelloRequest must not hold the request forever.
      const timer = setTimeout(() => reject(new Error(`the client did not renegotiate within ${timeoutMs} ms`)), timeoutMs);
      const ok = socket.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
      if (!ok) {
        clearTimeout(timer);
        reject(new Error('the connection cannot renegotiate'));
      }
    }).finally(() => peerThumbprints.delete(socket));
    renegotiated.set(socket, done);
  }
  return done;
}

/** Reads the body up to `limit` bytes; undefined when over the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        resolve(undefined);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => !over && resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const CLIENT_ERROR_REPLIES: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

function send(res: ServerResponse, a: HttpAnswer, close = false) {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { ...a.headers, 'content-length': Buffer.byteLength(a.body) };
  if (close) headers.connection = 'close';
  res.writeHead(a.status, headers);
  res.end(a.body);
}

function describe(req: IncomingMessage): string {
  return `${req.method} ${redactUrl(req.url ?? '')}`;
}

/**
 * The invoke front end: TLS, certificate request (handshake or renegotiation), body limit,
 * timeouts. What to answer is decided by `config.answer`; this file only settles the inputs.
 */
export function createInvokeServer(config: ServerConfig): https.Server {
  const renegotiate = config.mode === 'renegotiate';
  const server = https.createServer(
    {
      key: config.key,
      cert: config.cert,
      // Any certificate may be presented; the thumbprint, not a CA, decides (as in Flowgear).
      requestCert: !renegotiate,
      rejectUnauthorized: false,
      // Renegotiation exists only up to TLS 1.2. Session tickets stay on (Node's default), as
      // real front ends have them: a client that resumes during renegotiation sends no certificate.
      ...(renegotiate ? { maxVersion: 'TLSv1.2' as const } : {}),
      handshakeTimeout: config.headersTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: Math.max(30_000, config.headersTimeoutMs * 3),
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(config.headersTimeoutMs / 4))),
      keepAliveTimeout: 5000,
    },
    (req, res) => {
      handle(req, res).catch((e: unknown) => {
        config.log(`${describe(req)} → 500 emulator error: ${(e as Error).message}`);
        send(res, jsonAnswer(500, { Message: 'An error has occurred.' }), true);
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const socket = req.socket as TLSSocket;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > config.bodyLimit) {
      config.log(`${describe(req)} → 413 body of ${declared} bytes exceeds the limit of ${config.bodyLimit}`);
      send(res, jsonAnswer(413, { Message: 'The request body is too large.' }), true);
      req.resume();
      return;
    }
    const body = await readBody(req, config.bodyLimit);
    if (body === undefined) {
      config.log(`${describe(req)} → 413 body exceeds the limit of ${config.bodyLimit} bytes`);
      send(res, jsonAnswer(413, { Message: 'The request body is too large.' }), true);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://emulator.invalid');
    } catch {
      config.log(`${describe(req)} → 400 unparseable request target`);
      send(res, jsonAnswer(400, { Message: 'Bad Request' }));
      return;
    }

    let noCertificateReason: string | undefined;
    if (renegotiate) {
      const asked = String(req.headers[PROVIDE_CERT_HEADER] ?? '').trim().toLowerCase() === 'yes';
      if (asked) {
        try {
          await renegotiateOnce(socket, config.headersTimeoutMs);
        } catch (e) {
          noCertificateReason = `no client certificate: renegotiation failed (${(e as Error).message})`;
        }
        noCertificateReason ??= 'no client certificate: the client sent none after renegotiation ' +
          '(it probably resumed its TLS session: the client must turn TLS session tickets off — ' +
          'Node: secureOptions SSL_OP_NO_TICKET, Python: ssl.OP_NO_TICKET)';
      } else if (!renegotiated.has(socket)) {
        noCertificateReason = `no client certificate: renegotiate mode requests it only for requests with 'X-Provide-Client-Certificate: Yes'`;
      }
    }
    if (socket.destroyed) return;
    const invoke: InvokeRequest = {
      method: req.method ?? 'GET',
      pathname: url.pathname,
      query: url.searchParams,
      host: req.headers.host,
      thumbprint: peerThumbprint(socket),
      certificateNotAfter: peerNotAfter(socket),
      noCertificateReason,
    };
    send(res, await config.answer(invoke, body, req));
  }

  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    const who = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'a client';
    config.log(`TLS handshake with ${who} failed: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' ').trim());
    socket.destroy();
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const reply = CLIENT_ERROR_REPLIES[err.code ?? ''];
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      config.log(`closed a connection that did not send complete headers within ${config.headersTimeoutMs} ms`);
    } else if (err.code !== 'ECONNRESET') {
      config.log(`dropped a connection: ${err.code ?? err.message}`);
    }
    if (socket.writable && err.code !== 'ECONNRESET') {
      socket.end(`HTTP/1.1 ${reply ?? '400 Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      // end() alone waits for the peer's FIN: a peer that never reads or closes would keep the
      // descriptor. Give the reply a moment to leave, then destroy.
      const timer = setTimeout(() => socket.destroy(), 500);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    } else {
      socket.destroy();
    }
  });
  if (config.maxConnections) {
    server.maxConnections = config.maxConnections;
    let lastDropLog = 0;
    server.on('drop', () => {
      if (Date.now() - lastDropLog < 5000) return;
      lastDropLog = Date.now();
      config.log(`refused a connection: ${config.maxConnections} connections are open (the limit)`);
    });
  }
  return server;
}
