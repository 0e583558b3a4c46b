/**
 * The contributed `fg…` snippets and their expansion with sample values, shared by the snippet
 * tests and the C# / PowerShell tests that compile and run them.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodegenWorld } from './harness';

export interface Snippet {
  prefix: string;
  description: string;
  body: string[];
}

const ROOT = process.cwd();
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets?: { language: string; path: string }[] } };
export const contributed = pkg.contributes.snippets ?? [];
export const snippetFiles = contributed.map((c) => ({ ...c, snippets: JSON.parse(readFileSync(join(ROOT, c.path), 'utf8')) as Record<string, Snippet> }));

/** Every snippet of one language. */
export function snippetsOf(language: string): Snippet[] {
  return snippetFiles.filter((f) => f.language === language).flatMap((f) => Object.values(f.snippets));
}

/**
 * Expands a snippet body as VS Code would when the user accepts every placeholder, except that
 * placeholders whose default text is in `values` get that value. Escapes: \$ \} \\.
 */
export function instantiate(body: string, values: Record<string, string>): string {
  let out = '';
  const defaults = new Map<string, string>();
  for (let i = 0; i < body.length; ) {
    const rest = body.slice(i);
    if (rest[0] === '\\' && rest.length > 1 && '$}\\'.includes(rest[1])) {
      out += rest[1];
      i += 2;
      continue;
    }
    if (rest[0] === '$') {
      const m = /^\$\{(\d+):([^${}]*)\}/.exec(rest) ?? /^\$\{(\d+)\|([^,|]*)[^|]*\|\}/.exec(rest);
      if (m) {
        // A tab stop repeated must repeat its default (VS Code mirrors the first one).
        if (defaults.has(m[1])) assert.equal(m[2], defaults.get(m[1]), `tab stop $${m[1]} has two defaults`);
        defaults.set(m[1], m[2]);
        out += values[m[2]] ?? m[2];
        i += m[0].length;
        continue;
      }
      const end = /^\$(\d+)|^\$\{(\d+)\}/.exec(rest);
      if (end) {
        i += end[0].length;
        continue;
      }
      throw new Error(`unescaped $ in snippet at …${rest.slice(0, 30)}`);
    }
    out += rest[0];
    i++;
  }
  return out;
}

/** A snippet's text with every placeholder filled (none may be left). */
export function expand(snippet: Snippet, values: Record<string, string>): string {
  const text = instantiate(snippet.body.join('\n'), values);
  assert.ok(!/\$\{?\d/.test(text.replace(/\$\{(res|err)[.\w?]*\}/g, '')), `${snippet.prefix}: every placeholder was filled`);
  return text;
}

/** Sample values for the snippets' placeholders: this world's emulator and key `ci`. */
export function snippetValues(w: CodegenWorld): Record<string, string> {
  const ci = w.fx.keys.ci;
  return { 'https://acme.flowgear.net': w.emu.url, 'client.crt': ci.certificate, 'client.key': ci.privateKey, 'client.pfx': w.ciPfx, THUMBPRINT: ci.thumbprint, 'KEY NAME': 'ci' };
}
