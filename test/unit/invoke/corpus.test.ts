/**
 * REST Client- and httpYac-style request files (test/unit/invoke/corpus/), each request checked
 * for what is SENT — method, path, query, headers, body bytes — as the local emulator received
 * it over real mTLS (its echo carries the request headers and the body's SHA-256), or for the
 * diagnostic that keeps it from being sent while the file's other requests still go out.
 */
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestFromBlock } from '../../../src/core/invoke/fileRequest';
import { Invoker } from '../../../src/core/invoke/invoker';
import { blockErrors, parseRequestFile } from '../../../src/core/invoke/requestFile';
import type { ExchangeRecord } from '../../../src/core/invoke/variables';
import type { Manifest } from '../../../src/core/manifest/types';
import { emulated, type Emulated } from './emulated';

const CORPUS = join(process.cwd(), 'test', 'unit', 'invoke', 'corpus');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

interface Sent {
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string | RegExp>;
  /** Exact body bytes (string = its UTF-8). */
  body?: Buffer | string | (() => Buffer);
}
type Expect = Sent | { error: RegExp } | { skipped: true };

describe('request files: corpus of .http files, checked for what is sent', function () {
  this.timeout(120_000);
  let e: Emulated;
  let m: Manifest;
  let payload: Buffer;
  const invoker = new Invoker();
  before(async () => {
    e = await emulated('handshake');
    m = await e.manifest();
    for (const f of readdirSync(CORPUS)) copyFileSync(join(CORPUS, f), join(e.fx.dir, f));
    // Every byte value, CR LF pairs, a NUL, and bytes that are not UTF-8: must arrive unchanged.
    payload = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\r\n\r\n\x00'), randomBytes(3000), Buffer.from([0xff, 0xfe, 0xc3])]);
    writeFileSync(join(e.fx.dir, 'payload.bin'), payload);
    writeFileSync(join(e.fx.dir, 'template.json'), '{ "id": {{id}}, "who": "{{$processEnv FG_CORPUS_VALUE}}" }');
    writeFileSync(join(e.fx.dir, '.env'), '# comment\nCORPUS_SECRET="from dotenv"\nOTHER=x\n');
  });
  after(async () => {
    await invoker.dispose();
    await e?.close();
  });

  async function check(name: string, expected: Expect[], values: Record<string, string> = {}) {
    const file = join(e.fx.dir, name);
    const f = parseRequestFile(readFileSync(file, 'utf8'));
    assert.equal(f.requests.length, expected.length, `${name}: ${f.requests.map((r) => `${r.method} ${r.target}`).join(' | ')}`);
    const exchanges = new Map<string, ExchangeRecord>();
    const env = { ...process.env, FG_CORPUS_VALUE: 'from-env' };
    for (const [i, want] of expected.entries()) {
      const block = f.requests[i];
      const label = `${name} request ${i + 1} (line ${block.anchorLine + 1})`;
      if ('skipped' in want) {
        assert.equal(block.disabled, true, label);
        await assert.rejects(() => requestFromBlock(m, f, block, { values: { host: e.emu.url, ...values }, file, env }), /disabled/);
        continue;
      }
      if ('error' in want) {
        await assert.rejects(() => requestFromBlock(m, f, block, { values: { host: e.emu.url, ...values }, file, env, exchanges }), want.error, label);
        continue;
      }
      assert.deepEqual(blockErrors(block), [], label);
      const req = await requestFromBlock(m, f, block, { values: { host: e.emu.url, ...values }, file, env, exchanges });
      const r = await invoker.invoke(req);
      assert.equal(r.status, 200, `${label}: ${r.body}`);
      const echo = JSON.parse(r.body);
      assert.equal(echo.method, want.method, label);
      assert.equal(echo.path, want.path, label);
      if (want.query) assert.deepEqual(echo.query, want.query, label);
      for (const [h, v] of Object.entries(want.headers ?? {})) {
        const got = echo.headers[h.toLowerCase()];
        if (v instanceof RegExp) assert.match(got, v, `${label} header ${h}`);
        else assert.equal(got, v, `${label} header ${h}`);
      }
      const body = typeof want.body === 'function' ? want.body() : want.body === undefined ? Buffer.alloc(0) : Buffer.from(want.body);
      assert.equal(echo.bodyBytes, body.length, `${label} body length`);
      assert.equal(echo.bodySha256, sha(body), `${label} body bytes`);
      if (block.name) exchanges.set(block.name, { request: { headers: req.headers, body: req.body }, response: { headers: r.headers, body: r.body } });
    }
  }

  it('REST Client basics: nested file variables, comments, HTTP/1.1, continuation lines, odd spacing', () =>
    check('restclient-basics.http', [
      { method: 'GET', path: '/customers/42', headers: { Accept: 'application/json', 'X-Provide-Client-Certificate': 'Yes' } },
      { method: 'POST', path: '/orders', headers: { 'Content-Type': 'application/json', 'X-Request-Id': /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/ }, body: '{\n  "customer": 42,\n  "greeting": "line1\nline2"\n}' },
      { method: 'GET', path: '/reports/revenue', query: { name: 'Q3' } },
      { method: 'GET', path: '/customers/42', headers: { 'X-Spaced': 'value with  spaces' } },
    ]));

  it('httpYac style with CRLF: ?? assertions, chaining by # @name, and unsupported requests that leave the others alone', async () => {
    const f = parseRequestFile(readFileSync(join(CORPUS, 'httpyac-style.http'), 'utf8'));
    assert.deepEqual(f.requests[0].expects.map((x) => [x.subject, x.op, x.expected]), [['status', '==', '200'], ['header', 'contains', 'json']]);
    assert.deepEqual(blockErrors(f.requests[2]).map((d) => [d.line, d.code]), [[20, 'unsupported-protocol']]);
    assert.deepEqual(blockErrors(f.requests[3]).map((d) => [d.line, d.code]), [[23, 'unsupported-script']]);
    assert.deepEqual(blockErrors(f.requests[4]).map((d) => [d.line, d.code]), [[33, 'unsupported-script']]);
    assert.deepEqual(f.requests[5].diagnostics.map((d) => [d.severity, d.code]), [['warning', 'unsupported-meta']]);
    await check('httpyac-style.http', [
      { method: 'GET', path: '/customers/7' },
      { method: 'POST', path: '/orders', body: '{"fromChain": "Key: prod", "path": "/customers/7", "ct": "application/json; charset=utf-8"}' },
      { error: /line 21:1: GRPC requests are not supported/ },
      { error: /line 24:1: script blocks/ },
      { error: /line 34:1: response handler scripts are not supported/ },
      { method: 'GET', path: '/customers/7' },
    ]);
  });

  it('bodies: < file is sent byte for byte, <@ file with variables, text around a file, implicit split, multipart CRLF', () =>
    check(
      'bodies.http',
      [
        { method: 'POST', path: '/orders', headers: { 'Content-Type': 'application/octet-stream' }, body: () => payload },
        { method: 'POST', path: '/orders', body: '{ "id": 42, "who": "from-env" }' },
        { method: 'POST', path: '/orders', body: () => Buffer.concat([Buffer.from('before\n'), payload, Buffer.from('\nafter')]) },
        { method: 'POST', path: '/orders', body: 'first body\nline two' },
        { method: 'GET', path: '/customers/5' },
        { method: 'POST', path: '/orders', body: '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n' },
      ],
      { id: '42' },
    ));

  it('system variables: $processEnv, $dotenv, $randomInt, $timestamp, $datetime; @prompt values; form bodies', () => {
    const before = Math.floor(Date.now() / 1000);
    return check(
      'system-vars.http',
      [
        {
          method: 'POST',
          path: '/orders',
          headers: {
            'X-Env': 'from-env',
            'X-Dotenv': 'from dotenv',
            'X-Rand': '5',
            'X-Ts': new RegExp(`^(${before}|${before + 1}|${before + 2})$`),
            'X-Date': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
            'X-Rfc': /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/,
            'X-Custom': new Date().toISOString().slice(0, 10),
          },
          body: 'name=Ada%20Lovelace&kind=corpus',
        },
      ],
      { who: 'Ada Lovelace' },
    );
  });

  it('scopes: the nearest definition above wins, a name defined only below is file-wide; @disabled; unresolved names fail with their line', () =>
    check('scopes.http', [
      { method: 'GET', path: '/customers/first' },
      { method: 'GET', path: '/customers/second' },
      { skipped: true },
      { error: /line 18: \{\{nope\}\} has no value/ },
      { method: 'GET', path: '/customers/defined-below', query: { _profile: 'Test' } },
    ]));
});
