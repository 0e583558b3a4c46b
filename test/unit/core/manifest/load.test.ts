import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentByName, findManifest, loadManifest, parseManifest } from '../../../../src/core/manifest/load';
import type { LoadResult, Manifest } from '../../../../src/core/manifest/types';

const FILE = '/ws/flowgear.json';

export const ISSUE_EXAMPLE = `{
  // comments are allowed
  "site": "https://acme.flowgear.net/",
  "ca": "certs/extra-ca.crt",
  "environments": [
    { "name": "Production", "production": true },
    { "name": "Test" },
    { "name": "QA", "baseUrl": "https://acme-qa.flowgear.net", "tlsMaxVersion": "TLSv1.2" }
  ],
  "workflows": [
    { "name": "Get Customer", "method": "GET", "path": "/customers/{id}" },
    { "name": "Report", "method": "GET", "path": "/reports/revenue?name={name}" },
    { "name": "Create Order", "method": "POST", "path": "/orders", "body": "samples/order.json",
      "headers": { "Content-Type": "application/json" }, "response": { "status": 201, "body": { "id": 7 } } }
  ],
  "keys": [
    { "name": "ci-test", "enabled": true, "environment": "Test",
      "certificate": "certs/ci-test.crt", "privateKey": "certs/ci-test.key",
      "thumbprint": "8f:29:58:4c:18:a1:d3:c0:a8:47:41:3d:3e:bb:7a:67:97:8e:9d:e2",
      "permittedWorkflows": ["Get Customer", "Report"] },
    { "name": "ops", "enabled": false, "pfx": "/abs/ops.pfx", "permittedWorkflows": ["Create Order"] }
  ]
}`;

function ok(r: LoadResult): Manifest {
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  return (r as { manifest: Manifest }).manifest;
}

function codes(r: LoadResult): string[] {
  return r.problems.map((p) => p.code);
}

function withKey(key: string, extra = ''): string {
  return `{ "site": "https://a.flowgear.net", ${extra}
  "workflows": [{ "name": "W", "method": "GET", "path": "/w" }],
  "keys": [${key}] }`;
}

describe('manifest loader', () => {
  it('loads the issue example into the typed model with absolute paths', () => {
    const r = parseManifest(ISSUE_EXAMPLE, FILE);
    const m = ok(r);
    // /abs/ops.pfx is outside the manifest's folder: allowed, with a warning (issue 11).
    assert.deepEqual(r.problems.map((p) => [p.code, p.severity]), [['path-outside', 'warning']]);
    assert.equal(m.site, 'https://acme.flowgear.net');
    assert.equal(m.root, '/ws');
    assert.equal(m.ca, '/ws/certs/extra-ca.crt');
    assert.deepEqual(m.environments.map((e) => [e.name, e.production]), [['Production', true], ['Test', false], ['QA', false]]);
    assert.equal(m.environments[2].tlsMaxVersion, 'TLSv1.2');
    assert.equal(m.workflows[2].body, '/ws/samples/order.json');
    assert.deepEqual(m.workflows[2].response, { status: 201, body: { id: 7 } });
    const [ci, ops] = m.keys;
    assert.equal(ci.certificate, '/ws/certs/ci-test.crt');
    assert.equal(ci.thumbprint, '8F29584C18A1D3C0A847413D3EBB7A67978E9DE2');
    assert.equal(ops.pfx, '/abs/ops.pfx');
    assert.equal(ops.enabled, false);
  });

  it('defaults: implicit Production first, enabled true, permittedWorkflows []', () => {
    const m = ok(parseManifest(`{"site":"https://a.flowgear.net","environments":[{"name":"Test"}],"keys":[{"name":"k","pfx":"k.pfx"}]}`, FILE));
    assert.deepEqual(m.environments, [{ name: 'Production', production: true }, { name: 'Test', production: false }]);
    assert.equal(m.keys[0].enabled, true);
    assert.deepEqual(m.keys[0].permittedWorkflows, []);
    assert.equal(environmentByName(m)?.name, 'Production');
    assert.equal(environmentByName(m, 'test')?.name, 'Test');
    assert.equal(environmentByName(m, 'nope'), undefined);
  });

  it('a declared "Production" without the flag is the production environment', () => {
    const m = ok(parseManifest(`{"site":"https://a.flowgear.net","environments":[{"name":"Test"},{"name":"Production"}]}`, FILE));
    assert.deepEqual(m.environments.map((e) => [e.name, e.production]), [['Test', false], ['Production', true]]);
  });

  it('bad JSON: problems with ranges, ok false', () => {
    const r = parseManifest('{\n  "site": "https://a.flowgear.net",\n  "keys": [\n}', FILE);
    assert.equal(r.ok, false);
    assert.ok(r.problems.length > 0);
    assert.ok(r.problems.every((p) => p.code === 'json-syntax' && p.severity === 'error'));
    assert.equal(r.problems[0].range.start.line, 3);
  });

  it('trailing comma is reported at its line', () => {
    const r = parseManifest('{\n  "site": "https://a.flowgear.net",\n}', FILE);
    assert.equal(r.ok, false);
    assert.equal(r.problems[0].range.start.line, 2);
    assert.match(r.problems[0].message, /trailing comma/);
  });

  it('schema errors point at the offending value', () => {
    const text = `{\n  "site": "ftp://x",\n  "keys": [{ "name": "k", "enabled": "yes", "pfx": "k.pfx", "thumbprint": "12" }]\n}`;
    const r = parseManifest(text, FILE);
    assert.equal(r.ok, false, 'a bad site makes the manifest unusable');
    const site = r.problems.find((p) => /'site'/.test(p.message))!;
    assert.deepEqual(site.range, { start: { line: 1, character: 10 }, end: { line: 1, character: 19 } });
    assert.ok(r.problems.some((p) => p.code === 'schema' && /'enabled'.*true or false/.test(p.message) && p.range.start.line === 2));
    assert.ok(r.problems.some((p) => /40 hex digits/.test(p.message)));
  });

  it('missing site, non-object root', () => {
    assert.equal(parseManifest('{}', FILE).ok, false);
    assert.match(parseManifest('{}', FILE).problems[0].message, /missing required property 'site'/);
    assert.equal(parseManifest('[1]', FILE).ok, false);
    assert.equal(parseManifest('', FILE).ok, false);
  });

  it('unknown properties are warnings (typos)', () => {
    const r = parseManifest(withKey(`{ "name": "k", "pfx": "k.pfx", "permitedWorkflows": ["W"] }`), FILE);
    assert.ok(codes(r).includes('unknown-property'));
    assert.equal(r.problems.find((p) => p.code === 'unknown-property')!.severity, 'warning');
  });

  it('duplicate key names (case-insensitive) are errors on the second name', () => {
    const r = parseManifest(withKey(`{ "name": "k", "pfx": "a.pfx", "permittedWorkflows": ["W"] },\n{ "name": "K", "pfx": "b.pfx", "permittedWorkflows": ["W"] }`), FILE);
    const p = r.problems.find((x) => x.code === 'duplicate-key')!;
    assert.equal(p.severity, 'error');
    assert.equal(p.range.start.line, 3);
  });

  it('undeclared environment and unknown permitted workflow are errors at the value', () => {
    const r = parseManifest(withKey(`{ "name": "k", "pfx": "a.pfx", "environment": "Staging", "permittedWorkflows": ["W", "Nope"] }`), FILE);
    const env = r.problems.find((x) => x.code === 'undeclared-environment')!;
    assert.equal(env.severity, 'error');
    assert.deepEqual(env.data, { keyName: 'k', environment: 'Staging' });
    const wf = r.problems.find((x) => x.code === 'unknown-workflow')!;
    assert.deepEqual(wf.data, { keyName: 'k', workflow: 'Nope' });
    assert.equal(wf.range.end.character - wf.range.start.character, '"Nope"'.length);
  });

  it('key with no permitted workflows is a warning', () => {
    const r = parseManifest(withKey(`{ "name": "k", "pfx": "a.pfx" }`), FILE);
    assert.deepEqual(r.problems.map((p) => [p.code, p.severity]), [['no-permitted-workflows', 'warning']]);
  });

  it('key material: pfx or certificate + privateKey, not both; a thumbprint alone is allowed', () => {
    assert.ok(codes(parseManifest(withKey(`{ "name": "k", "permittedWorkflows": ["W"] }`), FILE)).includes('key-material'));
    assert.deepEqual(codes(parseManifest(withKey(`{ "name": "k", "thumbprint": "${'A'.repeat(40)}", "permittedWorkflows": ["W"] }`), FILE)), []);
    assert.ok(codes(parseManifest(withKey(`{ "name": "k", "certificate": "a.crt", "permittedWorkflows": ["W"] }`), FILE)).includes('key-material'));
    assert.ok(codes(parseManifest(withKey(`{ "name": "k", "pfx": "a.pfx", "certificate": "a.crt", "permittedWorkflows": ["W"] }`), FILE)).includes('key-material'));
  });

  it('ambiguous routes: a warning on both workflows', () => {
    const r = parseManifest(`{"site":"https://a.flowgear.net","workflows":[
      {"name":"A","method":"GET","path":"/customers/{id}"},
      {"name":"B","method":"GET","path":"/{object}/{id}"}]}`, FILE);
    const amb = r.problems.filter((p) => p.code === 'ambiguous-route');
    assert.equal(amb.length, 2);
    assert.ok(amb.every((p) => p.severity === 'warning' && /409/.test(p.message)));
    assert.deepEqual(amb.map((p) => p.range.start.line), [1, 2]);
  });

  it('invalid route template and method are errors', () => {
    const r = parseManifest(`{"site":"https://a.flowgear.net","workflows":[
      {"name":"A","method":"GET","path":"customers"},{"name":"B","method":"FETCH","path":"/b"}]}`, FILE);
    assert.ok(codes(r).includes('invalid-route'));
    assert.ok(r.problems.some((p) => /'method' must be one of/.test(p.message)));
  });

  it('more than one production environment is an error', () => {
    const r = parseManifest(`{"site":"https://a.flowgear.net","environments":[{"name":"P","production":true},{"name":"Q","production":true}]}`, FILE);
    assert.ok(codes(r).includes('multiple-production'));
    assert.deepEqual(ok(r).environments.map((e) => e.production), [true, false]);
  });

  it('fuzzed JSON never throws and ranges stay inside the text', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', '/', '*', '\n', ' ', 'a', '1', '-', 'true', 'null', '"site"', '"keys"', '\u0000', '\uFFFF'];
    for (let i = 0; i < 2000; i++) {
      let text: string;
      if (i % 2 === 0) {
        // mutate the valid example
        const chars = [...ISSUE_EXAMPLE];
        for (let k = 0; k < 1 + rand(6); k++) chars.splice(rand(chars.length), rand(3), alphabet[rand(alphabet.length)]);
        text = chars.join('');
      } else {
        text = Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]).join('');
      }
      const r = parseManifest(text, FILE);
      const lines = text.split('\n').length;
      for (const p of r.problems) {
        assert.ok(p.range.start.line < lines && p.range.end.line < lines, `range inside text for ${JSON.stringify(text)}`);
        assert.ok(p.message.length > 0);
      }
      if (!r.ok) assert.ok(r.problems.some((p) => p.severity === 'error'), 'ok:false always explains itself');
    }
  });

  describe('files', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'fg-load-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('findManifest / loadManifest resolve against the manifest folder; a BOM is fine', async () => {
      assert.equal(findManifest(dir), undefined);
      writeFileSync(join(dir, 'flowgear.json'), '\uFEFF' + ISSUE_EXAMPLE);
      const file = findManifest(dir)!;
      assert.equal(file, join(dir, 'flowgear.json'));
      const m = ok(await loadManifest(file));
      assert.equal(m.keys[0].privateKey, join(dir, 'certs', 'ci-test.key'));
    });

    it('a missing file is a problem, not an exception', async () => {
      const r = await loadManifest(join(dir, 'nope', 'flowgear.json'));
      assert.equal(r.ok, false);
      assert.equal(r.problems[0].code, 'manifest-unreadable');
    });
  });
});
