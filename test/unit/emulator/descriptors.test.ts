import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { FixtureWorkspace } from '../helpers/fixture';
import { curlCert } from './clients';
import { standardFixture } from './shared';

const cli = join(process.cwd(), 'dist', 'cli.js');
const CAP = 20;

/** Open descriptors of a process (Linux). */
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(pid: number, atMost: number, ms = 5000): Promise<number> {
  const end = Date.now() + ms;
  let n = fds(pid);
  while (n > atMost && Date.now() < end) {
    await sleep(100);
    n = fds(pid);
  }
  return n;
}

describe('emulator: slow or hostile clients do not pin descriptors (a real emulator process)', function () {
  this.timeout(60_000);
  let fx: FixtureWorkspace;
  let child: ChildProcess;
  let port = 0;
  let ca = '';
  let out = '';
  const clients: net.Socket[] = [];

  before(async () => {
    fx = standardFixture();
    child = spawn(process.execPath, [cli, 'emulator', '--workspace', fx.dir, '--max-connections', String(CAP)], { env: { PATH: process.env.PATH } });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const end = Date.now() + 20_000;
    while (!/^CA certificate: .+$/m.test(out) && Date.now() < end) await sleep(50);
    port = Number(/listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    ca = /^CA certificate: (.+)$/m.exec(out)![1];
    assert.ok(port > 0, out);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  after(() => {
    child?.kill();
    fx?.cleanup();
  });

  it('a bad request from a client that never reads nor closes: the socket is destroyed after the reply', async () => {
    const base = fds(child.pid!);
    const n = 15;
    await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        s.pause(); // never reads, never ends
        s.write('NOT HTTP AT ALL\r\n\r\n', () => resolve());
      });
      s.on('error', reject);
      clients.push(s);
    })));
    // Before the fix each of these held a descriptor for ≥ 40 s (end() waited for the peer's FIN).
    const after = await settle(child.pid!, base + 2);
    assert.ok(after <= base + 2, `emulator holds ${after - base} extra descriptors for ${n} finished clients`);
  });

  it(`many slow clients (TCP, never start TLS): at most ${CAP} connections held; then it serves again`, async () => {
    const base = fds(child.pid!);
    for (let i = 0; i < 3 * CAP; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      clients.push(s);
    }
    await Promise.all(clients.map((s) => new Promise((r) => (s.connecting ? s.once('connect', r) : r(undefined)))));
    await sleep(500);
    const held = fds(child.pid!) - base;
    assert.ok(held <= CAP + 2, `emulator holds ${held} extra descriptors for ${3 * CAP} slow clients (cap ${CAP})`);
    assert.match(out, new RegExp(`refused a connection: ${CAP} connections are open`));
    for (const c of clients.splice(0)) c.destroy();
    await settle(child.pid!, base + 2);
    const r = await curlCert(`https://127.0.0.1:${port}/customers/1`, ca, fx.keys.ci);
    assert.equal(r.status, 200);
  });
});
