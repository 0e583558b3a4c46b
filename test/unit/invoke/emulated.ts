import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { loadManifest } from '../../../src/core/manifest/load';
import type { Manifest } from '../../../src/core/manifest/types';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../helpers/fixture';

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
    ],
  });
  const emu = await startEmulator({ workspace: fx.dir, certRequest: mode });
  fx.manifest.site = emu.url;
  fx.manifest.ca = emu.caPath;
  // QA has its own hostname: the emulator tells it apart by the Host header.
  (fx.manifest.environments as Record<string, unknown>[])[2].baseUrl = emu.url.replace('127.0.0.1', 'localhost');
  fx.writeManifest();
  if (!(await emu.reload())) throw new Error('emulator did not accept the fixture manifest');
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
