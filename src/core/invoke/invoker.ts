import { X509Certificate } from 'node:crypto';
import { readBoundedSync } from '../boundedRead';
import { STATUS_CODES } from 'node:http';
import * as tls from 'node:tls';
import type { Agent } from 'undici';
import { UserError, messageOf } from '../errors';
import { buildAgent } from '../net/agent';
import { proxyFor, type ProxyRoute } from '../net/proxy';
import { describeTrust, trustSourcesOf, type TrustOptions } from '../net/trust';
import { loadClientMaterial } from './credentials';
import { cancelledError, toUserError, type Phase } from './netErrors';
import type { InvokeResult, InvokeTimeouts } from './result';
import { socketTimes, traceNextRequest, type RequestTrace } from './trace';
import type { ResolvedRequest } from './types';

export const DEFAULT_TIMEOUTS: Required<Omit<InvokeTimeouts, 'total'>> = { connect: 10_000, headers: 30_000, body: 30_000 };
export const DEFAULT_BODY_CAP = 1024 * 1024;

export interface InvokeOptions {
  signal?: AbortSignal;
  timeouts?: InvokeTimeouts;
  /** Bytes of the body decoded for display; the full body stays in bodyBytes. */
  bodyCap?: number;
  /** Passphrase of the key's private key or PFX (SecretStorage in the editor, env var in the CLI). */
  passphrase?: string;
  /** Proxy and trust settings (the editor's http.* settings, the CLI's --proxy/--no-proxy/--no-system-ca). */
  network?: import('../net/agent').NetworkOptions;
}

export type { NetworkOptions } from '../net/agent';

interface AgentEntry {
  keyName: string;
  agent: Agent;
  proxy?: ProxyRoute;
  trust: TrustOptions;
}

/**
 * Sends ResolvedRequests over mTLS. One undici Agent per (key, origin, TLS settings), kept
 * alive across invokes; session tickets are off so a server that asks for the certificate
 * by TLS 1.2 renegotiation gets it (see docs on the renegotiation trap).
 */
export class Invoker {
  private readonly agents = new Map<string, AgentEntry>();

  private agentFor(req: ResolvedRequest, o: InvokeOptions): AgentEntry {
    const target = new URL(req.url);
    const origin = target.origin;
    const connectTimeout = o.timeouts?.connect ?? DEFAULT_TIMEOUTS.connect;
    const env = o.network?.env ?? process.env;
    const proxy = proxyFor(target, { env, ...o.network?.proxy });
    const systemCertificates = o.network?.systemCertificates ?? true;
    const id = JSON.stringify([req.client.keyName, req.client.certificate, req.client.privateKey, req.client.pfx, origin, req.ca, !!req.insecure, req.tlsMaxVersion, connectTimeout, proxy?.url.href, proxy?.authorization, systemCertificates, env.SSL_CERT_FILE, env.NODE_EXTRA_CA_CERTS]);
    const hit = this.agents.get(id);
    if (hit) return hit;

    // The one place requests leave: never in clear text unless the manifest opted out.
    if (new URL(req.url).protocol !== 'https:' && !req.insecure) {
      throw new UserError(`${origin} is not https://: the request would go out in clear text without the client certificate. Use https://, or set "insecure": true in flowgear.json for a local test server.`, 'insecure-url');
    }
    const material = loadClientMaterial(req.client, o.passphrase);
    const manifestCa = req.ca ? readBoundedSync(req.ca, { field: req.adhoc ? '--ca' : 'flowgear.json "ca"' }).toString('utf8') : undefined;
    const { agent, trust } = buildAgent({
      target,
      tls: { cert: material.cert, key: material.key, pfx: material.pfx, passphrase: material.passphrase, maxVersion: req.tlsMaxVersion },
      ca: manifestCa,
      caLabel: `${req.adhoc ? 'the --ca file' : 'the "ca" file'} ${req.ca}${req.adhoc ? '' : ' in flowgear.json'}`,
      insecure: req.insecure,
      connectTimeout,
      network: { ...o.network, env },
      onSocket: (socket, started) => socketTimes.track(socket, started),
    });
    const entry: AgentEntry = { keyName: req.client.keyName, agent, proxy, trust };
    this.agents.set(id, entry);
    return entry;
  }

  async invoke(req: ResolvedRequest, o: InvokeOptions = {}): Promise<InvokeResult> {
    const started = performance.now();
    const bodyCap = o.bodyCap ?? DEFAULT_BODY_CAP;
    const headersTimeout = o.timeouts?.headers ?? DEFAULT_TIMEOUTS.headers;
    const bodyTimeout = o.timeouts?.body ?? DEFAULT_TIMEOUTS.body;
    if (o.signal?.aborted) throw cancelledError();
    const deadline = o.timeouts?.total ? AbortSignal.timeout(o.timeouts.total) : undefined;
    const signals = [o.signal, deadline].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];

    let phase: Phase = 'connect';
    const trace: RequestTrace = { start: started };
    const url = new URL(req.url);
    try {
      const entry = this.agentFor(req, o);
      const agent = entry.agent;
      const res = await traceNextRequest(trace, () =>
        agent.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method: req.method,
          headers: req.headers,
          body: req.body,
          signal,
          headersTimeout,
          bodyTimeout,
        }),
      );
      trace.headersAt = performance.now();
      phase = 'body';
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      const end = performance.now();
      // Let undici mark the connection idle before the caller can send again, or the next
      // invoke would open a second connection instead of reusing this one.
      await new Promise((r) => setImmediate(r));
      const bodyBytes = Buffer.concat(chunks, size);
      const conn = trace.socket ? socketTimes.claim(trace.socket) : undefined;
      const tlsSocket = trace.socket as tls.TLSSocket | undefined;
      const sentAt = trace.sentAt ?? conn?.secureAt ?? started;
      return {
        request: req,
        url: req.url,
        status: res.statusCode,
        // undici does not expose the reason phrase; HTTP/1.1 servers may send anything there.
        statusText: STATUS_CODES[res.statusCode] ?? '',
        headers: flattenHeaders(res.headers),
        body: bodyBytes.subarray(0, bodyCap).toString('utf8'),
        bodyTruncated: size > bodyCap,
        bodyBytes,
        timings: {
          dns: conn && !conn.reused ? conn.dns : 0,
          tcp: conn && !conn.reused ? conn.tcp : 0,
          tls: conn && !conn.reused ? conn.tls : 0,
          ttfb: round(trace.headersAt - sentAt),
          download: round(end - trace.headersAt),
          total: round(end - started),
          reusedConnection: conn?.reused ?? false,
        },
        sizes: { requestBody: req.body ? Buffer.byteLength(req.body) : 0, responseBody: size },
        protocol: conn?.protocol ?? tlsSocket?.getProtocol?.() ?? undefined,
        proxy: entry.proxy?.url.origin,
        serverTrust: conn && !conn.reused ? trustOf(tlsSocket, entry.trust, !!req.insecure) : undefined,
        cipher: conn?.cipher ?? tlsSocket?.getCipher?.()?.name,
        clientCertificateConfigured: true,
        clientCertificateSent: undefined,
        certificateRequestedInHandshake: conn?.certificateSentInHandshake,
      };
    } catch (e) {
      if (o.signal?.aborted) throw cancelledError();
      if (deadline?.aborted) {
        throw new UserError(`${url.host} did not complete the invoke within ${o.timeouts?.total} ms`, 'timeout');
      }
      if (phase === 'connect' && trace.sentAt !== undefined) phase = 'headers';
      // Keep the socket's own error (e.g. a TLS alert) in the chain that toUserError reads.
      const socketError = trace.socket ? socketTimes.errorOf(trace.socket) : undefined;
      const err = socketError && socketError !== e ? Object.assign(new Error(messageOf(e)), { code: (e as { code?: string }).code, cause: socketError }) : e;
      throw toUserError(err, {
        url: req.url,
        keyName: req.client.keyName,
        phase,
        timeoutMs: phase === 'connect' ? o.timeouts?.connect ?? DEFAULT_TIMEOUTS.connect : phase === 'headers' ? headersTimeout : bodyTimeout,
        tlsMaxVersion: req.tlsMaxVersion,
        adhoc: req.adhoc,
      });
    }
  }

  /** Closes the Agents of a key (its files changed, or its passphrase did). */
  async forget(keyName: string): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [id, e] of this.agents) {
      if (e.keyName === keyName) {
        this.agents.delete(id);
        closing.push(e.agent.close().catch(() => undefined));
      }
    }
    await Promise.all(closing);
  }

  /** Number of live Agents (tests, and the response view's "connection reused" note). */
  get agentCount(): number {
    return this.agents.size;
  }

  async dispose(): Promise<void> {
    const all = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(all.map((e) => e.agent.destroy().catch(() => undefined)));
  }
}

/** Which trust source verified the server (new connections only: a reused one was told on its first invoke). */
function trustOf(socket: tls.TLSSocket | undefined, trust: TrustOptions, insecure: boolean): string | undefined {
  if (!socket?.getPeerX509Certificate) return undefined;
  if (insecure) return describeTrust([], true);
  try {
    let top = socket.getPeerX509Certificate();
    // Walk to the top of the chain the server sent.
    const chain = socket.getPeerCertificate(true);
    let cur: tls.DetailedPeerCertificate | undefined = chain;
    const seen = new Set<string>();
    while (cur?.issuerCertificate && cur.issuerCertificate !== cur && !seen.has(cur.fingerprint256)) {
      seen.add(cur.fingerprint256);
      cur = cur.issuerCertificate;
    }
    if (cur?.raw) top = new X509Certificate(cur.raw);
    return top ? describeTrust(trustSourcesOf(top, trust), false) : undefined;
  } catch {
    return undefined;
  }
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms * 100) / 100);
}
