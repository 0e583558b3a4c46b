/**
 * Fixture workspaces for tests that need keys, certificates and a flowgear.json on disk —
 * the emulator's tests, and the request runner's and codegen's tests against the emulator.
 *
 *   const fx = makeFixtureWorkspace({
 *     environments: [{ name: 'Production', production: true }, { name: 'Test' }],
 *     workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }],
 *     keys: [{ name: 'ci', permittedWorkflows: ['Get Customer'] }, { name: 'old', enabled: false }],
 *     strangers: ['intruder'],             // certificates that no key in the manifest has
 *   });
 *   const emu = await startEmulator({ workspace: fx.dir });
 *   curl --cacert emu.caPath --cert fx.keys.ci.certificate --key fx.keys.ci.privateKey …
 *   fx.cleanup();
 *
 * Client certificates come from the real `openssl` CLI (independent of our certificates
 * module) in a fresh temp dir; thumbprints are computed with Node's X509Certificate.
 * Everything is generated at run time: no key material is committed.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator';

export interface FixtureKey {
  name: string;
  /** Default true. */
  enabled?: boolean;
  /** Target Site Environment (omit = Production). */
  environment?: string;
  /** Default: every workflow of the fixture. */
  permittedWorkflows?: string[];
  /**
   * How the manifest refers to the certificate:
   * 'pem' (default) certs/NAME.crt + certs/NAME.key; 'der' certs/NAME.cer + key;
   * 'thumbprint' only the thumbprint (files exist but are not named in the manifest).
   */
  form?: 'pem' | 'der' | 'thumbprint';
  /** Write this thumbprint into the manifest instead of the real one. */
  thumbprint?: string;
  /** Default 'ec' (P-256, fast); 'rsa' = RSA 2048. */
  keyType?: 'ec' | 'rsa';
}

export interface FixtureEnvironment {
  name: string;
  production?: boolean;
  baseUrl?: string;
  ca?: string;
  insecure?: boolean;
  tlsMaxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface FixtureWorkflow {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  response?: { status: number; headers?: Record<string, string>; body?: unknown };
}

export interface FixtureOptions {
  /** Production base URL; default https://acme.flowgear.net. */
  site?: string;
  ca?: string;
  environments?: FixtureEnvironment[];
  workflows?: FixtureWorkflow[];
  keys?: FixtureKey[];
  /** Names of extra client certificates NOT in the manifest (unknown-certificate cases). */
  strangers?: string[];
  /** Extra top-level manifest properties. */
  extra?: Record<string, unknown>;
}

export interface FixtureCertificate {
  /** Absolute paths. `certificate` is PEM (.crt) or DER (.cer) as the key's form says. */
  certificate: string;
  /** Always a PEM copy of the certificate, whatever the form (handy for clients). */
  certificatePem: string;
  privateKey: string;
  thumbprint: string;
}

export interface FixtureWorkspace {
  dir: string;
  manifestFile: string;
  /** The manifest object as written (relative paths). Edit it and call writeManifest(). */
  manifest: Record<string, unknown> & { keys: Record<string, unknown>[]; workflows: FixtureWorkflow[] };
  keys: Record<string, FixtureCertificate>;
  strangers: Record<string, FixtureCertificate>;
  /** Rewrites flowgear.json (after editing `manifest`, or with a replacement). */
  writeManifest(next?: Record<string, unknown>): void;
  cleanup(): void;
}

function openssl(args: string[]) {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A self-signed client certificate made by the openssl CLI (as Flowgear's help recipe does). */
export function makeClientCertificate(dir: string, name: string, keyType: 'ec' | 'rsa' = 'ec'): FixtureCertificate {
  mkdirSync(dir, { recursive: true });
  const certificate = join(dir, `${name}.crt`);
  const privateKey = join(dir, `${name}.key`);
  const newkey = keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  openssl(['req', '-x509', ...newkey, '-sha256', '-nodes', '-keyout', privateKey, '-out', certificate,
    '-subj', `/CN=${name}`, '-days', '30']);
  const thumbprint = new X509Certificate(readFileSync(certificate)).fingerprint.replace(/:/g, '');
  return { certificate, certificatePem: certificate, privateKey, thumbprint };
}

export function makeFixtureWorkspace(o: FixtureOptions = {}): FixtureWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'fg-fixture-'));
  const certs = join(dir, 'certs');
  // Key files are ignored before they exist, as the product does it.
  writeFileSync(join(dir, '.gitignore'), 'certs/*.key\n');
  const workflows = o.workflows ?? [];
  const keys: Record<string, FixtureCertificate> = {};
  const manifestKeys = (o.keys ?? []).map((k) => {
    const made = makeClientCertificate(certs, k.name, k.keyType);
    const entry: Record<string, unknown> = {
      name: k.name,
      enabled: k.enabled ?? true,
      ...(k.environment ? { environment: k.environment } : {}),
      permittedWorkflows: k.permittedWorkflows ?? workflows.map((w) => w.name),
    };
    const form = k.form ?? 'pem';
    if (form === 'der') {
      const der = join(certs, `${k.name}.cer`);
      writeFileSync(der, new X509Certificate(readFileSync(made.certificate)).raw);
      made.certificate = der;
    }
    if (form !== 'thumbprint') {
      entry.certificate = `certs/${k.name}.${form === 'der' ? 'cer' : 'crt'}`;
      entry.privateKey = `certs/${k.name}.key`;
    }
    entry.thumbprint = k.thumbprint ?? made.thumbprint;
    keys[k.name] = made;
    return entry;
  });
  const strangers: Record<string, FixtureCertificate> = {};
  for (const name of o.strangers ?? []) strangers[name] = makeClientCertificate(join(dir, 'strangers'), name);

  const manifest = {
    site: o.site ?? 'https://acme.flowgear.net',
    ...(o.ca ? { ca: o.ca } : {}),
    environments: o.environments ?? [{ name: 'Production', production: true }],
    workflows,
    keys: manifestKeys,
    ...(o.extra ?? {}),
  };
  const manifestFile = join(dir, 'flowgear.json');
  const fx: FixtureWorkspace = {
    dir,
    manifestFile,
    manifest,
    keys,
    strangers,
    writeManifest(next) {
      writeFileSync(manifestFile, JSON.stringify(next ?? fx.manifest, null, 2) + '\n');
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  fx.writeManifest();
  return fx;
}

/**
 * Starts the local emulator on the fixture and makes it the manifest's site (`site` = its URL,
 * `ca` = its CA), as a team trusts a private CA. `adjust` may edit the manifest before it is
 * written (e.g. an environment's baseUrl). Throws if the emulator rejects the manifest.
 */
export async function serveFixture(
  fx: FixtureWorkspace,
  options: Omit<EmulatorOptions, 'workspace'> = {},
  adjust?: (manifest: FixtureWorkspace['manifest'], emu: RunningEmulator) => void,
): Promise<RunningEmulator> {
  const emu = await startEmulator({ ...options, workspace: fx.dir });
  fx.manifest.site = emu.url;
  fx.manifest.ca = emu.caPath;
  adjust?.(fx.manifest, emu);
  fx.writeManifest();
  if (!(await emu.reload())) {
    await emu.close();
    throw new Error('the emulator did not accept the fixture manifest');
  }
  return emu;
}
