import { createPrivateKey, randomBytes } from 'node:crypto';
import { chmod, link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors';
import { ensureGitignored, escapeGitignore, isGitignored } from './gitignore';
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

  const existing: string[] = [];
  for (const [p] of contents) {
    if (await lstat(p).then(() => true, () => false)) existing.push(p);
  }
  if (existing.length)
    throw new UserError(`Not overwriting existing ${existing.map((p) => relative(root, p) || p).join(', ')}: choose another name or move them away.`, 'file-exists');

  try {
    await mkdir(folder, { recursive: true });
  } catch (e) {
    throw unwritable(folder, e);
  }

  // Inside the workspace, make sure git will never pick up the private files.
  const relFolder = relative(root, folder);
  const inside = !relFolder.startsWith('..') && !isAbsolute(relFolder);
  if (inside) {
    const privates = [paths.key, paths.pfx].filter((p): p is string => !!p);
    if (privates.some((p) => !isGitignored(root, p))) {
      const base = relFolder ? '/' + escapeGitignore(relFolder.split(sep).join('/')) + '/' : '/';
      try {
        await ensureGitignored(root, ['*.key', '*.pfx', '*.p12'].map((ext) => base + ext));
      } catch (e) {
        throw unwritable(join(root, '.gitignore'), e);
      }
    }
  }

  const created: string[] = [];
  try {
    for (const [p, data, mode] of contents) {
      const tmp = join(folder, `.${o.name}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        const fh = await open(tmp, 'wx', mode);
        try {
          await fh.writeFile(data);
          await fh.chmod(mode); // the umask may have widened nothing, but make it exact
          await fh.sync();
        } finally {
          await fh.close();
        }
        try {
          await link(tmp, p);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new UserError(`Not overwriting ${relative(root, p)}: it appeared while writing.`, 'file-exists');
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
          // File systems without hard links: re-check, then rename.
          if (await lstat(p).then(() => true, () => false)) throw new UserError(`Not overwriting ${relative(root, p)}.`, 'file-exists');
          await rename(tmp, p);
        }
        created.push(p);
      } finally {
        await unlink(tmp).catch(() => undefined);
      }
      await chmod(p, mode);
    }
  } catch (e) {
    await Promise.all(created.map((p) => unlink(p).catch(() => undefined)));
    if (e instanceof UserError) throw e;
    throw unwritable(folder, e);
  }
  return paths;
}
