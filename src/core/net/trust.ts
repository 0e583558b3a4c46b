import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { readBoundedSync } from '../boundedRead';

/**
 * The CAs a server certificate is verified against: Node's bundled roots, plus the operating
 * system's store (a company's private CA lives there), plus NODE_EXTRA_CA_CERTS, plus the
 * manifest's `ca`. Node itself reads NODE_EXTRA_CA_CERTS only into its default store, which an
 * explicit `ca` option replaces — so it is read here too.
 *
 * The system store, by platform: `tls.getCACertificates('system')` where the runtime has it
 * (Node ≥ 22.15); else on Linux/BSD the bundle named by SSL_CERT_FILE or the distribution's
 * bundle file; on macOS the keychains through `security find-certificate -a -p`. Windows on
 * a runtime without getCACertificates: none (README says to use NODE_EXTRA_CA_CERTS).
 */
export type TrustSource = 'manifest' | 'bundled' | 'system' | 'extra';

export const TRUST_SOURCE_NAMES: Record<TrustSource, string> = {
  manifest: 'the "ca" file in flowgear.json',
  bundled: "Node.js's bundled root CAs",
  system: "the operating system's trusted CAs",
  extra: 'NODE_EXTRA_CA_CERTS',
};

const LINUX_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];
const MAX_BUNDLE = 16 * 1024 * 1024;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** A CA bundle the environment names, through the one bounded reader; undefined when unusable. */
function readBundle(path: string): string | undefined {
  try {
    return readBoundedSync(path, { field: 'CA bundle', limit: MAX_BUNDLE }).toString('latin1');
  } catch {
    return undefined;
  }
}

export function pemBlocks(text: string | undefined): string[] {
  return text ? (text.match(PEM_BLOCK) ?? []).map((b) => b.replace(/\r/g, '')) : [];
}

type GetCa = (kind: 'system') => string[];

let systemCache: { key: string; certs: string[] } | undefined;

/** The operating system's trusted CAs as PEM blocks (cached per process; env read on first use). */
export function systemCertificates(env: NodeJS.ProcessEnv = process.env): string[] {
  const cacheKey = env.SSL_CERT_FILE ?? '';
  if (systemCache?.key === cacheKey) return systemCache.certs;
  const get = (tls as unknown as { getCACertificates?: GetCa }).getCACertificates;
  let certs: string[] = [];
  if (typeof get === 'function') {
    try {
      certs = get('system');
    } catch {
      certs = [];
    }
  } else if (process.platform === 'darwin') {
    try {
      certs = pemBlocks(execFileSync('security', ['find-certificate', '-a', '-p'], { encoding: 'latin1', timeout: 5_000, maxBuffer: MAX_BUNDLE }));
      certs.push(...pemBlocks(execFileSync('security', ['find-certificate', '-a', '-p', '/System/Library/Keychains/SystemRootCertificates.keychain'], { encoding: 'latin1', timeout: 5_000, maxBuffer: MAX_BUNDLE })));
    } catch {
      /* no keychain access: bundled roots only */
    }
  } else if (process.platform !== 'win32') {
    const file = env.SSL_CERT_FILE || LINUX_BUNDLES.find((p) => readBundle(p) !== undefined);
    certs = file ? pemBlocks(readBundle(file)) : [];
  }
  systemCache = { key: cacheKey, certs };
  return certs;
}

export function extraCertificates(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.NODE_EXTRA_CA_CERTS ? pemBlocks(readBundle(env.NODE_EXTRA_CA_CERTS)) : [];
}

export interface TrustOptions {
  /** Include the system store (setting flowgear.invoke.systemCertificates, CLI --no-system-ca). */
  systemCertificates: boolean;
  /** PEM text of the manifest's `ca` file, if any. */
  manifestCa?: string;
  env?: NodeJS.ProcessEnv;
}

/** The `ca` list for a TLS connection: every trusted source, duplicates removed. */
export function trustedCas(o: TrustOptions): string[] {
  return dedupe([tls.rootCertificates, additionalCas(o)]);
}

function dedupe(lists: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const pem of list) {
      const k = pem.replace(/\s+/g, '');
      if (!seen.has(k)) {
        seen.add(k);
        out.push(pem);
      }
    }
  }
  return out;
}

/**
 * CAs beyond Node's bundled roots: the system's own, NODE_EXTRA_CA_CERTS (read again: the
 * runtime reads it only at start, and not at all in some hosts) and the manifest's.
 */
export function additionalCas(o: TrustOptions): string[] {
  const bundled = new Set(tls.rootCertificates.map((p) => p.replace(/\s+/g, '')));
  const system = o.systemCertificates ? systemCertificates(o.env).filter((p) => !bundled.has(p.replace(/\s+/g, ''))) : [];
  const manifest = o.manifestCa ? (pemBlocks(o.manifestCa).length ? pemBlocks(o.manifestCa) : [o.manifestCa]) : [];
  return dedupe([system, extraCertificates(o.env), manifest]);
}

interface NativeContext {
  addCACert?(pem: string): void;
}

/**
 * A secure context with Node's default store plus `additionalCas`. Passing `ca` would replace
 * the default store and parse every root again (tens of ms per connection setup); adding to
 * the default store copies the already-parsed roots. Falls back to a full `ca` list where the
 * runtime's context has no addCACert.
 */
export function secureContextWithTrust(options: tls.SecureContextOptions, o: TrustOptions): tls.SecureContext {
  const extra = additionalCas(o);
  if (!extra.length) return tls.createSecureContext(options);
  const sc = tls.createSecureContext(options);
  const native = (sc as unknown as { context?: NativeContext }).context;
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ ...options, ca: trustedCas(o) });
  for (const pem of extra) native.addCACert(pem);
  return sc;
}

interface Indexed {
  source: TrustSource;
  cert: X509Certificate;
}
let bySubject: Map<string, Indexed[]> | undefined;
let indexedFor = '';

function index(o: TrustOptions): Map<string, Indexed[]> {
  const env = o.env ?? process.env;
  const key = JSON.stringify([o.systemCertificates, o.manifestCa ?? '', env.NODE_EXTRA_CA_CERTS ?? '', env.SSL_CERT_FILE ?? '']);
  if (bySubject && indexedFor === key) return bySubject;
  const map = new Map<string, Indexed[]>();
  const add = (source: TrustSource, pems: readonly string[]) => {
    for (const pem of pems) {
      try {
        const cert = new X509Certificate(pem);
        const list = map.get(cert.subject) ?? [];
        list.push({ source, cert });
        map.set(cert.subject, list);
      } catch {
        /* a broken entry in a bundle is not ours to report */
      }
    }
  };
  if (o.manifestCa) add('manifest', pemBlocks(o.manifestCa));
  if (o.systemCertificates) add('system', systemCertificates(o.env));
  add('extra', extraCertificates(o.env));
  add('bundled', tls.rootCertificates);
  bySubject = map;
  indexedFor = key;
  return map;
}

/**
 * Which trusted sources vouch for a verified chain: those holding a CA that issued the top of
 * the chain the server sent (or that is that certificate). Empty when none matches (for
 * example an insecure connection).
 */
export function trustSourcesOf(chainTop: X509Certificate, o: TrustOptions): TrustSource[] {
  const map = index(o);
  const found = new Set<TrustSource>();
  for (const subject of [chainTop.issuer, chainTop.subject]) {
    for (const c of map.get(subject) ?? []) {
      if (c.cert.fingerprint256 === chainTop.fingerprint256 || (chainTop.checkIssued(c.cert) && chainTop.verify(c.cert.publicKey))) found.add(c.source);
    }
  }
  return [...found];
}

/** One line for the response view / CLI: which source verified the server. */
export function describeTrust(sources: TrustSource[], insecure: boolean): string {
  if (insecure) return 'not verified ("insecure": true)';
  if (!sources.length) return 'verified (source not identified)';
  return `verified by ${sources.map((s) => TRUST_SOURCE_NAMES[s]).join(' and ')}`;
}
