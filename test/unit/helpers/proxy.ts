import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real forward proxy (Debian's tinyproxy) on loopback, for proxy tests. */
export interface TestProxy {
  url: string;
  port: number;
  /** tinyproxy's log so far (CONNECT lines, requests it saw in clear). */
  log(): string;
  close(): Promise<void>;
}

export function haveTinyproxy(): boolean {
  return spawnSync('sh', ['-c', 'command -v tinyproxy'], { stdio: 'ignore' }).status === 0;
}

/** Skips (locally) or fails (CI=true) when tinyproxy is missing, like the other runtime checks. */
export function requireTinyproxy(ctx: Mocha.Context): void {
  if (haveTinyproxy()) return;
  if (process.env.CI === 'true') throw new Error('tinyproxy is missing: apt-get install tinyproxy (.ci/run installs it)');
  console.log('      (skipped: tinyproxy is not installed — apt-get install tinyproxy)');
  ctx.skip();
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as import('node:net').AddressInfo;
      s.close(() => res(port));
    });
  });
}

export async function startProxy(o: { auth?: { user: string; pass: string }; connectPorts?: number[] } = {}): Promise<TestProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-proxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  const conf = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 50',
    'Allow 127.0.0.1',
    ...(o.auth ? [`BasicAuth ${o.auth.user} ${o.auth.pass}`] : []),
    ...(o.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
  ].join('\n');
  writeFileSync(join(dir, 'tinyproxy.conf'), conf + '\n');
  writeFileSync(logFile, '');
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
  // Ready when it accepts a TCP connection.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = require('node:net').connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => res(false));
    });
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`tinyproxy did not start: ${readFileSync(logFile, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log: () => readFileSync(logFile, 'utf8'),
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
