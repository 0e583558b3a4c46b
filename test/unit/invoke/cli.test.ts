import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { memoryIo } from '../helpers/io';
import { emulated, type Emulated } from './emulated';
import { makePki, type Pki } from './pki';
import { closedPort, startTlsServer, thumbprintOfFile } from './servers';

const noStack = (s: string) => assert.doesNotMatch(s, /\bat .*:\d+:\d+/);

describe('invoke: CLI flowgear-mtls invoke', () => {
  let e: Emulated;
  let pki: Pki;
  before(async () => {
    e = await emulated('renegotiate');
    pki = makePki();
  });
  after(async () => {
    await e.close();
    pki.cleanup();
  });
  const ws = () => ['--workspace', e.fx.dir];

  it('2xx → exit 0; --json prints { url, status, headers, body, timings, protocol }', async () => {
    const io = memoryIo();
    const code = await main(['invoke', 'Get Customer', '--key', 'ci-test', '--var', 'id=42', '--json', ...ws()], io);
    assert.equal(code, 0, io.stderr);
    const doc = JSON.parse(io.stdout);
    assert.equal(doc.status, 200);
    assert.match(doc.url, /\/customers\/42\?_profile=Test$/);
    assert.equal(JSON.parse(doc.body).FgUsername, 'Key: ci-test');
    assert.equal(doc.protocol, 'TLSv1.2');
    for (const t of ['dns', 'tcp', 'tls', 'ttfb', 'download', 'total']) assert.equal(typeof doc.timings[t], 'number');
    assert.match(doc.headers['content-type'], /json/);
  });

  it('without --json: body on stdout, status line on stderr', async () => {
    const io = memoryIo();
    assert.equal(await main(['invoke', 'Get Customer', '--key', 'prod', '--var', 'id=1', ...ws()], io), 0);
    assert.equal(JSON.parse(io.stdout).FgUsername, 'Key: prod');
    assert.match(io.stderr, /^200 .*GET https:\/\/127\.0\.0\.1:\d+\/customers\/1 +\(key prod, Production, TLSv1\.2/);
  });

  it('404 → exit 3 with the likely causes', async () => {
    const io = memoryIo();
    assert.equal(await main(['invoke', 'Get Customer', '--key', 'off', '--var', 'id=1', ...ws()], io), 3);
    assert.match(io.stderr, /Likely causes[\s\S]*Key 'off' is disabled in flowgear\.json/);
    const j = memoryIo();
    assert.equal(await main(['invoke', 'Get Customer', '--key', 'off', '--var', 'id=1', '--json', ...ws()], j), 3);
    assert.equal(JSON.parse(j.stdout).explanation[0].code, 'key-disabled');
  });

  it('--data @file and --header reach the workflow', async () => {
    const file = join(e.fx.dir, 'order.json');
    writeFileSync(file, '{"qty":5}');
    const io = memoryIo({}, e.fx.dir);
    assert.equal(await main(['invoke', 'Create Order', '--key', 'prod', '--data', '@order.json', '--header', 'X-Trace: abc', '--json'], io), 0, io.stderr);
    assert.equal(JSON.parse(JSON.parse(io.stdout).body).body, '{"qty":5}');
  });

  it('--repeat N reuses one connection and prints latency stats', async () => {
    const io = memoryIo();
    assert.equal(await main(['invoke', 'Get Customer', '--key', 'prod', '--var', 'id=1', '--repeat', '20', '--json', ...ws()], io), 0);
    const doc = JSON.parse(io.stdout);
    assert.equal(doc.runs, 20);
    assert.deepEqual(doc.statuses, { 200: 20 });
    const l = doc.latencyMs;
    assert.ok(l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.max, JSON.stringify(l));
  });

  it('usage errors → exit 2, one line', async () => {
    for (const argv of [
      ['invoke', 'Get Customer', ...ws()],
      ['invoke', '--key', 'prod', ...ws()],
      ['invoke', 'Get Customer', '--key', 'prod', '--repeat', 'x', ...ws()],
      ['invoke', 'Get Customer', '--key', 'prod', '--bogus', ...ws()],
      ['invoke', 'Get Customer', '--key', 'prod', '--passphrase-env', 'FG_NOPE_UNSET', ...ws()],
    ]) {
      const io = memoryIo();
      assert.equal(await main(argv, io), 2, `${argv.join(' ')} → ${io.stderr}`);
      assert.equal(io.stderr.trim().split('\n').length, 1, io.stderr);
    }
  });

  it('failures → exit 1 with one clear line: missing variable, refused port (unknown names are usage: exit-codes.test)', async () => {
    const cases: [string[], RegExp][] = [
      [['invoke', 'Get Customer', '--key', 'prod', ...ws()], /missing value for \{id\}.*--var id=/],
      [['invoke', '--url', `https://127.0.0.1:${await closedPort()}/x`, '--cert', pki.clientCert, '--key', pki.clientKey], /connection refused/],
    ];
    for (const [argv, re] of cases) {
      const io = memoryIo();
      assert.equal(await main(argv, io), 1, io.stderr);
      assert.match(io.stderr, re);
      assert.equal(io.stderr.trim().split('\n').length, 1);
      noStack(io.stderr);
    }
  });

  it('--timeout MS ends a call to a server that never answers, exit 1 with one line', async () => {
    const srv = await startTlsServer(pki, 'handshake', () => undefined);
    try {
      const io = memoryIo();
      const t0 = Date.now();
      const code = await main(['invoke', '--url', `${srv.url}/slow`, '--cert', pki.clientCert, '--key', pki.clientKey, '--ca', pki.caCert, '--timeout', '500'], io);
      assert.equal(code, 1);
      assert.ok(Date.now() - t0 < 3000, `ended after ${Date.now() - t0} ms`);
      assert.match(io.stderr, /took too long|did not complete the invoke within 500 ms/);
      assert.equal(io.stderr.trim().split('\n').length, 1);
    } finally {
      await srv.close();
    }
  });

  it('ad hoc --url --cert --key with an encrypted key, passphrase from --passphrase-env', async () => {
    const srv = await startTlsServer(pki, 'renegotiate');
    try {
      const argv = ['invoke', '--url', `${srv.url}/anything?x=1`, '--cert', pki.clientCert, '--key', pki.clientKeyEncrypted, '--ca', pki.caCert, '--json'];
      const missing = memoryIo();
      assert.equal(await main(argv, missing), 1);
      assert.match(missing.stderr, /encrypted and needs a passphrase/);
      const io = memoryIo({ FG_PASS: pki.passphrase });
      assert.equal(await main([...argv, '--passphrase-env', 'FG_PASS'], io), 0, io.stderr);
      assert.equal(JSON.parse(JSON.parse(io.stdout).body).thumbprint, thumbprintOfFile(pki.clientCert));
      assert.ok(!io.stdout.includes(pki.passphrase) && !io.stderr.includes(pki.passphrase));
    } finally {
      await srv.close();
    }
  });

  it('the bundled bin as a real process: exit 0 and the emulator key in the body', async () => {
    const cli = join(process.cwd(), 'dist', 'cli.js');
    const child = spawn(process.execPath, [cli, 'invoke', 'Get Customer', '--key', 'prod', '--var', 'id=3', '--workspace', e.fx.dir]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, err);
    assert.equal(JSON.parse(out).FgUsername, 'Key: prod');
  });
});
