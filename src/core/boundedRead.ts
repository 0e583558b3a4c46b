/**
 * The ONE way to read a file that flowgear.json (or a request file, or a command-line
 * argument naming key material) points at. Those paths come from someone else — a cloned
 * repository, a pull request — so a read must never hang or exhaust memory:
 *
 *  - `stat` first (a symlink is followed only to see its target; a loop is an error) and
 *    only a REGULAR file is opened: never /dev/zero, a FIFO, a socket, a folder or a device;
 *  - opened with O_NONBLOCK (a FIFO swapped in between stat and open cannot block) and
 *    checked again with `fstat` on the open descriptor (same file, still regular);
 *  - read up to a size cap (CERT_FILE_LIMIT for certificates, keys, PFX and CA files,
 *    BODY_FILE_LIMIT for request bodies), counting bytes actually read, not the size stat
 *    claims (/proc files say 0);
 *  - every failure is a UserError naming the manifest field and the path.
 *
 *   readBoundedSync(key.certificate, { field: `key 'ci' "certificate"` });              // CLI, core
 *   await readBounded(workflow.body, { field: `workflow 'x' "body"`, limit: BODY_FILE_LIMIT }); // editor
 *
 * The editor uses the async variant (nothing synchronous on the extension host).
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { UserError } from './errors';

/** Certificates, private keys, PFX and CA files: real ones are a few KiB. */
export const CERT_FILE_LIMIT = 1024 * 1024;
/** Request bodies read from a file (manifest `body`, `< ./file`, `--data @file`). */
export const BODY_FILE_LIMIT = 10 * 1024 * 1024;

export interface BoundedReadSpec {
  /** What names the path, for the message: e.g. `key 'ci' "certificate"`, `--data`. */
  field: string;
  /** Size cap in bytes (default CERT_FILE_LIMIT). */
  limit?: number;
}

export type ReadFailure = 'file-missing' | 'file-not-regular' | 'file-too-large' | 'file-unreadable';

// O_NONBLOCK does not exist on Windows, where FIFOs are not files anyway.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

function fail(spec: BoundedReadSpec, path: string, code: ReadFailure, why: string): UserError {
  return new UserError(`${spec.field}: ${path} ${why}.`, code);
}

function fromErrno(spec: BoundedReadSpec, path: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return fail(spec, path, 'file-missing', 'does not exist');
  if (code === 'ELOOP') return fail(spec, path, 'file-not-regular', 'is a symbolic link loop');
  if (code === 'ENOTDIR') return fail(spec, path, 'file-missing', 'does not exist (a part of the path is a file)');
  if (code === 'EACCES' || code === 'EPERM') return fail(spec, path, 'file-unreadable', 'cannot be read (permission denied)');
  if (code === 'EISDIR') return fail(spec, path, 'file-not-regular', 'is a folder, not a file');
  return fail(spec, path, 'file-unreadable', `cannot be read (${code ?? 'error'})`);
}

/** Throws unless `st` is a regular file within the cap. */
function vet(spec: BoundedReadSpec, path: string, st: Stats, limit: number): void {
  if (!st.isFile()) throw fail(spec, path, 'file-not-regular', `is ${kindOf(st)}; only regular files are read`);
  if (st.size > limit) throw tooLarge(spec, path, st.size, limit);
}

function tooLarge(spec: BoundedReadSpec, path: string, size: number | undefined, limit: number): UserError {
  return fail(spec, path, 'file-too-large', `is too large (${size === undefined ? 'more than ' + mib(limit) : mib(size)}; the limit is ${mib(limit)})`);
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Reads a manifest-named file synchronously (CLI, core), bounded as described above. */
export function readBoundedSync(path: string, spec: BoundedReadSpec): Buffer {
  const limit = spec.limit ?? CERT_FILE_LIMIT;
  let before: Stats;
  try {
    before = statSync(path);
  } catch (e) {
    throw fromErrno(spec, path, e);
  }
  vet(spec, path, before, limit);
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (e) {
    throw fromErrno(spec, path, e);
  }
  try {
    const st = fstatSync(fd);
    vet(spec, path, st, limit);
    if (!sameFile(before, st)) throw fail(spec, path, 'file-unreadable', 'changed while being read');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > limit) throw tooLarge(spec, path, undefined, limit);
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    throw e instanceof UserError ? e : fromErrno(spec, path, e);
  } finally {
    closeSync(fd);
  }
}

/** The asynchronous variant, for the extension host. Same checks, same errors. */
export async function readBounded(path: string, spec: BoundedReadSpec): Promise<Buffer> {
  const limit = spec.limit ?? CERT_FILE_LIMIT;
  let before: Stats;
  try {
    before = await stat(path);
  } catch (e) {
    throw fromErrno(spec, path, e);
  }
  vet(spec, path, before, limit);
  const fh = await open(path, FLAGS).catch((e: unknown) => {
    throw fromErrno(spec, path, e);
  });
  try {
    const st = await fh.stat();
    vet(spec, path, st, limit);
    if (!sameFile(before, st)) throw fail(spec, path, 'file-unreadable', 'changed while being read');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const { bytesRead: n } = await fh.read(buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > limit) throw tooLarge(spec, path, undefined, limit);
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    throw e instanceof UserError ? e : fromErrno(spec, path, e);
  } finally {
    await fh.close();
  }
}

/** The checks of a read without opening the file (stat only): throws the same UserError a
 *  read would for a missing, non-regular or oversized file. For status views. */
export function probeFile(path: string, spec: BoundedReadSpec): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw fromErrno(spec, path, e);
  }
  vet(spec, path, st, spec.limit ?? CERT_FILE_LIMIT);
}

/** Whether something is at `path`, without opening it: false only when nothing is there (a
 *  symlink loop or a FIFO "exists", and reading it then says what is wrong). */
export function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}
