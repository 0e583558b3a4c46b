import type { Manifest } from '../../../src/core/manifest/types';
import type { Pki } from './pki';

/** A hand-built manifest model (what the loader returns) pointing at a test server and PKI. */
export function testManifest(site: string, pki: Pki, extra: Partial<Manifest> = {}): Manifest {
  return {
    file: `${pki.dir}/flowgear.json`,
    root: pki.dir,
    site,
    ca: pki.caCert,
    environments: [
      { name: 'Production', production: true },
      { name: 'Test', production: false },
      { name: 'QA', production: false, baseUrl: `${site}/qa-host` },
    ],
    workflows: [
      { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
      { name: 'Report', method: 'GET', path: '/reports/revenue?name={name}&format=json' },
      { name: 'Create Order', method: 'POST', path: '/orders', headers: { 'Content-Type': 'application/json' } },
    ],
    keys: [
      { name: 'ci-test', enabled: true, environment: 'Test', certificate: pki.clientCert, privateKey: pki.clientKey, permittedWorkflows: ['Get Customer', 'Report'] },
      { name: 'prod', enabled: true, certificate: pki.clientCert, privateKey: pki.clientKey, permittedWorkflows: ['Get Customer', 'Create Order'] },
      { name: 'enc', enabled: true, certificate: pki.clientCert, privateKey: pki.clientKeyEncrypted, permittedWorkflows: ['Get Customer'] },
      { name: 'pfx', enabled: true, pfx: pki.clientPfx, permittedWorkflows: ['Get Customer'] },
      { name: 'off', enabled: false, certificate: pki.clientCert, privateKey: pki.clientKey, permittedWorkflows: ['Get Customer'] },
    ],
    ...extra,
  };
}
