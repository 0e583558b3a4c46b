import { readFileSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Just the committed `.gitignore` files (root and nested), as teammates' clones see them:
 * a developer's global excludes must not make an unignored key look safe.
 */
interface Rule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
  /** Matched against the full relative path (else the last segment). */
  anchored: boolean;
}

function globToRegex(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === glob.length) re += '.*';
          else {
            re += '(?:.*/)?';
            i++; // the slash after **
          }
          i++;
          continue;
        }
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        re += '[' + glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) re += '\\' + glob[++i];
    else re += /[.+^${}()|\]\\/]/.test(c) ? '\\' + c : c;
  }
  return re;
}

export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (let line of text.split(/\r?\n/)) {
    line = line.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (!line) continue;
    rules.push({ negate, dirOnly, anchored, regex: new RegExp('^' + globToRegex(line) + '$') });
  }
  return rules;
}

/** Is `file` (absolute, or relative to the root) ignored by the workspace's .gitignore files? */
export function isGitignored(workspaceRoot: string, file: string): boolean {
  const rel = relative(workspaceRoot, isAbsolute(file) ? file : join(workspaceRoot, file)).split(sep).join('/');
  if (!rel || rel.startsWith('..')) return false;
  const segments = rel.split('/');
  const cache = new Map<string, Rule[]>();
  const rulesIn = (dir: string) => {
    let r = cache.get(dir);
    if (!r) {
      try {
        r = parseGitignore(readFileSync(join(workspaceRoot, dir, '.gitignore'), 'utf8'));
      } catch {
        r = [];
      }
      cache.set(dir, r);
    }
    return r;
  };
  for (let k = 1; k <= segments.length; k++) {
    const isDir = k < segments.length;
    let ignored = false;
    // Rules of every .gitignore from the root down to the item's own folder; last match wins.
    for (let d = 0; d < k; d++) {
      const base = segments.slice(0, d).join('/');
      const path = segments.slice(d, k).join('/');
      for (const rule of rulesIn(base)) {
        if (rule.dirOnly && !isDir) continue;
        if (rule.regex.test(rule.anchored ? path : segments[k - 1])) ignored = !rule.negate;
      }
    }
    // Git does not look inside an ignored folder, so nothing in it can be re-included.
    if (ignored) return true;
  }
  return false;
}

/** Appends the patterns that are not yet lines of `<root>/.gitignore` (creating it). */
export async function ensureGitignored(workspaceRoot: string, patterns: string[]): Promise<boolean> {
  const file = join(workspaceRoot, '.gitignore');
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const lines = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const missing = [...new Set(patterns)].filter((p) => !lines.has(p));
  if (missing.length === 0) return false;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const prefix = text === '' || text.endsWith('\n') ? '' : eol;
  const header = lines.has('# private keys (flowgear-mtls)') ? [] : ['# private keys (flowgear-mtls)'];
  const tmp = join(dirname(file), `.gitignore.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text + prefix + [...header, ...missing].join(eol) + eol, { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return true;
}

/** A literal path as a gitignore pattern (escaping glob characters). */
export function escapeGitignore(path: string): string {
  return path.replace(/[\\*?[\]!#]/g, '\\$&').replace(/^(\s)/, '\\$1');
}
