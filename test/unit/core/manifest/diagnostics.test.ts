import * as assert from 'node:assert/strict';
import { copyFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifest } from '../../../../src/core/manifest/diagnostics';
import type { Problem } from '../../../../src/core/manifest/types';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../../helpers/fixture';

/** Real openssl-made certificates in a temp workspace; each case edits flowgear.json. */
describe('manifest diagnostics', () => {
  let fx: FixtureWorkspace;
  const base = () => JSON.parse(JSON.stringify(fx.manifest)) as FixtureWorkspace['manifest'];
  // The fixture's certificates live 30 days: warn only in the last week unless a test says otherwise.
  const check = async (m: unknown, opts = {}) => {
    const text = JSON.stringify(m, null, 2);
    return checkManifest(text, fx.manifestFile, { expiryWarningDays: 7, ...opts });
  };
  const only = (ps: Problem[], code: string) => ps.filter((p) => p.code === code);

  before(() => {
    fx = makeFixtureWorkspace({
      environments: [{ name: 'Production', production: true }, { name: 'Test' }],
      workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }],
      keys: [{ name: 'ci', environment: 'Test' }, { name: 'other' }],
    });
  });
  after(() => fx.cleanup());

  it('a healthy workspace has no problems', async () => {
    assert.deepEqual(await check(fx.manifest), []);
  });

  it('missing certificate and private key files are errors on their values', async () => {
    const m = base();
    m.keys[0].certificate = 'certs/gone.crt';
    m.keys[0].privateKey = 'certs/gone.key';
    const ps = only(await check(m), 'file-missing');
    assert.equal(ps.length, 2);
    assert.ok(ps.every((p) => p.severity === 'error' && p.data?.keyName === 'ci'));
    assert.deepEqual(ps.map((p) => p.data?.property).sort(), ['certificate', 'privateKey']);
  });

  it('a private key that is not the certificate\'s is an error', async () => {
    const m = base();
    m.keys[0].privateKey = 'certs/other.key';
    const ps = await check(m);
    assert.deepEqual(ps.map((p) => p.code), ['key-mismatch']);
    assert.match(ps[0].message, /does not belong/);
  });

  it('a thumbprint that differs from the file is an error carrying the real one', async () => {
    const m = base();
    m.keys[0].thumbprint = '0'.repeat(40);
    const [p] = only(await check(m), 'thumbprint-mismatch');
    assert.equal(p.severity, 'error');
    assert.equal(p.data?.thumbprint, fx.keys.ci.thumbprint);
  });

  it('an expired certificate is an error (was a warning, issue 18), an expiring one a warning (clock moved, real 30-day certs)', async () => {
    const later = new Date(Date.now() + 40 * 86_400_000);
    const expired = only(await check(fx.manifest, { now: later }), 'certificate-expired');
    assert.equal(expired.length, 2);
    assert.ok(expired.every((p) => p.severity === 'error'));
    const soon = new Date(Date.now() + 25 * 86_400_000);
    const expiring = only(await check(fx.manifest, { now: soon, expiryWarningDays: 10 }), 'certificate-expiring');
    assert.equal(expiring.length, 2);
    assert.equal(only(await check(fx.manifest, { expiryWarningDays: 10 }), 'certificate-expiring').length, 0);
  });

  it('undeclared environment, unknown workflow (errors), no permitted workflows (warning)', async () => {
    const m = base();
    m.keys[0].environment = 'Staging';
    m.keys[0].permittedWorkflows = ['Get Customer', 'Nope'];
    m.keys[1].permittedWorkflows = [];
    const ps = await check(m);
    assert.deepEqual(ps.map((p) => [p.code, p.severity]), [
      ['undeclared-environment', 'error'],
      ['unknown-workflow', 'error'],
      ['no-permitted-workflows', 'warning'],
    ]);
  });

  it('duplicate key names are errors', async () => {
    const m = base();
    m.keys[1].name = 'CI';
    assert.equal(only(await check(m), 'duplicate-key').length, 1);
  });

  it('a private key or PFX not ignored by git is an error with the pattern to add', async () => {
    const m = base();
    copyFileSync(fx.keys.ci.privateKey, join(fx.dir, 'ci-copy.key'));
    m.keys[0].privateKey = 'ci-copy.key';
    m.keys[1].privateKey = undefined;
    m.keys[1].certificate = undefined;
    m.keys[1].pfx = 'certs/other.pfx';
    const ps = only(await check(m), 'not-gitignored');
    assert.deepEqual(ps.map((p) => p.data?.pattern).sort(), ['/certs/other.pfx', '/ci-copy.key']);
    assert.ok(ps.every((p) => p.severity === 'error'));
    writeFileSync(join(fx.dir, '.gitignore'), readFileSync(join(fx.dir, '.gitignore'), 'utf8') + '*.key\n*.pfx\n');
    assert.equal(only(await check(m), 'not-gitignored').length, 0);
    unlinkSync(join(fx.dir, 'ci-copy.key'));
  });

  it('a certificate file that is not a certificate is an error, not a crash', async () => {
    const m = base();
    m.keys[0].certificate = 'certs/ci.key';
    const ps = await check(m);
    assert.deepEqual(ps.map((p) => p.code), ['certificate-unreadable']);
    assert.match(ps[0].message, /private key, not a certificate/);
  });

  it('ambiguous routes and invalid JSON come through as well', async () => {
    const m = base();
    m.workflows.push({ name: 'Any', method: 'GET', path: '/{object}/{id}' });
    assert.equal(only(await check(m), 'ambiguous-route').length, 2);
    const broken = await checkManifest('{ "site": ', fx.manifestFile);
    assert.equal(broken[0].code, 'json-syntax');
  });
});
