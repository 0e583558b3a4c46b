import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { UserError } from '../../../src/core/errors';
import { Invoker } from '../../../src/core/invoke/invoker';
import { resolveRequest } from '../../../src/core/invoke/resolve';
import type { Manifest } from '../../../src/core/manifest/types';
import { emulated, type Emulated } from './emulated';

/**
 * Server verification against the system's trusted CAs: the emulator's CA is put in a temporary
 * trust bundle that the runtime reads (SSL_CERT_FILE, or NODE_EXTRA_CA_CERTS), never in the
 * machine's real store; the manifest has no "ca".
 */
describe('invoke: server certificates trusted through the system store', () => {
  let e: Emulated;
  let dir: string;
  let bundle: string;
  let manifest: Manifest;
  before(async () => {
    e = await emulated('handshake');
    dir = mkdtempSync(join(tmpdir(), 'fg-trust-'));
    bundle = join(dir, 'ca-bundle.crt');
    // A system bundle: some public roots plus the company CA (here the emulator's).
    writeFileSync(bundle, tls.rootCertificates.slice(0, 3).join('\n') + '\n' + readFileSync(e.emu.caPath, 'utf8'));
    const m = await e.manifest();
    manifest = { ...m, ca: undefined, environments: m.environments.map((env) => ({ ...env, ca: undefined })) };
  });
  after(async () => {
    await e?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const req = () => resolveRequest(manifest, { workflow: 'Get Customer', key: 'prod', vars: { id: '3' } });

  it('a CA in the system bundle (SSL_CERT_FILE) verifies the server; the result says which source did', async () => {
    assert.equal(req().ca, undefined, 'no "ca" from the manifest');
    const inv = new Invoker();
    try {
      const r = await inv.invoke(req(), { network: { env: { SSL_CERT_FILE: bundle } } });
      assert.equal(r.status, 200);
      assert.equal(r.serverTrust, "verified by the operating system's trusted CAs");
    } finally {
      await inv.dispose();
    }
  });

  it('with system certificates off, the same server is not trusted', async () => {
    const inv = new Invoker();
    try {
      await assert.rejects(inv.invoke(req(), { network: { env: { SSL_CERT_FILE: bundle }, systemCertificates: false } }), (err: unknown) => err instanceof UserError && err.code === 'untrusted-server-cert');
    } finally {
      await inv.dispose();
    }
  });

  it('the manifest\'s "ca" is named as the source when it verified the server', async () => {
    const inv = new Invoker();
    try {
      const r = await inv.invoke(resolveRequest(await e.manifest(), { workflow: 'Get Customer', key: 'prod', vars: { id: '3' } }), { network: { env: {} } });
      assert.equal(r.status, 200);
      assert.match(r.serverTrust ?? '', /the "ca" file in flowgear.json/);
    } finally {
      await inv.dispose();
    }
  });

  it('NODE_EXTRA_CA_CERTS is honoured even though the connection passes its own CAs', async () => {
    const inv = new Invoker();
    try {
      const r = await inv.invoke(req(), { network: { env: { NODE_EXTRA_CA_CERTS: e.emu.caPath }, systemCertificates: false } });
      assert.equal(r.status, 200);
      assert.match(r.serverTrust ?? '', /NODE_EXTRA_CA_CERTS/);
    } finally {
      await inv.dispose();
    }
  });
});
