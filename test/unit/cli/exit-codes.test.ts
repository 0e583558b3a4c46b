import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EXIT } from '../../../src/cli/args';
import { main } from '../../../src/cli/main';
import { emulated, type Emulated } from '../invoke/emulated';
import { makePki, type Pki } from '../invoke/pki';
import { closedPort } from '../invoke/servers';
import { memoryIo } from '../helpers/io';

const cli = join(process.cwd(), 'dist', 'cli.js');
/** The bundled CLI as a real process (async: the emulator answering it runs in this process). */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const noStack = (s: string) => assert.doesNotMatch(s, /\bat .*:\d+:\d+/);

describe('cli: exit codes as README states them (issue 18)', () => {
  let e: Emulated;
  let pki: Pki;
  before(async () => {
    e = await emulated('handshake');
    pki = makePki();
  });
  after(async () => {
    await e.close();
    pki.cleanup();
  });
  const ws = () => ['--workspace', e.fx.dir];

  it("README's exit-code table is the one the CLI uses", () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = /\| exit \| meaning \|\n\|---\|---\|\n((?:\|.*\|\n)+)/.exec(readme);
    assert.ok(table, 'README has an "| exit | meaning |" table');
    const codes = table[1].trim().split('\n').map((row) => Number(row.split('|')[1].trim()));
    assert.deepEqual(codes, [EXIT.ok, EXIT.failure, EXIT.usage, EXIT.httpStatus]);
  });

  it('0: a 2xx invoke', async () => {
    const r = await run(['invoke', 'Get Customer', '--key', 'prod', '--var', 'id=1', ...ws()]);
    assert.equal(r.status, 0, r.stderr);
  });

  it('1: a failure that is not the user’s typing (nothing listening)', async () => {
    const r = await run(['invoke', '--url', `https://127.0.0.1:${await closedPort()}/x`, '--cert', pki.clientCert, '--key', pki.clientKey]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    noStack(r.stderr);
  });

  it('2: usage, including names flowgear.json does not declare (was 1 for --env Staging)', async () => {
    for (const [args, re] of [
      [['invoke', 'Get Customer', '--key', 'prod', '--var', 'id=1', '--env', 'Staging', ...ws()], /unknown environment 'Staging'/],
      [['invoke', 'Get Customer', '--key', 'nobody', '--var', 'id=1', ...ws()], /unknown key 'nobody'/],
      [['invoke', 'Get Nothing', '--key', 'prod', ...ws()], /unknown workflow 'Get Nothing'/],
      [['code', 'python', 'Get Customer', '--key', 'prod', '--env', 'Staging', '--var', 'id=1', ...ws()], /unknown environment 'Staging'/],
      [['invoke', 'Get Customer', '--bogus', ...ws()], /bogus/],
    ] as [string[], RegExp][]) {
      const r = await run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      noStack(r.stderr);
    }
  });

  it('3: an HTTP status other than 2xx', async () => {
    const r = await run(['invoke', 'Get Customer', '--key', 'off', '--var', 'id=1', ...ws()]);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /^404 /);
  });
});

describe('invoke: the TLS 1.3 cause needs evidence from the connection (issue 18)', () => {
  let pki: Pki;
  before(() => (pki = makePki()));
  after(() => pki.cleanup());

  async function server404(requestCert: boolean) {
    const s = https.createServer({ key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert), requestCert, rejectUnauthorized: false }, (_req, res) => {
      res.statusCode = 404;
      res.end('{"Message":"not found"}');
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { url: `https://127.0.0.1:${(s.address() as AddressInfo).port}/x`, close: () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }) };
  }

  for (const requestCert of [true, false]) {
    it(`TLS 1.3, certificate ${requestCert ? 'requested in the handshake → no TLS 1.3 line' : 'not requested → the TLS 1.3 line, after the ad-hoc causes'}`, async () => {
      const s = await server404(requestCert);
      try {
        const io = memoryIo();
        assert.equal(await main(['invoke', '--url', s.url, '--cert', pki.clientCert, '--key', pki.clientKey, '--ca', pki.caCert, '--json'], io), 3, io.stderr);
        const doc = JSON.parse(io.stdout);
        assert.equal(doc.protocol, 'TLSv1.3');
        const codes = doc.explanation.map((c: { code: string }) => c.code);
        assert.deepEqual(codes, requestCert ? ['not-uploaded-or-binding'] : ['not-uploaded-or-binding', 'tls13-post-handshake']);
        assert.match(doc.explanation[0].message, /--cert\/--pfx/);
      } finally {
        await s.close();
      }
    });
  }

  it('ad hoc --url errors point at --ca, not flowgear.json', async () => {
    const s = await server404(true);
    try {
      const io = memoryIo();
      assert.equal(await main(['invoke', '--url', s.url, '--cert', pki.clientCert, '--key', pki.clientKey], io), 1);
      assert.match(io.stderr, /not trusted.*--ca FILE/);
      assert.doesNotMatch(io.stderr, /flowgear\.json/);
    } finally {
      await s.close();
    }
  });
});
