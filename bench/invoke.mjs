// Bench: 200 sequential invokes in ONE `flowgear-mtls invoke --repeat 200` process versus 200
// `curl --cert --key` processes, both against the local emulator (handshake mode) on this machine.
// Goal: the CLI's whole run ≤ 0.1 of curl's total time. Prints one JSON line; `node bench/invoke.mjs`
// after `node esbuild.mjs` (npm run bench does both).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const N = Number(process.env.BENCH_INVOKES ?? 200);
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'fg-bench-'));
// A private copy of the bundled CLI: in a shared tree another build may wipe dist/ mid-run.
const cli = join(dir, 'cli.js');
copyFileSync(join(root, 'dist', 'cli.js'), cli);
const certs = join(dir, 'certs');
mkdirSync(certs);
writeFileSync(join(dir, '.gitignore'), 'certs/*.key\n.flowgear/\n');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(certs, 'bench.key'),
  '-out', join(certs, 'bench.crt'), '-subj', '/CN=bench', '-days', '2'], { stdio: 'ignore' });
const thumbprint = new X509Certificate(readFileSync(join(certs, 'bench.crt'))).fingerprint.replace(/:/g, '');
const manifest = (site, ca) => JSON.stringify({
  site,
  ...(ca ? { ca } : {}),
  environments: [{ name: 'Production', production: true }],
  workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }],
  keys: [{ name: 'bench', enabled: true, certificate: 'certs/bench.crt', privateKey: 'certs/bench.key', thumbprint, permittedWorkflows: ['Get Customer'] }],
}, null, 2);
writeFileSync(join(dir, 'flowgear.json'), manifest('https://127.0.0.1'));

const emu = spawn(process.execPath, [cli, 'emulator', '--workspace', dir], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let log = '';
const { url, caPath } = await new Promise((res, rej) => {
  const onData = (d) => {
    log += d;
    const u = /listening on (https:\/\/\S+)/.exec(log);
    const ca = /(\/\S+\.(?:crt|pem))/.exec(log.split('\n').filter((l) => /CA|ca/.test(l)).join('\n'));
    if (u && ca) res({ url: u[1], caPath: ca[1] });
  };
  emu.stdout.on('data', onData);
  emu.stderr.on('data', onData);
  emu.on('exit', () => rej(new Error(`emulator exited:\n${log}`)));
  setTimeout(() => rej(new Error(`emulator did not start:\n${log}`)), 15_000);
});

function cleanup() {
  try { process.kill(-emu.pid, 'SIGTERM'); } catch { /* gone */ }
  rmSync(dir, { recursive: true, force: true });
}

try {
  writeFileSync(join(dir, 'flowgear.json'), manifest(url, caPath));
  const target = `${url}/customers/1`;
  const curlArgs = ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', caPath, '--cert', join(certs, 'bench.crt'), '--key', join(certs, 'bench.key'),
    '-H', 'X-Provide-Client-Certificate: Yes', target];
  // Warm-up (and check both clients are let in).
  const warm = spawnSync('curl', curlArgs, { encoding: 'utf8' }).stdout;
  if (warm !== '200') throw new Error(`curl warm-up answered ${warm}`);

  const curlMs = [];
  const c0 = performance.now();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const r = spawnSync('curl', curlArgs, { encoding: 'utf8' });
    if (r.stdout !== '200') throw new Error(`curl run ${i} answered ${r.stdout}`);
    curlMs.push(performance.now() - t);
  }
  const curlTotal = performance.now() - c0;

  const f0 = performance.now();
  const ours = spawnSync(process.execPath, [cli, 'invoke', 'Get Customer', '--key', 'bench', '--var', 'id=1', '--repeat', String(N), '--json', '--workspace', dir], { encoding: 'utf8' });
  const cliTotal = performance.now() - f0;
  if (ours.status !== 0) throw new Error(`flowgear-mtls invoke exited ${ours.status}: ${ours.stderr}`);
  const stats = JSON.parse(ours.stdout);

  // Process start-up alone (bundle load, no network): the fixed cost inside cliTotal.
  const s0 = performance.now();
  spawnSync(process.execPath, [cli, '--version']);
  const startupMs = performance.now() - s0;
  const [load1] = (await import('node:os')).loadavg();

  const sorted = [...curlMs].sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)];
  const round = (x) => Math.round(x * 100) / 100;
  const result = {
    bench: 'invoke',
    invokes: N,
    loadAverage1m: round(load1),
    cli: { totalMs: round(cliTotal), startupMs: round(startupMs), p50PerInvokeMs: stats.latencyMs.p50, latencyMs: stats.latencyMs, statuses: stats.statuses },
    curl: { totalMs: round(curlTotal), p50PerProcessMs: round(p50) },
    ratio: round(cliTotal / curlTotal),
    goal: 'ratio <= 0.1',
    met: cliTotal / curlTotal <= 0.1,
  };
  console.log(JSON.stringify(result));
} finally {
  cleanup();
}
