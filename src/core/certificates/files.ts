import { createPrivateKey, randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors';
import { readBounded } from '../boundedRead';
import { ensureGitignored, escapeGitignore, gitignoreVerdicts } from './gitignore';
import { exportPfx } from './pfx';
import type { GeneratedCertificate } from './types';

export interface WriteKeyFilesOptions {
  workspaceRoot: string;
  /** Absolute, or relative to the workspace root; default 'certs'. */
  folder?: string;
  /** Key NAME: files are NAME.key, NAME.crt, NAME.cer (and NAME.pfx). */
  name: string;
  generated: GeneratedCertificate;
  /** Encrypts NAME.key (PKCS#8, AES-256-CBC) when given. */
  passphrase?: string;
  pfx?: boolean;
  legacyPfx?: boolean;
  /** Defaults to `passphrase`. */
  pfxPassphrase?: string;
  friendlyName?: string;
}

export interface KeyFiles {
  key: string;
  crt: string;
  cer: string;
  pfx?: string;
}

export const DEFAULT_CERT_FOLDER = 'certs';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function validateKeyName(name: string): string | undefined {
  if (!NAME.test(name) || name.endsWith('.')) return 'Use letters, digits, dot, dash or underscore (start with a letter or digit).';
  return undefined;
}

function unwritable(folder: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  const why =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOTDIR' ? 'a part of the path is a file' : code === 'ENOSPC' ? 'disk full' : code;
  return new UserError(`Cannot write to ${folder}: ${why}.`, 'unwritable');
}

/**
 * Writes NAME.key (0600), NAME.crt, NAME.cer and optionally NAME.pfx (0600). The folder's
 * private patterns go into .gitignore BEFORE any private file exists. Every file is written to
 * a temp file and hard-linked into place (link fails if the name exists, so nothing is ever
 * overwritten, even in a race); on any failure the files this call created are removed.
 */
export async function writeKeyFiles(o: WriteKeyFilesOptions): Promise<KeyFiles> {
  const bad = validateKeyName(o.name);
  if (bad) throw new UserError(`Invalid key name '${o.name}': ${bad}`, 'bad-name');
  const root = resolve(o.workspaceRoot);
  const folder = resolve(root, o.folder ?? DEFAULT_CERT_FOLDER);
  const paths: KeyFiles = {
    key: join(folder, `${o.name}.key`),
    crt: join(folder, `${o.name}.crt`),
    cer: join(folder, `${o.name}.cer`),
    ...(o.pfx ? { pfx: join(folder, `${o.name}.pfx`) } : {}),
  };

  // Everything that can fail on bad input happens before the first byte is written.
  const pfxPassphrase = o.pfxPassphrase ?? o.passphrase;
  if (o.pfx && !pfxPassphrase) throw new UserError('A PFX needs a passphrase.', 'pfx-passphrase-required');
  const keyPem = o.passphrase
    ? (createPrivateKey(o.generated.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: o.passphrase }) as string)
    : o.generated.keyPem;
  const contents: [string, Buffer | string, number][] = [
    [paths.key, keyPem, 0o600],
    [paths.crt, o.generated.certPem, 0o644],
    [paths.cer, o.generated.certDer, 0o644],
  ];
  if (paths.pfx) {
    const pfx = exportPfx({ certPem: o.generated.certPem, keyPem: o.generated.keyPem, passphrase: pfxPassphrase!, legacy: o.legacyPfx, friendlyName: o.friendlyName });
    contents.push([paths.pfx, pfx, 0o600]);
  }

  await writeNewFiles(root, folder, contents, [paths.key, paths.pfx].filter((p): p is string => !!p));
  return paths;
}

/**
 * Adds `/<folder>/*.key|pfx|p12` to the root .gitignore unless git already ignores every private
 * file, then asks again (git itself when available): when a rule still un-ignores one (say a
 * nested certs/.gitignore with `!*.key`), restores .gitignore and refuses, naming file and rule.
 */
export async function gitignorePrivateFiles(workspaceRoot: string, privateFiles: string[]): Promise<boolean> {
  const root = resolve(workspaceRoot);
  const inside = privateFiles.map((f) => relative(root, resolve(root, f))).filter((rel) => !rel.startsWith('..') && !isAbsolute(rel)); // outside: no .gitignore applies
  if (inside.length === 0) return false;
  const folders = new Set((await gitignoreVerdicts(root, inside)).filter((v) => !v.ignored).map((v) => dirname(v.file)));
  if (folders.size === 0) return false;
  const patterns = [...folders].flatMap((d) => {
    const base = d === '.' ? '/' : '/' + escapeGitignore(d.split(sep).join('/')) + '/';
    return ['*.key', '*.pfx', '*.p12'].map((ext) => base + ext);
  });
  const file = join(root, '.gitignore');
  const before = await readBounded(file, { field: '.gitignore' }).catch(() => undefined);
  let changed: boolean;
  try {
    changed = await ensureGitignored(root, patterns);
  } catch (e) {
    throw unwritable(file, e);
  }
  const still = (await gitignoreVerdicts(root, inside)).filter((v) => !v.ignored);
  if (still.length) {
    if (changed) await (before === undefined ? unlink(file) : writeFile(file, before)).catch(() => undefined);
    const v = still[0];
    throw new UserError(
      `Not writing ${v.file}: git would still commit it although ${patterns.find((p) => p.endsWith(extname(v.file))) ?? patterns[0]} is in .gitignore — ` +
        (v.rule ? `${v.rule} un-ignores it` : 'no rule ignores it') +
        `. Remove or narrow that rule (or ignore the file yourself), then try again.`,
      'not-gitignored',
    );
  }
  return changed;
}

/**
 * Creates new files all-or-nothing: refuses if any exists, git-ignores the private ones
 * before they exist, writes each to a temp file and hard-links it into place (link fails if
 * the name exists, so nothing is overwritten even in a race); on failure removes what it made.
 */
export async function writeNewFiles(
  workspaceRoot: string,
  folder: string,
  contents: [path: string, data: Buffer | string, mode: number][],
  privateFiles: string[],
): Promise<void> {
  const root = resolve(workspaceRoot);
  const existing: string[] = [];
  for (const [p] of contents) {
    if (await lstat(p).then(() => true, () => false)) existing.push(p);
  }
  const show = (p: string) => (relative(root, p).startsWith('..') ? p : relative(root, p));
  if (existing.length)
    throw new UserError(`Not overwriting existing ${existing.map(show).join(', ')}: choose another name or move them away.`, 'file-exists');

  try {
    await mkdir(folder, { recursive: true });
  } catch (e) {
    throw unwritable(folder, e);
  }
  await gitignorePrivateFiles(root, privateFiles);

  const created: string[] = [];
  try {
    for (const [p, data, mode] of contents) {
      const tmp = join(dirname(p), `.${basename(p)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        const fh = await open(tmp, 'wx', mode);
        try {
          await fh.writeFile(data);
          await fh.chmod(mode); // exact, whatever the umask
          await fh.sync();
        } finally {
          await fh.close();
        }
        try {
          await link(tmp, p);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new UserError(`Not overwriting ${show(p)}: it appeared while writing.`, 'file-exists');
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
          // File systems without hard links: re-check, then rename.
          if (await lstat(p).then(() => true, () => false)) throw new UserError(`Not overwriting ${show(p)}.`, 'file-exists');
          await rename(tmp, p);
        }
        created.push(p);
      } finally {
        await unlink(tmp).catch(() => undefined);
      }
    }
  } catch (e) {
    await Promise.all(created.map((p) => unlink(p).catch(() => undefined)));
    if (e instanceof UserError) throw e;
    throw unwritable(folder, e);
  }
}
