/**
 * The languages' own parsers, for checking generated code without running it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** pwsh on PATH, or where `dotnet tool install --global PowerShell` puts it. */
export function pwshPath(): string | undefined {
  for (const p of ['pwsh', join(homedir(), '.dotnet', 'tools', 'pwsh')]) {
    if ((p === 'pwsh' || existsSync(p)) && spawnSync(p, ['-NoProfile', '-NonInteractive', '-Command', 'exit 0'], { stdio: 'ignore' }).status === 0) return p;
  }
  return undefined;
}
