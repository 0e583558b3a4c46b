import * as assert from 'node:assert/strict';
import { HISTORY_LIMIT, addToHistory, entryFor, historyLabel, sanitizeHistory } from '../../../src/core/invoke/history';
import { adhocRequest } from '../../../src/core/invoke/resolve';

describe('invoke: history model', () => {
  const req = adhocRequest({ url: 'https://acme.flowgear.net/customers/1?_profile=Test', certificate: 'a.crt', privateKey: 'a.key' });

  it('keeps the last 50, newest first', () => {
    let list = addToHistory([], entryFor(req, new Error('refused'), 1));
    for (let i = 2; i <= 60; i++) list = addToHistory(list, { ...entryFor(req, new Error('x'), i), id: `e${i}` });
    assert.equal(list.length, HISTORY_LIMIT);
    assert.equal(list[0].at, 60);
    assert.equal(list.at(-1)!.at, 11);
  });

  it('labels entries and drops malformed stored data', () => {
    const e = entryFor(req, new Error('connection refused'), 5);
    const l = historyLabel(e);
    assert.equal(l.label, 'failed GET /customers/1');
    assert.match(l.detail, /connection refused/);
    assert.deepEqual(sanitizeHistory([e, { id: 1 }, null, 'x']), [e]);
    assert.deepEqual(sanitizeHistory('nope'), []);
  });
});
