import * as diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * Honest timings from two sources: our own connector timestamps each socket's
 * lookup/connect/secureConnect events, and undici's diagnostics channels tell which socket
 * carried which request and when its headers were written. undici creates its Request
 * synchronously inside agent.request(), which is how a request is tied to its invoke.
 */

export interface RequestTrace {
  start: number;
  socket?: Socket;
  sentAt?: number;
  headersAt?: number;
}

interface SocketTimes {
  start: number;
  lookupAt?: number;
  connectAt?: number;
  secureAt?: number;
  /** Read at secureConnect: a socket closed by `Connection: close` can no longer tell. */
  protocol?: string;
  cipher?: string;
  /** First socket error: undici reports a TLS 1.3 alert after the handshake only as "other side closed". */
  error?: Error;
  /** Raw TCP bytes written when the ServerHello arrived: the ClientHello. */
  rawAtServerHello?: number;
  used: boolean;
}

const sockets = new WeakMap<Socket, SocketTimes>();
const traces = new WeakMap<object, RequestTrace>();
let capturing: RequestTrace | undefined;
let subscribed = false;

function subscribe() {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:request:create', (m) => {
    const { request } = m as { request: object };
    if (capturing) {
      traces.set(request, capturing);
      capturing = undefined;
    }
  });
  diagnostics.subscribe('undici:client:sendHeaders', (m) => {
    const { request, socket } = m as { request: object; socket: Socket };
    const t = traces.get(request);
    if (t) {
      t.socket = socket;
      t.sentAt = performance.now();
    }
  });
}

/** Runs `send` (which must create the undici request synchronously) with `trace` attached to it. */
export function traceNextRequest<T>(trace: RequestTrace, send: () => Promise<T>): Promise<T> {
  subscribe();
  capturing = trace;
  try {
    return send();
  } finally {
    capturing = undefined;
  }
}

export const socketTimes = {
  track(socket: Socket, start: number) {
    const t: SocketTimes = { start, used: false };
    sockets.set(socket, t);
    socket.once('lookup', () => (t.lookupAt = performance.now()));
    socket.once('connect', () => (t.connectAt = performance.now()));
    socket.once('error', (e) => (t.error ??= e));
    // The first key-log event comes when the ServerHello is read: only the ClientHello is written
    // then. The line itself (a secret) is dropped unread.
    socket.once('keylog', () => (t.rawAtServerHello = rawBytesWritten(socket as TLSSocket)));
    socket.once('secureConnect', () => {
      t.secureAt = performance.now();
      const tlsSocket = socket as TLSSocket;
      t.protocol = tlsSocket.getProtocol?.() ?? undefined;
      t.cipher = tlsSocket.getCipher?.()?.name;
    });
  },
  errorOf(socket: Socket): Error | undefined {
    return sockets.get(socket)?.error;
  },
  /** Connection phases of a socket; `reused` for every request after its first. */
  claim(socket: Socket): { dns: number; tcp: number; tls: number; reused: boolean; secureAt?: number; protocol?: string; cipher?: string; certificateSentInHandshake?: boolean } | undefined {
    const t = sockets.get(socket);
    if (!t) return undefined;
    const reused = t.used;
    t.used = true;
    const r = (x: number) => Math.max(0, Math.round(x * 100) / 100);
    const afterDns = t.lookupAt ?? t.start;
    return {
      dns: r(afterDns - t.start),
      tcp: r((t.connectAt ?? afterDns) - afterDns),
      tls: r((t.secureAt ?? t.connectAt ?? afterDns) - (t.connectAt ?? afterDns)),
      reused,
      secureAt: t.secureAt,
      protocol: t.protocol,
      cipher: t.cipher,
      certificateSentInHandshake: reused ? undefined : certificateSent(socket as TLSSocket, t),
    };
  },
};

/** Bytes the TCP handle under a TLS socket has written (ciphertext), when Node exposes it. */
function rawBytesWritten(s: TLSSocket): number | undefined {
  const parent = (s as unknown as { _handle?: { _parent?: { bytesWritten?: unknown } } })._handle?._parent;
  return typeof parent?.bytesWritten === 'number' ? parent.bytesWritten : undefined;
}

/** Smallest Certificate + CertificateVerify a client can send (an EC P-256 certificate is ~300 bytes
 *  DER, its signature ~80); a flight without them (ChangeCipherSpec, Finished, request records) stays
 *  well below. */
const CERTIFICATE_FLIGHT_MIN = 256;

/**
 * Whether the client sent its certificate in a TLS 1.3 handshake — which it does only when the
 * server asked for one (CertificateRequest). The request is encrypted, so it is read from the
 * size of the client's second flight: ciphertext written after the ClientHello, minus the
 * plaintext of the requests (measured: 102 bytes without a certificate, 619 with a P-256 one). Undefined when not TLS 1.3 or Node does not expose the counters.
 */
function certificateSent(s: TLSSocket, t: SocketTimes): boolean | undefined {
  const raw = rawBytesWritten(s);
  if (t.protocol !== 'TLSv1.3' || raw === undefined || t.rawAtServerHello === undefined) return undefined;
  return raw - t.rawAtServerHello - s.bytesWritten >= CERTIFICATE_FLIGHT_MIN;
}
