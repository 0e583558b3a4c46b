import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { makeClientCertificate } from '../helpers/fixture';
import { memoryIo } from '../helpers/io';
import { emulated, PASSPHRASE, type Emulated } from './emulated';

describe('invoke hardening (issue 11): passphraseEnv, dot segments, http://', function () {
  this.timeout(60_000);
  let e: Emulated;
  before(async () => {
    e = await emulated('handshake');
    for (const k of e.fx.manifest.keys) if (k.name === 'enckey' || k.name === 'pfxkey') k.passphraseEnv = 'FG_KEY_PASS';
    e.fx.writeManifest();
  });
  after(() => e.close());
  const ws = () => ['--workspace', e.fx.dir];

  for (const key of ['enckey', 'pfxkey']) {
    it(`the key's passphraseEnv from flowgear.json is used; a wrong one says "wrong passphrase" (${key})`, async () => {
      const ok = memoryIo({ FG_KEY_PASS: PASSPHRASE });
      assert.equal(await main(['invoke', 'Get Customer', '--key', key, '--var', 'id=1', ...ws()], ok), 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).FgUsername, `Key: ${key}`);

      const wrong = memoryIo({ FG_KEY_PASS: 'not-it' });
      assert.equal(await main(['invoke', 'Get Customer', '--key', key, '--var', 'id=1', ...ws()], wrong), 1);
      assert.match(wrong.stderr, /wrong passphrase/);
      assert.doesNotMatch(wrong.stderr, /needs a passphrase/);

      const unset = memoryIo({});
      assert.equal(await main(['invoke', 'Get Customer', '--key', key, '--var', 'id=1', ...ws()], unset), 1);
      assert.match(unset.stderr, /needs a passphrase \(set the environment variable FG_KEY_PASS\)/);
    });
  }

  it('--var id=.. or id=. is refused before any request (URL parsers would drop the segment and invoke /)', async () => {
    for (const v of ['..', '.']) {
      const io = memoryIo();
      assert.equal(await main(['invoke', 'Get Customer', '--key', 'prod', '--var', `id=${v}`, '--json', ...ws()], io), 1);
      assert.match(io.stderr, new RegExp(`'${v.replace(/\./g, '\\.')}' cannot be the value of \\{id\\}: as a path segment it would change the route`));
      assert.equal(io.stdout, '');
    }
    // Anything else is data, encoded into the one segment: %2E%2E stays literal.
    const io = memoryIo();
    assert.equal(await main(['invoke', 'Get Customer', '--key', 'prod', '--var', 'id=%2E%2E', '--json', ...ws()], io), 0, io.stderr);
    assert.match(JSON.parse(io.stdout).url, /\/customers\/%252E%252E$/);
  });
});

describe('http:// site or baseUrl: refused unless "insecure": true, then loud', function () {
  this.timeout(60_000);
  let dir: string;
  let server: Server;
  let hits = 0;
  let site: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-http-'));
    server = createServer((req, res) => {
      hits++;
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    makeClientCertificate(join(dir, 'certs'), 'k');
    writeFileSync(join(dir, '.gitignore'), '*.key\n');
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  function write(top: Record<string, unknown>) {
    writeFileSync(join(dir, 'flowgear.json'), JSON.stringify({
      workflows: [{ name: 'W', method: 'GET', path: '/w' }],
      keys: [{ name: 'k', certificate: 'certs/k.crt', privateKey: 'certs/k.key', permittedWorkflows: ['W'] }],
      ...top,
    }));
  }

  it('site http:// without insecure: check errors, invoke exits 1 and sends nothing', async () => {
    write({ site });
    const check = memoryIo();
    assert.equal(await main(['check', '--workspace', dir], check), 1);
    assert.match(check.stdout, /'site' in flowgear\.json is http:\/\/: invokes would go out in clear text/);
    const io = memoryIo();
    assert.equal(await main(['invoke', 'W', '--key', 'k', '--workspace', dir], io), 1);
    assert.match(io.stderr, /is not https:\/\/: the request would go out in clear text/);
    assert.equal(hits, 0, 'nothing was sent');
  });

  it('environment baseUrl http:// without insecure: refused the same way', async () => {
    write({ site: 'https://acme.flowgear.net', environments: [{ name: 'Production', production: true, baseUrl: site }] });
    const check = memoryIo();
    assert.equal(await main(['check', '--workspace', dir], check), 1);
    assert.match(check.stdout, /'baseUrl' in environment 'Production' is http:\/\//);
    const io = memoryIo();
    assert.equal(await main(['invoke', 'W', '--key', 'k', '--workspace', dir], io), 1);
    assert.equal(hits, 0);
  });

  it('with "insecure": true it goes, with a loud warning in check and invoke', async () => {
    write({ site, insecure: true });
    const check = memoryIo();
    await main(['check', '--workspace', dir], check);
    assert.match(check.stdout, /warning.*'site' in flowgear\.json is http:\/\/: invokes go out in clear text/);
    const io = memoryIo();
    assert.equal(await main(['invoke', 'W', '--key', 'k', '--workspace', dir], io), 0, io.stderr);
    assert.match(io.stderr, /warning: "insecure": true in flowgear\.json — this request goes out in CLEAR TEXT/);
    assert.equal(hits, 1);
  });
});
