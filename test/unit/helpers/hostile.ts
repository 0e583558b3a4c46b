import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The hostile things a committed path can be, each made for real in a temp folder. */
export function hostilePaths(dir: string): Record<string, string> {
  const p = (n: string) => join(dir, n);
  symlinkSync('/dev/zero', p('zero.crt'));
  execFileSync('mkfifo', [p('fifo.crt')]);
  symlinkSync(p('fifo.crt'), p('fifo-link.crt'));
  symlinkSync(p('loop-b.crt'), p('loop-a.crt'));
  symlinkSync(p('loop-a.crt'), p('loop-b.crt'));
  mkdirSync(p('folder.crt'));
  writeFileSync(p('big.crt'), '');
  truncateSync(p('big.crt'), 50 * 1024 * 1024); // sparse: 50 MB without writing them
  return {
    '/dev/zero symlink': p('zero.crt'),
    'FIFO': p('fifo.crt'),
    'symlink to a FIFO': p('fifo-link.crt'),
    'symlink loop': p('loop-a.crt'),
    'folder': p('folder.crt'),
    '50 MB file': p('big.crt'),
  };
}

export const HOSTILE_REASON: Record<string, RegExp> = {
  '/dev/zero symlink': /is a character device; only regular files are read/,
  'FIFO': /is a named pipe \(FIFO\); only regular files are read/,
  'symlink to a FIFO': /is a named pipe \(FIFO\); only regular files are read/,
  'symlink loop': /is a symbolic link loop/,
  'folder': /is a folder; only regular files are read/,
  '50 MB file': /is too large \(50 MiB; the limit is 1 MiB\)/,
};

