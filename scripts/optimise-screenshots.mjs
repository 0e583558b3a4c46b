// Post-step of `npm run screenshots`: shrinks media/screenshots/*.png so the VSIX stays under
// 1 MB: pngquant (Debian `pngquant`, palette quantisation, visually identical on UI shots)
// then optipng (Debian `optipng`, lossless). Each tool is skipped with a visible message
// when missing; the screenshots are still valid, only larger.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'media', 'screenshots');
const files = readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => join(dir, f));
const size = () => files.reduce((n, f) => n + statSync(f).size, 0);

if (spawnSync('pngquant', ['--version'], { stdio: 'ignore' }).error) {
  console.warn('screenshots: pngquant not found (apt-get install -y pngquant) — no palette quantisation');
} else {
  const r = spawnSync('pngquant', ['--quality=80-98', '--speed', '3', '--skip-if-larger', '--force', '--ext', '.png', ...files], { stdio: 'inherit' });
  // 98/99: quality not reached or result larger — the file is left as it was.
  if (r.status !== 0 && r.status !== 98 && r.status !== 99) process.exit(r.status ?? 1);
}
if (spawnSync('optipng', ['-v'], { stdio: 'ignore' }).error) {
  console.warn('screenshots: optipng not found (apt-get install -y optipng) — PNGs left unoptimised');
} else {
  const before = size();
  const r = spawnSync('optipng', ['-o2', '-quiet', ...files], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`screenshots: optipng ${files.length} PNGs, ${before} -> ${size()} bytes`);
}
