import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Pki } from './pki';

/**
 * A plain Node https server written here, independent of our emulator: it answers with
 * the SHA-1 thumbprint of the client certificate it saw. `renegotiate` mimics IIS: no
 * certificate at the handshake, TLS 1.2, renegotiation when X-Provide-Client-Certificate: Yes.
 */
export interface TestServer {
  url: string;
  port: number;
  seen: { url: string; thumbprint: string | null; headers: Record<string, unknown> }[];
  close(): Promise<void>;
}

export type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;

export async function startTlsServer(pki: Pki, mode: 'handshake' | 'renegotiate', handler?: Handler): Promise<TestServer> {
  const seen: TestServer['seen'] = [];
  const server = https.createServer({
    key: readFileSync(pki.serverKey),
    cert: readFileSync(pki.serverCert),
    requestCert: mode === 'handshake',
    rejectUnauthorized: false,
    maxVersion: mode === 'renegotiate' ? 'TLSv1.2' : undefined,
  });
  const answer = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const thumbprint = peer && peer.raw ? createHash('sha1').update(peer.raw).digest('hex').toUpperCase() : null;
    seen.push({ url: req.url ?? '', thumbprint, headers: req.headers });
    if (handler) return handler(req, res);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ thumbprint, url: req.url, method: req.method, body, protocol: (req.socket as TLSSocket).getProtocol() }));
    });
  };
  server.on('request', (req, res) => {
    const sock = req.socket as TLSSocket;
    if (mode === 'renegotiate' && /^yes$/i.test(String(req.headers['x-provide-client-certificate'] ?? '')) && !sock.getPeerCertificate()?.raw) {
      sock.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => (err ? res.destroy(err) : answer(req, res)));
    } else answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** A TCP server that misbehaves: accepts and never answers, or resets at the first byte. */
export async function startRawServer(behaviour: 'silent' | 'reset'): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    if (behaviour === 'reset') s.once('data', () => s.resetAndDestroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** A port on which nothing listens (bound then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function thumbprintOfFile(certPath: string): string {
  const { X509Certificate } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha1').update(new X509Certificate(readFileSync(certPath)).raw).digest('hex').toUpperCase();
}
