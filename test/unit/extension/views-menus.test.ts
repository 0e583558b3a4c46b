import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Keys/Workflows context menus are wired by `viewItem` when-clauses in package.json;
 * the values come from the tree providers. A typo on either side silently hides a menu,
 * so check them against each other (contextValues are read from the providers' source).
 */
const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function contextValues(file: string): string[] {
  const src = readFileSync(join(root, file), 'utf8');
  return [...new Set(src.split('\n').filter((l) => l.includes('contextValue =')).flatMap((l) => [...l.matchAll(/'([a-z.]+)'/g)].map((m) => m[1])))];
}

const views: Record<string, string[]> = {
  'flowgear.keys': contextValues('src/extension/keys/tree.ts'),
  'flowgear.workflows': contextValues('src/extension/workflows/tree.ts'),
};

/** A tiny evaluator for the when-clauses used here: `view == x`, `view =~ /re/`, `viewItem == x`, `viewItem =~ /re/`. */
function clause(when: string, name: string): (v: string) => boolean {
  const eq = new RegExp(`\\b${name} == ([\\w.-]+)`).exec(when);
  if (eq) return (v) => v === eq[1];
  const re = new RegExp(`\\b${name} =~ /((?:[^/\\\\]|\\\\.)+)/(\\w*)`).exec(when);
  if (re) return (v) => new RegExp(re[1], re[2]).test(v);
  return () => true;
}

const itemMenus = (pkg.contributes.menus['view/item/context'] as { command: string; when: string }[]).filter((m) => Object.keys(views).some((v) => clause(m.when ?? '', 'view')(v)) && /\bview (==|=~)/.test(m.when ?? ''));

function offeredOn(command: string): string[] {
  return itemMenus
    .filter((m) => m.command === command)
    .flatMap((m) => Object.entries(views).filter(([v]) => clause(m.when, 'view')(v)).flatMap(([v, items]) => items.filter(clause(m.when, 'viewItem')).map((i) => `${v}:${i}`)));
}

describe('Keys/Workflows view menus', () => {
  it('the providers produce the documented contextValues', () => {
    assert.ok(views['flowgear.keys'].includes('key.enabled') && views['flowgear.keys'].includes('key.disabled'));
    assert.ok(views['flowgear.workflows'].includes('workflow'));
  });

  it('every menu entry on these views matches at least one tree item and names a declared command', () => {
    const declared = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
    for (const m of itemMenus) {
      assert.ok(declared.has(m.command), `${m.command} is declared`);
      const hits = Object.entries(views).filter(([v]) => clause(m.when, 'view')(v)).flatMap(([, items]) => items.filter(clause(m.when, 'viewItem')));
      assert.ok(hits.length > 0, `${m.command} (${m.when}) matches some tree item`);
    }
  });

  it('enable only on disabled keys, disable only on enabled ones', () => {
    assert.deepEqual(offeredOn('flowgear.key.enable').sort(), ['flowgear.keys:key.disabled', 'flowgear.workflows:workflow.key.disabled']);
    assert.deepEqual(offeredOn('flowgear.key.disable').sort(), ['flowgear.keys:key.enabled', 'flowgear.workflows:workflow.key.enabled']);
  });

  it('Invoke is offered where a workflow is known, not on undeclared workflows or the 409 warning', () => {
    const on = offeredOn('flowgear.invoke');
    for (const want of ['flowgear.workflows:workflow', 'flowgear.keys:key.workflow', 'flowgear.workflows:workflow.key.enabled']) assert.ok(on.includes(want), want);
    for (const not of ['flowgear.keys:key.workflow.unknown', 'flowgear.workflows:workflow.ambiguous', 'flowgear.keys:certificate']) assert.ok(!on.includes(not), not);
  });

  it('title bar: New Key and Refresh', () => {
    const title = pkg.contributes.menus['view/title'] as { command: string; when: string }[];
    assert.ok(title.some((m) => m.command === 'flowgear.key.new' && clause(m.when, 'view')('flowgear.keys')));
    assert.ok(title.some((m) => m.command === 'flowgear.refresh' && clause(m.when, 'view')('flowgear.keys') && clause(m.when, 'view')('flowgear.workflows')));
  });
});
