import * as assert from 'node:assert/strict';
import { UserError } from '../../../../src/core/errors';
import {
  ambiguousRoutes,
  expandTemplate,
  matchTemplate,
  parseTemplate,
  routesOverlap,
  templateVariables,
} from '../../../../src/core/manifest/routes';
import type { Workflow } from '../../../../src/core/manifest/types';

const q = (s = '') => new URLSearchParams(s);

describe('manifest routes', () => {
  it('parses path and query variables', () => {
    const t = parseTemplate('GET', '/reports/revenue/{year}?name={name}&format=json');
    assert.deepEqual(t.segments, [{ literal: 'reports' }, { literal: 'revenue' }, { variable: 'year' }]);
    assert.deepEqual(t.query, [{ name: 'name', variable: 'name' }, { name: 'format', literal: 'json' }]);
    assert.deepEqual(templateVariables(t), ['year', 'name']);
  });

  it('rejects templates Flowgear would not accept', () => {
    assert.throws(() => parseTemplate('GET', 'customers'), UserError);
    assert.throws(() => parseTemplate('GET', '/files/{name}.json'), /whole segment/);
    assert.throws(() => parseTemplate('GET', '/a/{x}/{x}'), /appears twice/);
    assert.throws(() => parseTemplate('GET', '/a?q=pre{x}'), /name=\{variable\}/);
  });

  it('matches method, literals case-insensitively, and captures decoded variables', () => {
    const t = parseTemplate('GET', '/customers/{id}');
    assert.deepEqual(matchTemplate(t, 'get', '/Customers/a%20b', q()), { id: 'a b' });
    assert.equal(matchTemplate(t, 'POST', '/customers/1', q()), undefined);
    assert.equal(matchTemplate(t, 'GET', '/customers', q()), undefined);
    assert.equal(matchTemplate(t, 'GET', '/customers/1/x', q()), undefined);
    assert.equal(matchTemplate(t, 'GET', '/orders/1', q()), undefined);
    assert.equal(matchTemplate(t, 'GET', '/customers/%E0%A4%A', q()), undefined, 'bad escapes do not match');
  });

  it('query variables are captured; literal query parameters must match', () => {
    const t = parseTemplate('GET', '/reports/revenue?name={name}&format=json');
    assert.deepEqual(matchTemplate(t, 'GET', '/reports/revenue', q('name=Q1&format=json&_profile=Test')), { name: 'Q1' });
    assert.deepEqual(matchTemplate(t, 'GET', '/reports/revenue', q('format=json')), {});
    assert.equal(matchTemplate(t, 'GET', '/reports/revenue', q('name=Q1&format=xml')), undefined);
  });

  it('overlap: GET /customers/{id} vs GET /{object}/{id} is ambiguous (Flowgear 409)', () => {
    assert.equal(routesOverlap(parseTemplate('GET', '/customers/{id}'), parseTemplate('GET', '/{object}/{id}')), true);
    assert.equal(routesOverlap(parseTemplate('GET', '/customers/{id}'), parseTemplate('GET', '/Customers/{key}')), true);
  });

  it('overlap: different method, length, literal or literal query value do not overlap', () => {
    const a = parseTemplate('GET', '/customers/{id}');
    assert.equal(routesOverlap(a, parseTemplate('POST', '/customers/{id}')), false);
    assert.equal(routesOverlap(a, parseTemplate('GET', '/customers')), false);
    assert.equal(routesOverlap(a, parseTemplate('GET', '/orders/{id}')), false);
    assert.equal(routesOverlap(parseTemplate('GET', '/r?f=json'), parseTemplate('GET', '/r?f=xml')), false);
    assert.equal(routesOverlap(parseTemplate('GET', '/r?f=json'), parseTemplate('GET', '/r?name={n}')), true);
  });

  it('ambiguousRoutes lists each overlapping pair once and skips invalid templates', () => {
    const wf = (name: string, method: Workflow['method'], path: string): Workflow => ({ name, method, path });
    const list = [wf('A', 'GET', '/customers/{id}'), wf('B', 'GET', '/{object}/{id}'), wf('C', 'POST', '/customers/{id}'), wf('D', 'GET', 'bad')];
    assert.deepEqual(ambiguousRoutes(list).map(([x, y]) => [x.name, y.name]), [['A', 'B']]);
  });

  it('expands with encoding; missing variables are one UserError naming them all', () => {
    const t = parseTemplate('GET', '/customers/{id}/orders?since={since}&x=1');
    assert.deepEqual(expandTemplate(t, { id: 'a/b', since: '2024-01-01' }), {
      path: '/customers/a%2Fb/orders',
      query: [['since', '2024-01-01'], ['x', '1']],
    });
    assert.throws(() => expandTemplate(t, {}), (e: unknown) => e instanceof UserError && /\{id\}, \{since\}/.test(e.message));
    assert.throws(() => expandTemplate(t, { id: '', since: '' }), /\{id\}/);
  });
});
