import { BlockList, isIP } from 'node:net';
import { UserError } from '../errors';

/**
 * Which HTTP proxy a connection to a target goes through. One rule for invokes and
 * management calls, for the CLI and the editor:
 * - an explicit choice wins (`--proxy URL` / `--no-proxy`; the editor's `http.proxy`,
 *   `http.proxySupport: off`);
 * - else the environment, as VS Code reads it: https targets use HTTPS_PROXY, https_proxy,
 *   HTTP_PROXY, http_proxy (first set); http targets HTTP_PROXY, http_proxy;
 * - NO_PROXY / no_proxy (or `http.noProxy`) lists hosts that bypass it: `*`, exact names,
 *   domain suffixes (`example.com`, `.example.com`, `*.example.com`), IPs, CIDR ranges,
 *   each optionally with `:port`.
 * HTTPS goes through a CONNECT tunnel, so TLS stays end to end (see tunnel.ts).
 */
export interface ProxySettings {
  /** Proxy URL; `null` means "explicitly none" (no environment lookup). */
  proxy?: string | null;
  /** Bypass list; when undefined, NO_PROXY / no_proxy from env. */
  noProxy?: string[];
  /** Proxy-Authorization header value (VS Code's http.proxyAuthorization). */
  authorization?: string;
  /** Where the proxy setting came from, for messages: 'http.proxy', '--proxy', 'HTTPS_PROXY'… */
  source?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ProxyRoute {
  /** The proxy's URL without credentials (safe to show and log). */
  url: URL;
  /** Proxy-Authorization header value, if any (never shown or logged). */
  authorization?: string;
  source: string;
}

function envProxy(target: URL, env: NodeJS.ProcessEnv): { value: string; source: string } | undefined {
  const names = target.protocol === 'http:' ? ['HTTP_PROXY', 'http_proxy'] : ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return { value: v, source: n };
  }
  return undefined;
}

/** Parses a proxy URL (`host:port` means http://host:port); credentials become a Basic header. */
export function parseProxyUrl(value: string, source: string): ProxyRoute {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UserError(`the proxy URL from ${source} is not a URL`, 'proxy-config');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UserError(`the proxy from ${source} is a ${u.protocol.replace(/:$/, '')} proxy: only http:// and https:// proxies are supported`, 'proxy-config');
  }
  let authorization: string | undefined;
  if (u.username || u.password) {
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  const clean = new URL(`${u.protocol}//${u.host}`);
  return { url: clean, authorization, source };
}

function hostPort(target: URL): { host: string; port: number } {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'http:' ? 80 : 443);
  return { host, port };
}

/** Whether one NO_PROXY entry matches the target. */
function bypassedBy(entry: string, host: string, port: number): boolean {
  let e = entry.trim().toLowerCase();
  if (!e) return false;
  if (e === '*') return true;
  let entryPort: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(e);
  if (bracket) {
    e = bracket[1];
    entryPort = bracket[2] ? Number(bracket[2]) : undefined;
  } else if (isIP(e) !== 6 && !e.includes('/') ) {
    const m = /^(.*):(\d+)$/.exec(e);
    if (m) {
      e = m[1];
      entryPort = Number(m[2]);
    }
  }
  if (entryPort !== undefined && entryPort !== port) return false;
  const cidr = /^(.+)\/(\d{1,3})$/.exec(e);
  if (cidr && isIP(cidr[1]) && isIP(host)) {
    const type = isIP(cidr[1]) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(host) !== isIP(cidr[1])) return false;
    const list = new BlockList();
    try {
      list.addSubnet(cidr[1], Number(cidr[2]), type);
    } catch {
      return false;
    }
    return list.check(host, type);
  }
  if (isIP(e) || isIP(host)) return e === host;
  const suffix = e.replace(/^\*?\./, '');
  return host === suffix || host.endsWith(`.${suffix}`);
}

/** The proxy for a connection to `target`, or undefined for a direct connection. */
export function proxyFor(target: URL | string, s: ProxySettings = {}): ProxyRoute | undefined {
  const t = typeof target === 'string' ? new URL(target) : target;
  const env = s.env ?? process.env;
  if (s.proxy === null) return undefined;
  const chosen = s.proxy ? { value: s.proxy, source: s.source ?? 'settings' } : envProxy(t, env);
  if (!chosen) return undefined;
  const noProxy = s.noProxy ?? (env.NO_PROXY ?? env.no_proxy ?? '').split(/[\s,]+/);
  const { host, port } = hostPort(t);
  if (noProxy.some((entry) => bypassedBy(entry, host, port))) return undefined;
  const route = parseProxyUrl(chosen.value, chosen.source);
  return s.authorization ? { ...route, authorization: s.authorization } : route;
}
