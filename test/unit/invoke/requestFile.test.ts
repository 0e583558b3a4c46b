import * as assert from 'node:assert/strict';
import { requestFromBlock } from '../../../src/core/invoke/fileRequest';
import { blockErrors, directiveAt, parseRequestFile, variablesFor } from '../../../src/core/invoke/requestFile';
import { makePki, type Pki } from './pki';
import { testManifest } from './manifest';

const FILE = `@id = 42
@who = Ada Lovelace

# @key ci-test
# @workflow Get Customer
GET /customers/{{id}}
Accept: application/json

### create
# @key prod
# @env Production
POST https://acme.flowgear.net/orders
Content-Type: application/json

{ "customer": "{{who}}", "ref": "{{ref}}" }

###
// @key ci-test
// @workflow Report
`;

describe('invoke: .flowgear.http request files', () => {
  let pki: Pki;
  before(() => (pki = makePki()));
  after(() => pki.cleanup());

  it('parses requests, directives, variables and line ranges', () => {
    const f = parseRequestFile(FILE);
    assert.deepEqual(f.variables, { id: '42', who: 'Ada Lovelace' });
    assert.equal(f.requests.length, 3);
    const [a, b, c] = f.requests;
    assert.deepEqual([a.startLine, a.endLine, a.anchorLine], [0, 7, 5]);
    assert.equal(a.key, 'ci-test');
    assert.equal(a.workflow, 'Get Customer');
    assert.equal(a.method, 'GET');
    assert.equal(a.target, '/customers/{{id}}');
    assert.deepEqual(a.headers, [['Accept', 'application/json']]);
    assert.equal(a.body, undefined);
    assert.equal(b.name, 'create');
    assert.equal(b.title, 'create');
    assert.deepEqual([b.startLine, b.anchorLine], [9, 11]);
    assert.equal(b.env, 'Production');
    assert.deepEqual(b.body, [{ kind: 'text', text: '{ "customer": "{{who}}", "ref": "{{ref}}" }', line: 14 }]);
    assert.equal(c.target, undefined);
    assert.equal(c.workflow, 'Report');
    assert.equal(c.anchorLine, 17);
    assert.deepEqual(variablesFor(f, b), { id: '42', who: 'Ada Lovelace' });
  });

  it('builds requests: relative path gets _profile, full URL is sent as written', async () => {
    const m = testManifest('https://acme.flowgear.net', pki);
    const f = parseRequestFile(FILE);
    const file = `${pki.dir}/x.flowgear.http`;
    const a = await requestFromBlock(m, f, f.requests[0], { values: {}, file });
    assert.equal(a.url, 'https://acme.flowgear.net/customers/42?_profile=Test');
    assert.equal(a.workflow, 'Get Customer');
    assert.equal(a.headers['X-Provide-Client-Certificate'], 'Yes');
    const b = await requestFromBlock(m, f, f.requests[1], { values: { ref: 'R1' }, file });
    assert.equal(b.url, 'https://acme.flowgear.net/orders');
    assert.equal(b.method, 'POST');
    assert.equal(b.body, '{ "customer": "Ada Lovelace", "ref": "R1" }');
    assert.equal(b.workflow, 'Create Order', 'matched by route');
    await assert.rejects(() => requestFromBlock(m, f, f.requests[1], { values: {}, file }), /line 15: \{\{ref\}\} has no value/);
    const c = await requestFromBlock(m, f, f.requests[2], { values: { name: 'Q1' }, environment: 'Test', file });
    assert.equal(c.url, 'https://acme.flowgear.net/reports/revenue?name=Q1&format=json&_profile=Test');
  });

  it('reports syntax errors with line numbers and needs a key', async () => {
    const bad = parseRequestFile('# @key a\nFETCH the thing');
    assert.deepEqual(blockErrors(bad.requests[0]).map((d) => [d.line, d.column, d.code]), [[1, 0, 'request-line']]);
    assert.match(blockErrors(bad.requests[0])[0].message, /expected a request line/);
    const hdr = parseRequestFile('GET /x\nnot a header');
    assert.deepEqual(blockErrors(hdr.requests[0]).map((d) => [d.line, d.code]), [[1, 'header']]);
    const m = testManifest('https://acme.flowgear.net', pki);
    const f = parseRequestFile('GET /x');
    await assert.rejects(() => requestFromBlock(m, f, f.requests[0], { values: {}, file: `${pki.dir}/x.http` }), /add '# @key NAME'/);
  });

  it('knows which directive is being completed', () => {
    assert.equal(directiveAt('# @key ', 7), 'key');
    assert.equal(directiveAt('// @env Te', 10), 'env');
    assert.equal(directiveAt('# @workflow G', 13), 'workflow');
    assert.equal(directiveAt('GET /x', 6), undefined);
  });
});
