// Bundles the extension, the CLI and the test suites. `--production` minifies and drops
// sourcemaps (used by `npm run package`); `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// The version is injected as a constant (src/core/version.ts) rather than bundling package.json.
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

/** Every `*.test.ts` under a folder, recursively. */
function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { __FLOWGEAR_VERSION__: JSON.stringify(version) },
  // jsonc-parser's UMD entry loads its parts with dynamic require(); its ESM build bundles.
  mainFields: ['module', 'main'],
  // node-forge and undici are pure JS: bundled. Only `vscode` stays external.
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
];

if (!production) {
  // Tests are bundled one file each so mocha can load them independently; mocha itself
  // is external because the runner provides it.
  const unit = testFiles('test/unit');
  const integration = testFiles('test/integration');
  builds.push({
    ...common,
    entryPoints: Object.fromEntries(unit.map((f) => [relative('test/unit', f).replace(/\.ts$/, ''), f])),
    outdir: 'dist/test/unit',
    external: ['vscode', 'mocha'],
  });
  builds.push({
    ...common,
    entryPoints: {
      index: 'test/integration/index.ts',
      ...Object.fromEntries(integration.map((f) => [relative('test/integration', f).replace(/\.ts$/, ''), f])),
    },
    outdir: 'dist/test/suite',
    external: ['vscode', 'mocha'],
  });
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('esbuild: watching for changes…');
} else {
  rmSync('dist', { recursive: true, force: true });
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
