import * as assert from 'node:assert/strict';
import { constants, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { RunningEmulator } from '../../../src/emulator';
import type { FixtureWorkspace } from '../helpers/fixture';
import { curlCert } from './clients';
import { standardFixture, withLog } from './shared';

/** Resolves when the server closes the socket, with whatever it sent before closing. */
function closed(s: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => resolve(got));
  });
}

describe('emulator robustness', () => {
  let fx: FixtureWorkspace;
  let emu: RunningEmulator;
  let lines: string[];
  before(async () => {
    fx = standardFixture();
    ({ emu, lines } = await withLog({ workspace: fx.dir, bodyLimit: 1024, headersTimeoutMs: 600 }));
  });
  after(async () => {
    await emu?.close();
    fx?.cleanup();
  });
  const good = () => curlCert(`${emu.url}/customers/1`, emu.caPath, fx.keys.ci);
  const tlsOptions = () => ({
    host: '127.0.0.1', port: emu.port, servername: 'localhost', ca: readFileSync(emu.caPath),
    cert: readFileSync(fx.keys.ci.certificatePem), key: readFileSync(fx.keys.ci.privateKey),
  });

  it('a client that hangs up mid-handshake does not disturb others', async () => {
    const s = net.connect(emu.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    // The first bytes of a TLS record header for a ClientHello, then gone.
    s.end(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]));
    await closed(s);
    assert.equal((await good()).status, 200);
  });

  it('garbage bytes: the connection is dropped with a log line; others are still served', async () => {
    const s = net.connect(emu.port, '127.0.0.1');
    const done = closed(s);
    s.write(randomBytes(2048));
    s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await done;
    assert.ok(lines.some((l) => /TLS handshake with 127\.0\.0\.1:\d+ failed/.test(l)), lines.join('\n'));
    assert.equal((await good()).status, 200);
  });

  it('a client that never finishes its headers is closed after the header timeout; others are served meanwhile', async () => {
    const slow = tls.connect(tlsOptions());
    await new Promise((r) => slow.once('secureConnect', r));
    const done = closed(slow);
    slow.write('GET /customers/1 HTTP/1.1\r\nHost: localhost\r\nX-Half: ');
    assert.equal((await good()).status, 200, 'served while the slow client hangs');
    const started = Date.now();
    const reply = await done;
    assert.match(reply, /^HTTP\/1\.1 408/);
    assert.ok(Date.now() - started < 5000);
    assert.ok(lines.some((l) => /did not send complete headers within 600 ms/.test(l)));
  });

  it('a TCP client that never starts TLS is closed by the handshake timeout', async () => {
    const s = net.connect(emu.port, '127.0.0.1');
    const started = Date.now();
    await closed(s);
    assert.ok(Date.now() - started < 5000);
  });

  it('413 for a declared body over the limit, and for a chunked one that grows over it', async () => {
    const declared = await curlCert(`${emu.url}/orders`, emu.caPath, fx.keys.ci, ['-X', 'POST', '--data-binary', 'x'.repeat(2000)]);
    assert.equal(declared.status, 413);
    assert.equal(typeof JSON.parse(declared.body).Message, 'string');
    const chunked = await curlCert(`${emu.url}/orders`, emu.caPath, fx.keys.ci,
      ['-X', 'POST', '-H', 'Transfer-Encoding: chunked', '--data-binary', 'y'.repeat(5000)]);
    assert.equal(chunked.status, 413);
    const fits = await curlCert(`${emu.url}/orders`, emu.caPath, fx.keys.ci, ['-X', 'POST', '--data-binary', 'z'.repeat(1000)]);
    assert.equal(fits.status, 200);
    assert.equal(JSON.parse(fits.body).bodyBytes, 1000);
  });

  it('keep-alive: two requests share one TLS connection', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ...tlsOptions(), secureOptions: constants.SSL_OP_NO_TICKET });
    const get = (path: string) => new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const req = https.get(`${emu.url}${path}`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
      });
      req.on('error', reject);
    });
    try {
      const a = await get('/customers/1');
      const b = await get('/customers/2');
      assert.deepEqual([a.status, b.status], [200, 200]);
      assert.equal(a.reused, false);
      assert.equal(b.reused, true);
    } finally {
      agent.destroy();
    }
  });
});

describe('emulator stop', () => {
  it('close() ends within the grace period even with a hanging client, then refuses connections', async () => {
    const fx = standardFixture();
    try {
      const { emu } = await withLog({ workspace: fx.dir });
      const hang = tls.connect({ host: '127.0.0.1', port: emu.port, ca: readFileSync(emu.caPath), servername: 'localhost',
        cert: readFileSync(fx.keys.ci.certificatePem), key: readFileSync(fx.keys.ci.privateKey) });
      await new Promise((r) => hang.once('secureConnect', r));
      hang.write('GET /customers/1 HTTP/1.1\r\nHost: localhost\r\n');
      const hangClosed = closed(hang);
      const started = Date.now();
      await emu.close();
      assert.ok(Date.now() - started < 3000, `close took ${Date.now() - started} ms`);
      await hangClosed;
      const refused = await new Promise<string>((resolve) => {
        const s = net.connect(emu.port, '127.0.0.1');
        s.on('connect', () => { s.destroy(); resolve('connected'); });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      assert.equal(refused, 'ECONNREFUSED');
    } finally {
      fx.cleanup();
    }
  });
});
