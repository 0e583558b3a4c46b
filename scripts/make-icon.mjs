// Renders media/icon.svg to media/icon.png (128×128, transparent corners) with Debian's
// chromium through playwright-core. Run after editing the SVG: `node scripts/make-icon.mjs`.
// Optional: `node scripts/make-icon.mjs in.svg out.png size` for other renders (e.g. previews).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const [src = 'media/icon.svg', out = 'media/icon.png', sizeArg = '128'] = process.argv.slice(2);
const size = Number(sizeArg);
const svg = readFileSync(resolve(root, src), 'utf8');

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`);
  await page.waitForFunction(() => document.images[0]?.complete);
  await page.screenshot({ path: resolve(root, out), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  console.log(`wrote ${out} (${size}×${size})`);
} finally {
  await browser.close();
}
