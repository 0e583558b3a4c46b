import { watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface FileWatch {
  /** Watch this new set of files instead (the manifest may name other certificate files). */
  update(files: string[]): void;
  close(): void;
}

/**
 * Calls `changed` (debounced) when any of `files` changes. Watches their folders, not the
 * files: editors save by rename, which ends a watch on the file itself. fs.watch is armed
 * synchronously, so a change made right after this returns is never missed (VS Code's
 * FileSystemWatcher outside the workspace arms asynchronously).
 */
export function watchFiles(files: string[], changed: () => void, warn: (message: string) => void, debounceMs = 150): FileWatch {
  const watchers = new Map<string, FSWatcher>();
  let wanted = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const update = (next: string[]) => {
    wanted = new Set(next.map((f) => resolve(f)));
    const dirs = new Set([...wanted].map((f) => dirname(f)));
    for (const [dir, w] of watchers) if (!dirs.has(dir)) (w.close(), watchers.delete(dir));
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, (_event, name) => {
          if (name && !wanted.has(join(dir, name.toString()))) return;
          clearTimeout(timer);
          timer = setTimeout(changed, debounceMs);
        });
        w.on('error', () => warn(`stopped watching ${dir}; restart the emulator to pick up changes there`));
        watchers.set(dir, w);
      } catch {
        warn(`cannot watch ${dir}; restart the emulator after editing files there`);
      }
    }
  };
  update(files);
  return {
    update,
    close() {
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
