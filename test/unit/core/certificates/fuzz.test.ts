/**
 * Seeded mutation fuzz of the certificate readers (inspect, thumbprint, PFX, the editor's block
 * scan). Seeds are real files made by openssl at test time; every mutated input must either be
 * read or refused with a UserError free of raw OpenSSL text. A call over 1 s counts as a hang
 * (a guard, not a speed assertion: speed lives in bench/).
 *   npm test: FUZZ_DEFAULT mutations; `npm run fuzz`: 100,000 (FLOWGEAR_FUZZ=N, FLOWGEAR_FUZZ_SEED=S).
 */
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectCertificates, readPfx, scanCertificateBlocks, thumbprintOf } from '../../../../src/core/certificates';
import { UserError } from '../../../../src/core/errors';
import { openssl, tempDir } from './openssl';

const FUZZ_DEFAULT = 10_000;
const HANG_MS = 1000;
const PASS = 'fuzz';

interface Seed {
  name: string;
  bytes: Buffer;
  pfx?: boolean;
}

/** mulberry32: small, fast, good enough to make mutations reproducible from one seed number. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x0a, 0x17, 0x18, 0x30, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x88, 0xa0, 0xa3, 0xff];

/** One to four byte-level edits: flips, interesting values (tags, long-form lengths), cuts, inserts, copies, splices. */
function mutate(input: Buffer, rnd: () => number, others: Seed[]): Buffer {
  let b = Buffer.from(input);
  const at = () => Math.floor(rnd() * Math.max(1, b.length));
  for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) {
    const op = Math.floor(rnd() * 9);
    if (b.length === 0) b = Buffer.from([0x30]);
    if (op === 0) b[at()] ^= 1 << Math.floor(rnd() * 8);
    else if (op === 1) b[at()] = Math.floor(rnd() * 256);
    else if (op === 2 || op === 3) b[at()] = INTERESTING[Math.floor(rnd() * INTERESTING.length)]; // hits tags and length octets
    else if (op === 4) b = b.subarray(0, at());
    else if (op === 5) {
      const i = at();
      b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + Math.floor(rnd() * 16))]);
    } else if (op === 6) {
      const i = at();
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256)));
      b = Buffer.concat([b.subarray(0, i), junk, b.subarray(i)]);
    } else if (op === 7) {
      const i = at();
      const j = Math.min(b.length, i + 1 + Math.floor(rnd() * 64));
      const k = at();
      b = Buffer.concat([b.subarray(0, k), b.subarray(i, j), b.subarray(k)]);
    } else {
      const o = others[Math.floor(rnd() * others.length)].bytes;
      const i = at();
      const j = Math.floor(rnd() * o.length);
      b = Buffer.concat([b.subarray(0, i), o.subarray(j)]);
    }
  }
  return b;
}

/** PEM: mutate the DER inside (so structure edits reach the parser) or the text itself. */
function mutatePem(text: string, rnd: () => number, others: Seed[]): Buffer {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (m && rnd() < 0.7) {
    const der = mutate(Buffer.from(m[2].replace(/\s+/g, ''), 'base64'), rnd, others);
    const body = der.toString('base64').replace(/.{64}/g, '$&\n');
    return Buffer.from(text.slice(0, m.index) + `-----BEGIN ${m[1]}-----\n${body}\n-----END ${m[1]}-----` + text.slice(m.index + m[0].length), 'latin1');
  }
  return mutate(Buffer.from(text, 'latin1'), rnd, others);
}

function makeSeeds(dir: string): Seed[] {
  const f = (n: string) => join(dir, n);
  const cert = (name: string, newkey: string[], extra: string[] = []) => {
    openssl(['req', '-x509', ...newkey, '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.crt`), '-subj', `/CN=${name}/O=Fuzz`, '-days', '30', ...extra]);
    openssl(['x509', '-in', f(`${name}.crt`), '-outform', 'DER', '-out', f(`${name}.cer`)]);
  };
  cert('rsa', ['-newkey', 'rsa:1024'], ['-addext', 'subjectAltName=DNS:fuzz.example']);
  cert('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  cert('ed', ['-newkey', 'ed25519']);
  openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', f('dsa.param')]);
  cert('dsa', ['-newkey', `dsa:${f('dsa.param')}`]);
  openssl(['req', '-new', '-key', f('rsa.key'), '-subj', '/CN=csr', '-out', f('csr.pem')]);
  openssl(['req', '-new', '-key', f('rsa.key'), '-subj', '/CN=csr', '-outform', 'DER', '-out', f('csr.der')]);
  openssl(['req', '-x509', '-new', '-key', f('rsa.key'), '-subj', '/CN=ca', '-days', '30', '-out', f('ca.crt')]);
  const ca = `[ca]\ndefault_ca = d\n[d]\ndatabase = ${f('index.txt')}\ncrlnumber = ${f('crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 30\n`;
  writeFileSync(f('ca.cnf'), ca);
  writeFileSync(f('index.txt'), '');
  writeFileSync(f('crlnumber'), '01\n');
  openssl(['ca', '-config', f('ca.cnf'), '-gencrl', '-keyfile', f('rsa.key'), '-cert', f('ca.crt'), '-out', f('crl.pem')]);
  openssl(['crl', '-in', f('crl.pem'), '-outform', 'DER', '-out', f('crl.der')]);
  // PFX with one iteration keep the fuzz cheap; their structure is the real one.
  const pfx = (name: string, args: string[]) =>
    openssl(['pkcs12', '-export', '-in', f('rsa.crt'), '-inkey', f('rsa.key'), '-certfile', f('ec.crt'), '-out', f(name), '-passout', `pass:${PASS}`, '-iter', '1', ...args]);
  pfx('modern.pfx', []);
  pfx('legacy.pfx', ['-legacy']);
  pfx('des.pfx', ['-descert', '-macalg', 'sha1']);
  const read = (n: string, pfx = false): Seed => ({ name: n, bytes: readFileSync(f(n)), pfx });
  const bundle: Seed = { name: 'bundle.pem', bytes: Buffer.concat(['rsa.crt', 'ec.crt', 'ed.crt'].map((n) => readFileSync(f(n)))) };
  return [
    ...['rsa', 'ec', 'ed', 'dsa'].flatMap((n) => [read(`${n}.crt`), read(`${n}.cer`)]),
    bundle,
    read('csr.pem'),
    read('csr.der'),
    read('crl.pem'),
    read('crl.der'),
    read('rsa.key'),
    read('modern.pfx', true),
    read('legacy.pfx', true),
    read('des.pfx', true),
  ];
}

describe('certificates: mutation fuzz', function () {
  this.timeout(0);
  const dir = tempDir('fuzz');
  let seeds: Seed[] = [];
  before(() => {
    seeds = makeSeeds(dir.path);
  });
  after(() => dir.dispose());

  it('every reader either reads a mutated file or refuses it with a clean UserError, none hangs', () => {
    const total = Number(process.env.FLOWGEAR_FUZZ ?? FUZZ_DEFAULT);
    const seed = Number(process.env.FLOWGEAR_FUZZ_SEED ?? 20261202);
    const rnd = prng(seed);
    const failures: string[] = [];
    let calls = 0;
    let read = 0;
    let maxMs = 0;
    let slowest = '';
    const call = (label: string, fn: () => unknown) => {
      const t = performance.now();
      try {
        fn();
        read++;
      } catch (e) {
        if (!(e instanceof UserError)) failures.push(`${label}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        else if (/error:[0-9A-F]{8}:|routines:|asn1|forge|undefined|\[object /i.test(e.message)) failures.push(`${label}: raw text in UserError: ${e.message}`);
      }
      const ms = performance.now() - t;
      calls++;
      if (ms > maxMs) [maxMs, slowest] = [ms, label];
      if (ms > HANG_MS) failures.push(`${label}: took ${Math.round(ms)} ms`);
    };

    for (let i = 0; i < total; i++) {
      const s = seeds[i % seeds.length];
      const input = s.name.endsWith('.crt') || s.name.endsWith('.pem') || s.name.endsWith('.key') ? mutatePem(s.bytes.toString('latin1'), rnd, seeds) : mutate(s.bytes, rnd, seeds);
      const label = `#${i} (${s.name}, seed ${seed})`;
      const passphrase = s.pfx ? [PASS, undefined, 'wrong'][i % 3] : undefined;
      call(`${label} inspect`, () => inspectCertificates(input, { fileName: s.name, passphrase }));
      call(`${label} thumbprint`, () => thumbprintOf(input));
      if (s.pfx) call(`${label} readPfx`, () => readPfx(input, passphrase, s.name, i % 2 === 0));
      else if (i % 4 === 0 && input.includes('-----BEGIN')) call(`${label} scan`, () => scanCertificateBlocks(input.toString('latin1')));
    }
    console.log(`      fuzz: ${total} mutations of ${seeds.length} seeds, ${calls} calls, ${read} read, slowest ${maxMs.toFixed(1)} ms (${slowest})`);
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failures`);
    // The readers did real work: unmutated-enough inputs still read.
    assert.ok(read > total / 20, `only ${read} calls read anything`);
  });
});
