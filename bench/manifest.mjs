// Manifest checks at scale: `flowgear-mtls check` and `keys list --json` on a workspace with
// N keys (openssl-made EC certificates, each read, thumbprinted and key-matched) and N
// REST-bound workflows (pairwise 409 route check), plus a large manifest parse in-process via
// the CLI's `workflows list`. Wall time of the whole process (incl. Node start-up), median of 5.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.env.BENCH_KEYS ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'fg-bench-manifest-'));
// A private copy of the CLI: in a shared tree another build may wipe dist/ mid-run.
const cli = join(dir, 'cli.js');
copyFileSync(join(import.meta.dirname, '..', 'dist', 'cli.js'), cli);
try {
  mkdirSync(join(dir, 'certs'));
  writeFileSync(join(dir, '.gitignore'), 'certs/*.key\n');
  const keys = [];
  const workflows = [];
  for (let i = 0; i < N; i++) {
    const crt = join(dir, 'certs', `k${i}.crt`);
    const key = join(dir, 'certs', `k${i}.key`);
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-subj', `/CN=k${i}`, '-days', '400'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const thumbprint = new X509Certificate(readFileSync(crt)).fingerprint.replace(/:/g, '');
    workflows.push({ name: `W${i}`, method: 'GET', path: `/objects${i}/{id}` });
    keys.push({ name: `k${i}`, certificate: `certs/k${i}.crt`, privateKey: `certs/k${i}.key`, thumbprint, permittedWorkflows: [`W${i}`] });
  }
  writeFileSync(join(dir, 'flowgear.json'), JSON.stringify({ site: 'https://acme.flowgear.net', workflows, keys }, null, 2));

  const time = (args) => {
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [cli, ...args, '--workspace', dir], { encoding: 'utf8' });
      runs.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
    }
    return runs.sort((a, b) => a - b)[2];
  };
  const version = (() => {
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      spawnSync(process.execPath, [cli, '--version']);
      runs.push(performance.now() - t);
    }
    return runs.sort((a, b) => a - b)[2];
  })();
  const check = time(['check']);
  const list = time(['keys', 'list', '--json']);
  const wfs = time(['workflows', 'list', '--json']);
  console.log(`manifest with ${N} keys + ${N} workflows (${(readFileSync(join(dir, 'flowgear.json')).length / 1024).toFixed(0)} KiB):`);
  console.log(`  flowgear-mtls --version (start-up only): ${version.toFixed(0)} ms`);
  console.log(`  flowgear-mtls check:                     ${check.toFixed(0)} ms  (${((check - version) / N).toFixed(2)} ms per key beyond start-up)`);
  console.log(`  flowgear-mtls keys list --json:          ${list.toFixed(0)} ms`);
  console.log(`  flowgear-mtls workflows list --json:     ${wfs.toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
