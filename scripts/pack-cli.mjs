// `npm run pack:cli`: the CLI as its own npm package, separate from the VSIX: one bundled,
// minified file (every runtime dependency inside), a `files` whitelist, no dependencies.
//   node scripts/pack-cli.mjs [DEST]   → DEST/flowgear-mtls-<version>.tgz (default: dist/)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const pkgDir = join(root, 'packages', 'cli');
const dest = resolve(process.argv[2] ?? join(root, 'dist'));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

await esbuild.build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outfile: join(pkgDir, 'cli.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: '#!/usr/bin/env node' },
  define: { __FLOWGEAR_VERSION__: JSON.stringify(version) }, // src/core/version.ts
  logLevel: 'warning',
});
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
if (pkg.version !== version) {
  pkg.version = version;
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
}
copyFileSync(join(root, 'LICENSE'), join(pkgDir, 'LICENSE'));
mkdirSync(dest, { recursive: true });
const r = spawnSync('npm', ['pack', '--pack-destination', dest, '--json'], { cwd: pkgDir, encoding: 'utf8' });
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const [info] = JSON.parse(r.stdout);
console.log(join(dest, info.filename));
