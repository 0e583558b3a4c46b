// Post-step of `npm run screenshots`: losslessly recompresses media/screenshots/*.png with
// optipng (Debian package `optipng`) so the VSIX stays small. Skips with a visible message
// when optipng is missing; the screenshots are still valid, only larger.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'media', 'screenshots');
const files = readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => join(dir, f));
const size = () => files.reduce((n, f) => n + statSync(f).size, 0);

if (spawnSync('optipng', ['-v'], { stdio: 'ignore' }).error) {
  console.warn('screenshots: optipng not found (apt-get install -y optipng) — PNGs left unoptimised');
} else {
  const before = size();
  const r = spawnSync('optipng', ['-o2', '-quiet', ...files], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`screenshots: optipng ${files.length} PNGs, ${before} -> ${size()} bytes`);
}
