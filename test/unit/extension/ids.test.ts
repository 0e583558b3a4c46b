import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, ContextKey, INTERNAL_COMMANDS, Setting, View, WALKTHROUGH_ID } from '../../../src/extension/ids';

/** package.json and src/extension/ids.ts name the same commands, settings, views and context keys. */
const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
const contributes = pkg.contributes;

describe('ids', () => {
  it('every contributed command has an id constant and every id constant is contributed (or marked internal)', () => {
    const contributed = new Set((contributes.commands as { command: string }[]).map((c) => c.command));
    const ids = new Set<string>(Object.values(Command));
    for (const c of contributed) assert.ok(ids.has(c), `${c} is in ids.ts`);
    for (const id of ids) assert.ok(contributed.has(id) !== INTERNAL_COMMANDS.includes(id as never), `${id}: contributed xor internal`);
  });

  it('settings: the same set, all with scope "resource"', () => {
    const props = contributes.configuration.properties as Record<string, { scope?: string }>;
    assert.deepEqual(Object.keys(props).sort(), Object.values(Setting).sort());
    for (const [id, p] of Object.entries(props)) assert.equal(p.scope, 'resource', `${id} has scope resource`);
  });

  it('context keys in when-clauses are the ones the code sets', () => {
    const text = JSON.stringify(contributes);
    // Bare flowgear.* terms of when-clauses, and onContext: completion events.
    const whens = [...text.matchAll(/"when":"([^"]*)"/g)].flatMap((m) => m[1].split(/&&|\|\|/).map((t) => t.trim().replace(/^!/, '')));
    const used = new Set([...whens.filter((t) => /^flowgear\.[\w.]+$/.test(t)), ...[...text.matchAll(/onContext:([\w.]+)/g)].map((m) => m[1])]);
    const known = new Set<string>(Object.values(ContextKey));
    assert.ok(used.size > 0);
    for (const k of used) assert.ok(known.has(k), `${k} is in ids.ts`);
  });

  it('views, the custom editor and the walkthrough', () => {
    const views = (contributes.views.flowgear as { id: string }[]).map((v) => v.id);
    assert.deepEqual(views, [View.keys, View.workflows]);
    assert.equal(contributes.customEditors[0].viewType, View.certificateViewer);
    assert.equal(WALKTHROUGH_ID, `${pkg.publisher}.${pkg.name}#${contributes.walkthroughs[0].id}`);
  });
});
