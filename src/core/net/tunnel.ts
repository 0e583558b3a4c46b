import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Client } from 'undici';
import { UserError, messageOf } from '../errors';
import type { ProxyRoute } from './proxy';

export interface TunnelOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra CAs for an https:// proxy's own certificate. */
  ca?: string[];
}

/** What the user sees for a proxy: its origin and where the setting came from, never credentials. */
export function describeProxy(p: ProxyRoute): string {
  return `${p.url.origin} (from ${p.source})`;
}

function errorCodes(e: unknown): string[] {
  const out: string[] = [];
  for (let cur: unknown = e, i = 0; cur && i < 6; cur = (cur as { cause?: unknown }).cause, i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') out.push(c);
  }
  return out;
}

/**
 * Opens a CONNECT tunnel through the proxy to host:port and resolves with the raw socket;
 * the caller runs TLS over it, so the client certificate, server verification and any
 * renegotiation stay between the tool and the target. undici's Client does the CONNECT
 * (not node:http, which VS Code's proxy support patches inside the extension host).
 */
export async function openTunnel(p: ProxyRoute, host: string, port: number, o: TunnelOptions): Promise<Socket> {
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const client = new Client(p.url.origin, {
    connectTimeout: o.timeoutMs,
    headersTimeout: o.timeoutMs,
    connect: p.url.protocol === 'https:' && o.ca ? { ca: o.ca } : undefined,
  });
  try {
    const { statusCode, socket } = await client.connect({
      path: authority,
      headers: { host: authority, ...(p.authorization ? { 'proxy-authorization': p.authorization } : {}) },
      signal: o.signal,
    });
    if (statusCode === 200) return socket as Socket;
    socket.on('error', () => undefined).destroy();
    throw statusError(p, authority, statusCode);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw reachError(p, authority, e, o.timeoutMs);
  } finally {
    void client.close().catch(() => undefined);
  }
}

function statusError(p: ProxyRoute, authority: string, status: number): UserError {
  const line = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
  const proxy = describeProxy(p);
  // Some proxies (tinyproxy) answer 401 rather than 407 to wrong credentials.
  if (status === 407 || (status === 401 && p.authorization)) {
    return new UserError(
      p.authorization
        ? `the proxy ${proxy} refused the proxy credentials (${line})`
        : `the proxy ${proxy} requires authentication (${line}): put the credentials in the proxy URL (http://user:password@host:port) or, in VS Code, set http.proxyAuthorization`,
      'proxy-auth',
    );
  }
  if (status === 502 || status === 503 || status === 504 || status === 500) {
    return new UserError(`the proxy ${proxy} could not reach ${authority} (${line}): the target is unreachable through the proxy`, 'proxy-target');
  }
  return new UserError(`the proxy ${proxy} refused to open a tunnel (CONNECT) to ${authority} (${line})`, 'proxy-connect');
}

function reachError(p: ProxyRoute, authority: string, e: unknown, timeoutMs: number): UserError {
  const codes = errorCodes(e);
  const proxy = describeProxy(p);
  if (codes.includes('ECONNREFUSED')) return new UserError(`the proxy ${proxy} refused the connection: nothing is listening there`, 'proxy-unreachable');
  if (codes.some((c) => ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL'].includes(c))) {
    return new UserError(`cannot resolve the proxy host of ${proxy} (DNS lookup failed)`, 'proxy-unreachable');
  }
  if (codes.some((c) => /TIMEOUT/.test(c))) {
    return new UserError(`the proxy ${proxy} did not answer within ${timeoutMs} ms while opening a tunnel to ${authority}`, 'proxy-timeout');
  }
  if (codes.includes('UND_ERR_ABORTED') || (e as { name?: string }).name === 'AbortError') throw e;
  return new UserError(`the tunnel through the proxy ${proxy} to ${authority} failed: ${messageOf(e)}`, 'proxy-connect');
}
