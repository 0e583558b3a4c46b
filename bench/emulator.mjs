// Emulator speed: start (cold = creates CA + server certificate, warm = reuses them) and
// invokes per second over one kept-alive mTLS connection vs a new TLS connection per invoke.
//   node bench/emulator.mjs [--runs 7] [--requests 300]
import { execFileSync } from 'node:child_process';
import { constants } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { Agent, request } from 'undici';

const root = resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 7);
const REQUESTS = arg('requests', 300);

const work = mkdtempSync(join(tmpdir(), 'fg-bench-emu-'));
const bundle = join(work, 'emulator.cjs');
await esbuild.build({ entryPoints: [join(root, 'src/emulator/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error', mainFields: ['module', 'main'] });
const { startEmulator } = createRequire(import.meta.url)(bundle);

// A workspace with one key, its certificate made by openssl.
const ws = join(work, 'ws');
execFileSync('mkdir', ['-p', join(ws, 'certs')]);
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(ws, 'certs/ci.key'),
  '-out', join(ws, 'certs/ci.crt'), '-subj', '/CN=ci', '-days', '30'], { stdio: 'ignore' });
writeFileSync(join(ws, 'flowgear.json'), JSON.stringify({
  site: 'https://acme.flowgear.net',
  workflows: [{ name: 'Get Customer', method: 'GET', path: '/customers/{id}' }],
  keys: [{ name: 'ci', enabled: true, certificate: 'certs/ci.crt', privateKey: 'certs/ci.key', permittedWorkflows: ['Get Customer'] }],
}));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const r1 = (x) => Math.round(x * 10) / 10;

async function timedStart(cold) {
  if (cold) rmSync(join(ws, '.flowgear'), { recursive: true, force: true });
  const t = performance.now();
  const emu = await startEmulator({ workspace: ws });
  const ms = performance.now() - t;
  await emu.close();
  return ms;
}
const cold = [];
const warm = [];
for (let i = 0; i < RUNS; i++) {
  cold.push(await timedStart(true));
  warm.push(await timedStart(false));
}

const emu = await startEmulator({ workspace: ws });
const tls = { ca: readFileSync(emu.caPath), cert: readFileSync(join(ws, 'certs/ci.crt')), key: readFileSync(join(ws, 'certs/ci.key')) };

async function invokes(makeAgent) {
  const lat = [];
  let agent = makeAgent();
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    const r = await request(`${emu.url}/customers/${i}`, { dispatcher: agent });
    await r.body.text();
    if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
    lat.push(performance.now() - t);
    if (makeAgent.fresh) {
      await agent.close();
      agent = makeAgent();
    }
  }
  await agent.close();
  const secs = (performance.now() - t0) / 1000;
  return { perSecond: Math.round(REQUESTS / secs), p50: r1(pct(lat, 50)), p90: r1(pct(lat, 90)) };
}
const keepAlive = () => new Agent({ connections: 1, connect: tls });
const fresh = Object.assign(() => new Agent({ connections: 1, connect: { ...tls, secureOptions: constants.SSL_OP_NO_TICKET } }), { fresh: true });
const ka = await invokes(keepAlive);
const nc = await invokes(fresh);
await emu.close();
rmSync(work, { recursive: true, force: true });

const result = {
  startColdMs: r1(median(cold)),
  startWarmMs: r1(median(warm)),
  keepAlive: ka,
  newConnectionEach: nc,
  runs: RUNS,
  requests: REQUESTS,
};
console.log(`emulator start: cold (new CA + server cert) ${result.startColdMs} ms, warm ${result.startWarmMs} ms (median of ${RUNS})`);
console.log(`invokes, one kept-alive mTLS connection: ${ka.perSecond}/s, p50 ${ka.p50} ms, p90 ${ka.p90} ms (${REQUESTS} sequential)`);
console.log(`invokes, new TLS handshake each (no resumption): ${nc.perSecond}/s, p50 ${nc.p50} ms, p90 ${nc.p90} ms`);
console.log(JSON.stringify(result));
