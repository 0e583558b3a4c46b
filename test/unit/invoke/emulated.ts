import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { RunningEmulator } from '../../../src/emulator';
import { loadManifest } from '../../../src/core/manifest/load';
import type { Manifest } from '../../../src/core/manifest/types';
import { makeFixtureWorkspace, serveFixture, type FixtureWorkspace } from '../helpers/fixture';

export const PASSPHRASE = 'fixture-pass';

/** A fixture workspace whose flowgear.json points at a running local emulator (site, ca, a baseUrl env). */
export interface Emulated {
  fx: FixtureWorkspace;
  emu: RunningEmulator;
  manifest(): Promise<Manifest>;
  close(): Promise<void>;
}

export async function emulated(mode: 'handshake' | 'renegotiate'): Promise<Emulated> {
  const fx = makeFixtureWorkspace({
    environments: [{ name: 'Production', production: true }, { name: 'Test' }, { name: 'QA' }],
    workflows: [
      { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
      { name: 'Report', method: 'GET', path: '/reports/revenue?name={name}' },
      { name: 'Create Order', method: 'POST', path: '/orders', headers: { 'Content-Type': 'application/json' } },
    ],
    keys: [
      { name: 'prod', permittedWorkflows: ['Get Customer', 'Create Order', 'Report'] },
      { name: 'ci-test', environment: 'Test', permittedWorkflows: ['Get Customer', 'Report'] },
      { name: 'qa', environment: 'QA', permittedWorkflows: ['Get Customer'] },
      { name: 'off', enabled: false, permittedWorkflows: ['Get Customer'] },
      { name: 'pfxkey', form: 'thumbprint', permittedWorkflows: ['Get Customer'] },
      { name: 'enckey', permittedWorkflows: ['Get Customer'] },
    ],
  });
  // A PFX key (the manifest names the .pfx and the console thumbprint) and an encrypted PEM key,
  // both protected with PASSPHRASE, made by the openssl CLI.
  const certs = join(fx.dir, 'certs');
  execFileSync('openssl', ['pkcs12', '-export', '-in', fx.keys.pfxkey.certificate, '-inkey', fx.keys.pfxkey.privateKey, '-passout', `pass:${PASSPHRASE}`, '-out', join(certs, 'pfxkey.pfx')]);
  execFileSync('openssl', ['pkey', '-in', fx.keys.enckey.privateKey, '-aes256', '-passout', `pass:${PASSPHRASE}`, '-out', join(certs, 'enckey.enc.key')]);
  const entry = (name: string) => fx.manifest.keys.find((k) => k.name === name)!;
  entry('pfxkey').pfx = 'certs/pfxkey.pfx';
  entry('enckey').privateKey = 'certs/enckey.enc.key';
  // QA has its own hostname: the emulator tells it apart by the Host header.
  const emu = await serveFixture(fx, { certRequest: mode }, (m, e) => {
    (m.environments as Record<string, unknown>[])[2].baseUrl = e.url.replace('127.0.0.1', 'localhost');
  });
  return {
    fx,
    emu,
    async manifest() {
      const r = await loadManifest(fx.manifestFile);
      if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
      return r.manifest;
    },
    async close() {
      await emu.close();
      fx.cleanup();
    },
  };
}
