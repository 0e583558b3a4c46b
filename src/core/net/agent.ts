import { constants } from 'node:crypto';
import type { Socket } from 'node:net';
import type * as tls from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { UserError, messageOf } from '../errors';
import { proxyFor, type ProxyRoute, type ProxySettings } from './proxy';
import { secureContextWithTrust, type TrustOptions } from './trust';
import { openTunnel } from './tunnel';

export interface NetworkOptions {
  proxy?: ProxySettings;
  /** Trust the operating system's CAs besides Node's bundled ones (default true). */
  systemCertificates?: boolean;
  /** Environment for proxy variables, SSL_CERT_FILE and NODE_EXTRA_CA_CERTS (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface AgentOptions {
  /** Where the Agent will connect (chooses the proxy). */
  target: URL;
  /** Client certificate material and TLS caps (none for the management API). */
  tls?: Pick<tls.SecureContextOptions, 'cert' | 'key' | 'pfx' | 'passphrase' | 'maxVersion'>;
  /** Extra trusted CA (PEM text, read with readBoundedSync by the caller). */
  ca?: string;
  /** How to name that CA when it is not a certificate, e.g. 'the "ca" file x in flowgear.json'. */
  caLabel?: string;
  insecure?: boolean;
  connectTimeout: number;
  network?: NetworkOptions;
  /** Each new socket and when its connect started (invoke timings). */
  onSocket?: (socket: Socket, started: number) => void;
}

export interface BuiltAgent {
  agent: Agent;
  proxy?: ProxyRoute;
  trust: TrustOptions;
  /** What identifies these settings, for Agent caches. */
  settingsKey: unknown[];
}

/**
 * The one place undici Agents are built, for invokes (with a client certificate) and for
 * the Site management API (without): same trust store, extra `ca`, proxy (CONNECT tunnel,
 * TLS end to end), session tickets off, connect timeout.
 */
export function buildAgent(o: AgentOptions): BuiltAgent {
  const env = o.network?.env ?? process.env;
  const proxy = proxyFor(o.target, { env, ...o.network?.proxy });
  const systemCertificates = o.network?.systemCertificates ?? true;
  const trust: TrustOptions = { systemCertificates, manifestCa: o.ca, env };
  let secureContext: tls.SecureContext;
  try {
    secureContext = secureContextWithTrust(
      {
        ...o.tls,
        // Tickets would let the client resume during a renegotiation and skip the certificate.
        secureOptions: constants.SSL_OP_NO_TICKET,
      },
      trust,
    );
  } catch (e) {
    if (o.ca) throw new UserError(`${o.caLabel ?? 'the CA file'} is not a PEM certificate (${messageOf(e)})`, 'ca-file');
    throw e;
  }
  const connector = buildConnector({
    secureContext,
    rejectUnauthorized: !o.insecure,
    maxCachedSessions: 0,
    timeout: o.connectTimeout,
  } as buildConnector.BuildOptions);
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connect: (opts, cb) => {
      const started = performance.now();
      const track = (socket: Socket | undefined) => {
        if (socket) o.onSocket?.(socket, started);
      };
      if (!proxy) {
        track(connector(opts, cb) as unknown as Socket | undefined);
        return;
      }
      // Through the proxy: a CONNECT tunnel, then our own TLS over it (end to end).
      const port = Number(opts.port) || (opts.protocol === 'http:' ? 80 : 443);
      openTunnel(proxy, opts.hostname, port, { timeoutMs: o.connectTimeout }).then(
        (httpSocket) => track(connector({ ...opts, httpSocket } as buildConnector.Options, cb) as unknown as Socket | undefined),
        (err: Error) => cb(err, null),
      );
    },
  });
  return { agent, proxy, trust, settingsKey: [proxy?.url.href, proxy?.authorization, systemCertificates, env.SSL_CERT_FILE, env.NODE_EXTRA_CA_CERTS] };
}
