import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../helpers/fixture';
import { memoryIo } from '../helpers/io';

const cli = join(process.cwd(), 'dist', 'cli.js');

describe('cli keys / workflows / check', () => {
  let fx: FixtureWorkspace;
  beforeEach(() => {
    fx = makeFixtureWorkspace({
      environments: [{ name: 'Production', production: true }, { name: 'Test' }],
      workflows: [
        { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
        { name: 'Report', method: 'GET', path: '/reports/revenue?name={name}' },
      ],
      keys: [{ name: 'ci', environment: 'Test', permittedWorkflows: ['Get Customer'] }, { name: 'ops', enabled: false }],
    });
  });
  afterEach(() => fx.cleanup());

  it('keys list --json: fields, state and the file thumbprint', async () => {
    const io = memoryIo({}, fx.dir);
    assert.equal(await main(['keys', 'list', '--json'], io), 0, io.stderr);
    const list = JSON.parse(io.stdout);
    assert.deepEqual(list.map((k: { name: string; state: string; environment: string }) => [k.name, k.state, k.environment]), [
      ['ci', 'enabled', 'Test'],
      ['ops', 'disabled', 'Production'],
    ]);
    assert.equal(list[0].thumbprint, fx.keys.ci.thumbprint);
    assert.equal(list[0].certificate, fx.keys.ci.certificate);
    assert.deepEqual(list[0].permittedWorkflows, ['Get Customer']);
    assert.match(list[0].notAfter, /^\d{4}-\d\d-\d\dT/);
  });

  it('keys list: a table; a missing certificate shows state missing', async () => {
    fx.manifest.keys[1].certificate = 'certs/gone.crt';
    fx.writeManifest();
    const io = memoryIo({}, '/');
    assert.equal(await main(['keys', 'list', '--workspace', fx.dir], io), 0, io.stderr);
    assert.match(io.stdout, /^NAME\s+STATE\s+ENVIRONMENT\s+THUMBPRINT/);
    assert.match(io.stdout, new RegExp(`ci\\s+enabled\\s+Test\\s+${fx.keys.ci.thumbprint}`));
    assert.match(io.stdout, /ops\s+missing\s+Production/);
  });

  it('workflows list --json: keys permitting each workflow and template variables', async () => {
    const io = memoryIo({}, fx.dir);
    assert.equal(await main(['workflows', 'list', '--json'], io), 0, io.stderr);
    assert.deepEqual(JSON.parse(io.stdout), [
      { name: 'Get Customer', method: 'GET', path: '/customers/{id}', variables: ['id'], keys: ['ci', 'ops'], ambiguousWith: [] },
      { name: 'Report', method: 'GET', path: '/reports/revenue?name={name}', variables: ['name'], keys: ['ops'], ambiguousWith: [] },
    ]);
  });

  it('check: clean workspace exits 0', async () => {
    const io = memoryIo({}, fx.dir);
    assert.equal(await main(['check', '--expiry-days', '7'], io), 0, io.stdout);
    assert.match(io.stdout, /no problems/);
  });

  it('check: warnings alone exit 0; errors exit 1 with file:line:col lines', async () => {
    fx.manifest.workflows.push({ name: 'Any', method: 'GET', path: '/{object}/{id}' });
    fx.writeManifest();
    const warn = memoryIo({}, fx.dir);
    assert.equal(await main(['check', '--expiry-days', '7'], warn), 0);
    assert.match(warn.stdout, /flowgear\.json:\d+:\d+: warning: .*409.*\[ambiguous-route\]/);
    fx.manifest.keys[0].environment = 'Staging';
    fx.writeManifest();
    const err = memoryIo({}, fx.dir);
    assert.equal(await main(['check', '--expiry-days', '7'], err), 1);
    assert.match(err.stdout, /flowgear\.json:\d+:\d+: error: Key 'ci' targets environment 'Staging'.*\[undeclared-environment\]/);
    assert.match(err.stdout, /1 error, 4 warnings/);
  });

  it('check (real process): invalid JSON → exit 1, problems on stdout, no stack', () => {
    writeFileSync(fx.manifestFile, '{ "site": "https://a.flowgear.net", }');
    const r = spawnSync(process.execPath, [cli, 'check', '--workspace', fx.dir], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /flowgear\.json:1:\d+: error: Invalid JSON/);
    assert.doesNotMatch(r.stdout + r.stderr, /\bat .*:\d+:\d+\)/);
  });

  it('no manifest / unusable manifest: one clear message, exit 1', async () => {
    const none = memoryIo({}, '/');
    assert.equal(await main(['keys', 'list', '--workspace', join(fx.dir, 'certs')], none), 1);
    assert.match(none.stderr, /no flowgear\.json in .*certs/);
    writeFileSync(fx.manifestFile, '{}');
    const bad = memoryIo({}, fx.dir);
    assert.equal(await main(['workflows', 'list'], bad), 1);
    assert.match(bad.stderr, /cannot be used:\nflowgear\.json:1:1: error: .*'site'/);
  });

  it('usage mistakes exit 2', async () => {
    const io = memoryIo({}, fx.dir);
    assert.equal(await main(['keys', 'frob'], io), 2);
    assert.equal(await main(['check', '--expiry-days', 'x'], io), 2);
  });
});
