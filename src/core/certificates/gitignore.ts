import { execFile } from 'node:child_process';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import ignore, { type Ignore } from 'ignore';
import { readBounded } from '../boundedRead';

/**
 * Would git commit this file? Asked of git itself (`git check-ignore`) when git is on PATH and
 * the folder is in a repository; otherwise answered by the `ignore` package (the matcher eslint
 * and prettier use) over the committed `.gitignore` files, root and nested, with git's
 * precedence (a deeper .gitignore wins; nothing inside an ignored folder can be re-included).
 * Only committed .gitignore files count: a developer's global excludes or .git/info/exclude
 * do not protect a teammate's clone.
 */
export interface IgnoreVerdict {
  /** As given (absolute or relative to the root). */
  file: string;
  ignored: boolean;
  /** The deciding rule, e.g. `certs/.gitignore:1: !*.key`; absent when no rule matches. */
  rule?: string;
  /** Who answered. */
  by: 'git' | 'ignore';
}

export interface IgnoreOptions {
  /** Ask git (default true). The editor passes false in an untrusted workspace: a foreign
   *  repository's config must not make us run anything. */
  git?: boolean;
}

function relPath(root: string, file: string): string | undefined {
  const rel = relative(root, isAbsolute(file) ? file : join(root, file));
  return !rel || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
}

/** `git check-ignore -v -n --no-index` for the files; undefined when git cannot answer here. */
function askGit(root: string, rels: string[]): Promise<Map<string, { ignored: boolean; rule?: string }> | undefined> {
  return new Promise((resolve) => {
    // fsmonitor off: even a trusted repository's config should not run a hook for a read.
    const args = ['-c', 'core.fsmonitor=false', 'check-ignore', '-v', '-n', '-z', '--no-index', '--stdin'];
    const child = execFile('git', args, { cwd: root, timeout: 10_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout) => {
      const code: unknown = err ? (err as { code?: unknown }).code : 0;
      if (code !== 0 && code !== 1) return resolve(undefined); // no git, not a repository, killed …
      const f = stdout.split('\0');
      const out = new Map<string, { ignored: boolean; rule?: string }>();
      for (let i = 0; i + 3 < f.length; i += 4) {
        const [source, line, pattern, path] = f.slice(i, i + 4);
        if (!source) out.set(path, { ignored: false });
        else {
          const rule = `${source}:${line}: ${pattern}`;
          // Only a committed .gitignore protects a teammate's clone.
          const committed = /(^|\/)\.gitignore$/.test(source);
          out.set(path, { ignored: committed && !pattern.startsWith('!'), rule });
        }
      }
      resolve(rels.every((r) => out.has(r)) ? out : undefined);
    });
    child.stdin?.on('error', () => undefined); // git missing: the callback reports it
    child.stdin?.end(rels.map((r) => r + '\0').join(''));
  });
}

/** The fallback: git's algorithm over the committed .gitignore files, matched by `ignore`. */
async function askIgnore(root: string, rel: string, cache: Map<string, { ig: Ignore; rules: string[] }>): Promise<{ ignored: boolean; rule?: string }> {
  const load = async (dir: string) => {
    let hit = cache.get(dir);
    if (!hit) {
      let text = '';
      try {
        text = (await readBounded(join(root, dir, '.gitignore'), { field: '.gitignore' })).toString('utf8');
      } catch {
        // none, or not a regular file (git does not follow those either)
      }
      const rules = text.split(/\r?\n/);
      hit = { ig: ignore().add(text), rules };
      cache.set(dir, hit);
    }
    return hit;
  };
  const segs = rel.split('/');
  let verdict: { ignored: boolean; rule?: string } = { ignored: false };
  for (let k = 1; k <= segs.length; k++) {
    const isDir = k < segs.length;
    verdict = { ignored: false };
    // The deepest .gitignore with a matching rule decides.
    for (let d = k - 1; d >= 0; d--) {
      const dir = segs.slice(0, d).join('/');
      const { ig, rules } = await load(dir);
      const sub = segs.slice(d, k).join('/') + (isDir ? '/' : '');
      const r = ig.test(sub);
      const source = (dir ? dir + '/' : '') + '.gitignore';
      if (r.ignored) {
        const pattern = r.rule?.pattern ?? '';
        verdict = { ignored: true, rule: `${source}:${rules.findIndex((l) => l.trim() === pattern.trim()) + 1}: ${pattern}` };
        break;
      }
      if (r.unignored) {
        // The negative rule that matched: the last one that would match as a positive rule.
        const n = rules.map((l, i) => ({ l: l.trim(), i })).reverse().find(({ l }) => l.startsWith('!') && ignore().add(l.slice(1)).ignores(sub));
        verdict = { ignored: false, rule: n ? `${source}:${n.i + 1}: ${n.l}` : undefined };
        break;
      }
    }
    // Git does not look inside an ignored folder, so nothing in it can be re-included.
    if (isDir && verdict.ignored) return verdict;
  }
  return verdict;
}

/** Whether each file (absolute, or relative to the root) would stay out of a commit. Files
 *  outside the root are never ignored by it. */
export async function gitignoreVerdicts(workspaceRoot: string, files: string[], opts: IgnoreOptions = {}): Promise<IgnoreVerdict[]> {
  const rels = files.map((f) => relPath(workspaceRoot, f));
  const inside = [...new Set(rels.filter((r): r is string => r !== undefined))];
  const git = inside.length && opts.git !== false ? await askGit(workspaceRoot, inside) : undefined;
  const cache = new Map<string, { ig: Ignore; rules: string[] }>();
  const out: IgnoreVerdict[] = [];
  for (const [i, file] of files.entries()) {
    const rel = rels[i];
    if (rel === undefined) out.push({ file, ignored: false, by: git ? 'git' : 'ignore' });
    else if (git) out.push({ file, ...git.get(rel)!, by: 'git' });
    else out.push({ file, ...(await askIgnore(workspaceRoot, rel, cache)), by: 'ignore' });
  }
  return out;
}

/** Is `file` (absolute, or relative to the root) ignored by the workspace's .gitignore files? */
export async function isGitignored(workspaceRoot: string, file: string, opts: IgnoreOptions = {}): Promise<boolean> {
  return (await gitignoreVerdicts(workspaceRoot, [file], opts))[0].ignored;
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
