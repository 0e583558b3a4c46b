import * as assert from 'node:assert/strict';
import { UserError } from '../../../src/core/errors';
import { evaluate, parseExpectation, valueAt, type Expectation } from '../../../src/core/invoke/expect';
import { requestFromBlock } from '../../../src/core/invoke/fileRequest';
import { parseRequestFile, type RequestFile } from '../../../src/core/invoke/requestFile';
import { expand, parseDotenv, type ExpandContext } from '../../../src/core/invoke/variables';
import { makePki, type Pki } from './pki';
import { testManifest } from './manifest';

function ctx(over: Partial<ExpandContext> = {}): ExpandContext {
  return { overrides: {}, fileValues: {}, env: {}, dotenv: () => ({}), exchanges: new Map(), now: () => new Date(Date.UTC(2026, 0, 31, 13, 4, 5, 6)), ...over };
}

describe('request files: parser constructs', () => {
  it('separators, comments, metadata, variables with escapes', () => {
    const f = parseRequestFile('@a = x\\ty\n// c\n# c\n/* block\nGET /no */\n# @name first\n# @key k\nGET /one\n\n#### second title\n# @key k\n# @disabled\n# @prompt pw The password\n# @note ignored\nPUT https://h.example/two\n');
    assert.equal(f.variables.a, 'x\ty');
    assert.equal(f.requests.length, 2);
    const [a, b] = f.requests;
    assert.deepEqual([a.name, a.method, a.target, a.anchorLine], ['first', 'GET', '/one', 7]);
    assert.deepEqual([b.title, b.name, b.disabled, b.method, b.target], ['second title', undefined, true, 'PUT', 'https://h.example/two']);
    assert.deepEqual(b.prompts, [{ name: 'pw', description: 'The password', line: 12 }]);
    assert.deepEqual(f.diagnostics, []);
  });

  it('a bare URL is a GET; another protocol or method is a diagnostic on that request only', () => {
    const f = parseRequestFile('# @key k\nhttps://h.example/x\n###\nWS wss://h/x\n###\nPROPFIND /x\n###\n# @key k\nftp://h/x\n###\n# @key k\nDELETE /y\n');
    assert.deepEqual(f.requests.map((r) => [r.method ?? '-', r.diagnostics.map((d) => d.code).join()]), [
      ['GET', ''],
      ['-', 'unsupported-protocol'],
      ['-', 'unsupported-method'],
      ['-', 'request-line'],
      ['DELETE', ''],
    ]);
    assert.match(f.requests[3].diagnostics[0].message, /scheme 'ftp' is not supported/);
  });

  it('a request line after a blank line ends a body only when it is a real request line', () => {
    const f = parseRequestFile('POST /a\n\nsome text\n\nGET is the word\n\nGET /b\n');
    assert.equal(f.requests.length, 2);
    assert.deepEqual(f.requests[0].body!.map((p) => (p.kind === 'text' ? p.text : '')), ['some text', '', 'GET is the word']);
    assert.equal(f.requests[1].target, '/b');
  });

  it('an example response below a request is not sent', () => {
    const f = parseRequestFile('POST /a\n\nbody\n\nHTTP/1.1 200 OK\nContent-Type: x\n\n{}\n');
    assert.deepEqual(f.requests[0].body!.map((p) => (p.kind === 'text' ? p.text : '')), ['body']);
    assert.equal(f.requests[0].diagnostics[0].code, 'response-example');
  });

  it('nested variables expand; cycles and expressions are errors with line and column', () => {
    const x = ctx({ fileValues: { host: '{{h}}:{{p}}', h: 'example', p: '8443', loop: '{{loop2}}', loop2: '{{loop}}' }, overrides: { p: '9443' } });
    assert.equal(expand('https://{{host}}/{{%q}}', { ...x, overrides: { ...x.overrides, q: 'a b' } }, { line: 0 }), 'https://example:9443/a%20b');
    assert.throws(() => expand('{{loop}}', x, { line: 4 }), (e: UserError & { line: number }) => e.line === 4 && /refers to itself \(loop → loop2 → loop\)/.test(e.message));
    assert.throws(() => expand('ab {{ a + b }}', x, { line: 2, column: 3 }), (e: UserError & { column: number }) => e.column === 6 && /expression/.test(e.message));
  });

  it('system variables with a fixed clock', () => {
    const x = ctx({ env: { HOME_X: 'h' }, dotenv: () => parseDotenv('A=1\nexport B="two\\nlines" # c\nC=\'q\'\n') });
    assert.equal(expand('{{$timestamp}}', x, { line: 0 }), String(Date.UTC(2026, 0, 31, 13, 4, 5) / 1000));
    assert.equal(expand('{{$timestamp -1 d}}', x, { line: 0 }), String(Date.UTC(2026, 0, 30, 13, 4, 5) / 1000));
    assert.equal(expand('{{$datetime iso8601}}', x, { line: 0 }), '2026-01-31T13:04:05.006Z');
    assert.equal(expand('{{$datetime rfc1123 1 M}}', x, { line: 0 }), 'Tue, 03 Mar 2026 13:04:05 GMT');
    assert.equal(expand("{{$datetime 'YYYY-MM-DD [at] HH:mm:ss.SSS'}}", x, { line: 0 }), '2026-01-31 at 13:04:05.006');
    assert.match(expand('{{$localDatetime iso8601}}', x, { line: 0 }), /^2026-01-3\dT\d\d:\d\d:05\.006[+-]\d\d:\d\d$/);
    assert.equal(expand('{{$processEnv HOME_X}}{{$dotenv A}}{{$dotenv B}}{{$dotenv C}}', x, { line: 0 }), 'h1two\nlinesq');
    for (let i = 0; i < 50; i++) assert.ok(['3', '4'].includes(expand('{{$randomInt 3 5}}', x, { line: 0 })));
    assert.throws(() => expand('{{$processEnv NOPE}}', x, { line: 1 }), /line 2: .*NOPE is not set/);
    assert.throws(() => expand('{{$aadToken}}', x, { line: 1 }), /\$aadToken is not supported/);
  });
});

describe('request files: assertions', () => {
  const r = { status: 201, headers: { 'content-type': 'application/json; charset=utf-8', etag: 'W/1' }, body: '{"id":5,"items":[{"name":"a"}],"ok":true,"s":"Key: ci-test"}', durationMs: 120.4 };
  const check = (src: string, httpYac = false) => {
    const p = parseExpectation(src, httpYac);
    if ('error' in p) throw new Error(p.error);
    return evaluate({ ...p, line: 0, source: src } as Expectation, r);
  };
  it('status, header, body, json, duration — passing and failing with the actual value', () => {
    for (const s of ['status 201', 'status 2xx', 'status != 404', 'status < 300', 'header Content-Type contains json', 'header etag exists', 'header X-None != 1', 'body contains Key: ci-test', 'body matches /"ok":\\s*true/', 'json $.id == 5', 'json $.items[0].name == a', "json $.items[0]['name'] == \"a\"", 'json $.ok == true', 'json $.items exists', 'json $.id > 4', 'json $.s startsWith Key:', 'duration < 500']) {
      assert.equal(check(s).pass, true, s);
    }
    const fail = check('json $.id == 6');
    assert.deepEqual([fail.pass, fail.actual, fail.message], [false, '5', 'expected json $.id == 6, got 5']);
    assert.equal(check('status 4xx').actual, '201');
    assert.equal(check('duration < 100').actual, '120 ms');
    assert.equal(check('json $.missing exists').pass, false);
    assert.equal(check('header X-None contains a').pass, false);
  });
  it("httpYac's ?? form is a synonym; scripts and bad checks are errors", () => {
    assert.equal(check('status == 201', true).pass, true);
    assert.equal(check('header content-type includes json', true).pass, true);
    assert.equal(check('body $.items[0].name == a', true).pass, true);
    assert.match((parseExpectation('js response.parsedBody.id == 5', true) as { error: string }).error, /not supported/);
    assert.match((parseExpectation('status twohundred') as { error: string }).error, /status expects a code/);
    assert.match((parseExpectation('json id == 5') as { error: string }).error, /path like \$\.id/);
    assert.match((parseExpectation('body matches /(/') as { error: string }).error, /bad regular expression/);
    assert.equal(valueAt({ a: [{ b: null }] }, '$.a[0].b'), null);
  });
  it('a pathological pattern from a shared file does not hang the run', () => {
    const p = parseExpectation('body matches /^(a+)+$/');
    const res = evaluate({ ...(p as Expectation), line: 0, source: 'x' }, { ...r, body: 'a'.repeat(40) + 'b' });
    assert.equal(res.pass, false);
    assert.match(res.message, /took too long/);
  });
});

/** Seeded PRNG (mulberry32): failures reproduce from the printed seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '###', '### title', '# @key prod', '# @key', '// @env Test', '# @name n1', '# @name', '# @disabled', '# @prompt who', '# @expect status 200', '# @expect json $.id == ', '?? status == 200', '?? js x',
  '@a = {{b}}', '@b = {{a}}', '@c = v', 'GET /customers/{{c}}', 'POST /orders', 'GRPC /x', 'https://h/x', 'GET {{c}}/x', '  ?x=1', '&y=2', 'Content-Type: application/json', 'X-A: {{$guid}}',
  'bad header', '', '', '', '{"a": {{c}}}', '< ./nope.bin', '<@ ./nope.json', '/*', '*/', '{{', '}}', '> {%', '%}', '>> out.txt', 'HTTP/1.1 200 OK', '{{$randomInt 1}}', '{{ a + b }}', '\t', 'ünïcödé ✓', '\u0000',
];

describe('request files: seeded fuzz of the parser', () => {
  let pki: Pki;
  before(() => (pki = makePki()));
  after(() => pki.cleanup());

  it('never throws, keeps ranges and diagnostics inside the file, CRLF = LF, and never builds a request with {{…}} left', async function () {
    this.timeout(60_000);
    const seed = Number(process.env.FUZZ_SEED ?? 20261202);
    const next = rng(seed);
    const m = testManifest('https://acme.flowgear.net', pki);
    let built = 0;
    for (let n = 0; n < 1500; n++) {
      const pick = (list: string[]) => list[Math.floor(next() * list.length)];
      const noise = () => {
        const f = pick(FRAGMENTS);
        return next() < 0.2 ? f.slice(0, Math.floor(next() * f.length)) : f;
      };
      // Mostly well-formed requests with noise mixed in, so both parsing and expansion get exercised.
      const lines: string[] = [];
      for (let r = 1 + Math.floor(next() * 4); r > 0; r--) {
        if (lines.length) lines.push(pick(['###', '### t', '']));
        if (next() < 0.5) lines.push(pick(['@c = v', '@d = {{c}}/x', '@e = {{$guid}}']));
        lines.push(pick(['# @key prod', '# @key ci-test', '// @key prod', '# @key {{k}}']));
        lines.push(pick(['GET /customers/{{c}}', 'POST /orders', 'GET {{d}}', 'DELETE https://h.example/{{e}}', 'GET /r?x={{%c}}', '/customers/1']));
        while (next() < 0.4) lines.push(next() < 0.7 ? pick(['Content-Type: application/json', 'X-A: {{$guid}}', 'X-B: {{c}}', '  &p=1']) : noise());
        if (next() < 0.5) lines.push('', pick(['{"a": "{{c}}"}', 'plain', '{{d}}']), ...(next() < 0.3 ? [noise()] : []));
        while (next() < 0.3) lines.push(noise());
      }
      const text = lines.join('\n');
      const where = `seed ${seed}, case ${n}:\n${text}`;
      let f: RequestFile;
      try {
        f = parseRequestFile(text);
      } catch (e) {
        assert.fail(`parser threw (${(e as Error).message}) on ${where}`);
      }
      let prevEnd = -1;
      for (const b of f.requests) {
        assert.ok(b.startLine > prevEnd && b.startLine <= b.anchorLine && b.anchorLine <= b.endLine && b.endLine < lines.length, where);
        prevEnd = b.endLine;
      }
      for (const d of f.diagnostics) assert.ok(d.line >= 0 && d.line < lines.length && d.column >= 0 && d.endColumn > d.column, where);
      const crlf = parseRequestFile(lines.join('\r\n'));
      assert.deepEqual(JSON.parse(JSON.stringify(crlf)), JSON.parse(JSON.stringify(f)), where);
      for (const b of f.requests) {
        try {
          const req = await requestFromBlock(m, f, b, { values: { who: 'w', k: 'prod' }, file: `${pki.dir}/x.flowgear.http` });
          built++;
          const sent = [req.url, ...Object.entries(req.headers).flat(), typeof req.body === 'string' ? req.body : ''].join('\n');
          assert.doesNotMatch(decodeURIComponent(sent.replace(/%(?![0-9A-F]{2})/gi, '%25')), /\{\{.*?\}\}/, where);
        } catch (e) {
          if (!(e instanceof UserError)) assert.fail(`requestFromBlock threw a non-user error (${(e as Error).stack}) on ${where}`);
        }
      }
    }
    assert.ok(built > 100, `only ${built} requests built: the generator is too hostile to test expansion`);
  });
});
