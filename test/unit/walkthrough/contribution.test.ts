import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
const text = (s: string) => (/^%.+%$/.test(s) ? nls[s.slice(1, -1)] : s);

interface Step { id: string; title: string; description: string; completionEvents: string[]; media: { markdown?: string; image?: string } }

describe('walkthrough contribution "Get started with Flowgear mTLS"', () => {
  const walkthrough = (pkg.contributes.walkthroughs ?? []).find((w: { id: string }) => w.id === 'flowgear.getStarted');
  const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

  it('has the six steps of the issue, in order, with localized texts', () => {
    assert.ok(walkthrough, 'contributes.walkthroughs has flowgear.getStarted');
    assert.equal(text(walkthrough.title), 'Get started with Flowgear mTLS');
    const steps: Step[] = walkthrough.steps;
    assert.deepEqual(steps.map((s) => s.id.replace('flowgear.getStarted.', '')), ['manifest', 'key', 'thumbprint', 'environment', 'invoke', 'code']);
    for (const s of steps) {
      assert.ok(text(s.title), `${s.id}: title ${s.title} resolves`);
      assert.ok(text(s.description), `${s.id}: description ${s.description} resolves`);
    }
  });

  it('completes each step on events that name declared commands or context keys', () => {
    for (const s of walkthrough.steps as Step[]) {
      assert.ok(s.completionEvents.length > 0, `${s.id} has completion events`);
      for (const e of s.completionEvents) {
        const [kind, what] = [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)];
        assert.ok(kind === 'onCommand' || kind === 'onContext', `${s.id}: ${e}`);
        if (kind === 'onCommand') assert.ok(commands.has(what), `${s.id}: ${what} is a contributed command`);
        else assert.match(what, /^flowgear\./, `${s.id}: context keys are ours`);
      }
      // Buttons in the description run commands that exist.
      for (const m of text(s.description).matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(m[1]), `${s.id}: button command ${m[1]}`);
    }
  });

  it('has media files whose images exist', () => {
    for (const s of walkthrough.steps as Step[]) {
      const md = join(root, s.media.markdown ?? '');
      assert.ok(s.media.markdown && existsSync(md), `${s.id}: ${s.media.markdown} exists`);
      for (const m of readFileSync(md, 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
        assert.ok(existsSync(resolve(dirname(md), m[1])), `${s.media.markdown}: image ${m[1]} exists`);
      }
    }
  });
});
