import * as assert from 'node:assert/strict';
import { UserError } from '../../../../src/core/errors';
import {
  addEnvironment,
  addKey,
  newManifestText,
  removeKey,
  setKeyEnabled,
  setKeyEnvironment,
  setKeyThumbprint,
  setPermittedWorkflows,
} from '../../../../src/core/manifest/edit';
import { parseManifest } from '../../../../src/core/manifest/load';
import type { Manifest } from '../../../../src/core/manifest/types';

const TEXT = `{
    // the team's Flowgear site
    "site": "https://acme.flowgear.net",
    "workflows": [
        { "name": "Get Customer", "method": "GET", "path": "/customers/{id}" }, // bound in API Binding
        { "name": "Report", "method": "GET", "path": "/reports" }
    ],
    "environments": [ { "name": "Test" } ],
    "keys": [
        /* CI key */
        { "name": "ci-test", "enabled": true, "pfx": "certs/ci.pfx", "permittedWorkflows": ["Get Customer"] },
        { "name": "ops", "pfx": "certs/ops.pfx", "permittedWorkflows": [] }
    ]
}
`;

function model(text: string): Manifest {
  const r = parseManifest(text, '/ws/flowgear.json');
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  return (r as { manifest: Manifest }).manifest;
}

/** Every line of `before` that the edit should not touch is still there, verbatim. */
function keepsComments(after: string): void {
  for (const c of ['// the team\'s Flowgear site', '// bound in API Binding', '/* CI key */']) assert.ok(after.includes(c), `kept ${c}`);
}

describe('manifest edits', () => {
  it('setKeyEnabled changes only that value and keeps comments', () => {
    const after = setKeyEnabled(TEXT, 'ci-test', false);
    keepsComments(after);
    assert.equal(after, TEXT.replace('"enabled": true', '"enabled": false'));
    const ops = setKeyEnabled(TEXT, 'ops', false);
    assert.equal(model(ops).keys[1].enabled, false);
    keepsComments(ops);
  });

  it('setKeyEnvironment sets and removes (undefined → Production)', () => {
    const test = setKeyEnvironment(TEXT, 'ops', 'Test');
    assert.equal(model(test).keys[1].environment, 'Test');
    const back = setKeyEnvironment(test, 'ops', undefined);
    assert.equal(model(back).keys[1].environment, undefined);
    keepsComments(back);
  });

  it('setPermittedWorkflows replaces the list', () => {
    const after = setPermittedWorkflows(TEXT, 'ops', ['Get Customer', 'Report']);
    assert.deepEqual(model(after).keys[1].permittedWorkflows, ['Get Customer', 'Report']);
    keepsComments(after);
  });

  it('setKeyThumbprint adds the property', () => {
    const after = setKeyThumbprint(TEXT, 'ops', 'AB'.repeat(20));
    assert.equal(model(after).keys[1].thumbprint, 'AB'.repeat(20));
  });

  it('addKey appends in the file indentation; duplicate names refused', () => {
    const after = addKey(TEXT, { name: 'new', enabled: true, environment: undefined, certificate: 'certs/new.crt', privateKey: 'certs/new.key', permittedWorkflows: ['Report'] });
    keepsComments(after);
    const m = model(after);
    assert.deepEqual(m.keys.map((k) => k.name), ['ci-test', 'ops', 'new']);
    assert.equal(m.keys[2].privateKey, '/ws/certs/new.key');
    assert.ok(!after.includes('"environment"'), 'undefined fields are not written');
    assert.match(after, /\n {12}"name": "new"/, 'four-space indentation followed');
    assert.throws(() => addKey(TEXT, { name: 'CI-TEST', pfx: 'x.pfx', permittedWorkflows: [] }), UserError);
  });

  it('addKey creates the keys array when absent', () => {
    const after = addKey('{\n  "site": "https://a.flowgear.net"\n}\n', { name: 'k', pfx: 'k.pfx', permittedWorkflows: [] });
    assert.deepEqual(model(after).keys.map((k) => k.name), ['k']);
  });

  it('removeKey removes only that entry', () => {
    const after = removeKey(TEXT, 'ops');
    assert.deepEqual(model(after).keys.map((k) => k.name), ['ci-test']);
    keepsComments(after);
  });

  it('addEnvironment declares it', () => {
    assert.deepEqual(model(addEnvironment(TEXT, 'QA')).environments.map((e) => e.name), ['Production', 'Test', 'QA']);
    const fresh = addEnvironment('{"site":"https://a.flowgear.net"}', 'QA');
    assert.deepEqual(model(fresh).environments.map((e) => [e.name, e.production]), [['Production', true], ['QA', false]]);
  });

  it('unknown key or broken file: UserError, never a half edit', () => {
    assert.throws(() => setKeyEnabled(TEXT, 'nope', true), /no key named 'nope'/);
    assert.throws(() => setKeyEnabled('[]', 'x', true), UserError);
    assert.throws(() => setKeyEnabled(TEXT.replace('"ops",', '"ops"'), 'ops', true), /syntax errors/);
  });

  it('CRLF files stay CRLF', () => {
    const crlf = TEXT.replace(/\n/g, '\r\n');
    const after = addKey(crlf, { name: 'n', pfx: 'n.pfx', permittedWorkflows: [] });
    assert.ok(!/[^\r]\n/.test(after), 'no bare LF introduced');
  });

  it('the starter manifest loads cleanly', () => {
    const r = parseManifest(newManifestText('https://acme.flowgear.net'), '/ws/flowgear.json');
    assert.equal(r.ok, true);
    assert.deepEqual(r.problems, []);
  });
});
