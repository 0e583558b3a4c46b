// The user's script, step by step. Each step asserts on DOM text and saves a screenshot.
// ctx: { page, workspace, thumbprints: { 'ci-test': …, ops: … }, emulator: { url }, shot(name) }
import assert from 'node:assert/strict';
import { answer, calm, pick, quickOpen, quickPickRows, runCommand, texts, until, webviewFrame } from './ui.mjs';

async function statusText(page) {
  const all = await texts(page, '.statusbar-item');
  return all.find((t) => t.includes('Flowgear:'));
}

async function treeRows(page) {
  return texts(page, '.pane .monaco-list-row');
}

/** Response view: the webview frame whose #key reads `Key: NAME`. */
async function responseFrame(page, key, urlPart) {
  return until(`the response view for ${key} (${urlPart})`, async () => {
    const f = await webviewFrame(page, '#key', { text: `Key: ${key}`, timeoutMs: 2_000 }).catch(() => undefined);
    if (!f) return undefined;
    const url = await f.$eval('#url', (e) => e.innerText).catch(() => '');
    return url.includes(urlPart) ? f : undefined;
  }, { timeoutMs: 45_000, intervalMs: 500 });
}

export const steps = [
  {
    id: '01-activated',
    name: 'the extension activates on the demo workspace (status bar shows the environment)',
    async run({ page }) {
      const text = await until('"Flowgear: Production" in the status bar', async () => {
        const t = await statusText(page);
        return t?.includes('Production') ? t : undefined;
      }, { timeoutMs: 90_000 });
      assert.match(text, /Flowgear: Production/);
    },
  },
  {
    id: '01-walkthrough',
    name: 'the "Get started with Flowgear mTLS" walkthrough lists its six steps',
    async run({ page }) {
      await openWalkthrough(page);
      const titles = (await walkthroughSteps(page)).map((s) => s.title);
      assert.deepEqual(titles, ['Open or create flowgear.json', 'Create a key', 'Upload the .cer and compare the thumbprint', 'Pick an environment', 'Invoke a workflow', 'Copy it as code']);
      await runCommand(page, 'View: Close Editor');
    },
  },
  {
    id: '02-views',
    name: 'the Flowgear view container lists the keys and workflows of flowgear.json',
    async run({ page, shot }) {
      await calm(page);
      const tab = page.locator('.activitybar .action-item a[aria-label^="Flowgear"]').first();
      await tab.waitFor({ state: 'visible', timeout: 30_000 });
      await tab.click();
      const rows = await until('keys and workflows in the Flowgear views', async () => {
        const r = (await treeRows(page)).join('\n');
        return ['ci-test', 'ops', 'Get Customer', 'Create Order', 'Revenue Report'].every((n) => r.includes(n)) ? r : undefined;
      });
      assert.match(rows, /ci-test[\s\S]*Test/, 'ci-test shows its target environment');
      assert.match(rows, /ops[\s\S]*disabled/, 'ops shows that it is disabled');
      assert.match(rows, /GET \/customers\/\{id\}/, 'workflows show method and path template');
      // The demo is clean: no diagnostics from the manifest checks or the JSON schema.
      const problems = await until('the problems counter', async () => (await page.locator('#status\\.problems').getAttribute('aria-label').catch(() => null)) ?? undefined);
      assert.match(problems, /^No Problems$/i, `status bar: ${problems}`);
      await shot('02-views');
    },
  },
  {
    id: '03-hover',
    name: 'hovering a .crt file shows its thumbprint',
    async run({ page, thumbprints, shot }) {
      const expected = thumbprints['ci-test'];
      assert.match(expected, /^[0-9A-F]{40}$/);
      await quickOpen(page, 'ci-test.crt');
      // Monaco renders spaces as U+00A0: match a space-free part of the line.
      const firstLine = page.locator('.monaco-editor .view-lines .view-line', { hasText: 'CERTIFICATE-----' }).first();
      const pem = async () => (await firstLine.count()) > 0;
      // .crt may open in the certificate viewer (a custom editor); reopen it as text to hover the PEM.
      if (!(await until('the certificate editor', pem, { timeoutMs: 5_000 }).catch(() => false))) {
        await runCommand(page, 'View: Reopen Editor With...');
        await pick(page, 'Select editor', 'Text Editor');
      }
      await until('the PEM text in the editor', pem);
      const hover = await until('a hover with the thumbprint', async () => {
        await page.mouse.move(0, 0);
        await firstLine.hover({ position: { x: 40, y: 5 } });
        const h = page.locator('.monaco-hover:visible').first();
        await h.waitFor({ state: 'visible', timeout: 3_000 });
        const t = await h.innerText();
        return t.replace(/[\s:]/g, '').includes(expected) ? t : undefined;
      }, { timeoutMs: 40_000, intervalMs: 500 });
      assert.ok(hover.length > 40);
      await shot('03-hover-thumbprint');
      // "Copy thumbprint" in the hover: what a user does to compare it with the console's.
      await page.locator('.monaco-hover:visible a', { hasText: 'Copy thumbprint' }).first().click();
      await calm(page);
    },
  },
  {
    id: '04-environment',
    name: 'the status bar switches the environment to Test',
    async run({ page, shot }) {
      await calm(page);
      const item = page.locator('.statusbar-item', { hasText: 'Flowgear:' }).first();
      await item.click();
      await until('the environment picker', async () => (await quickPickRows(page)).some((r) => r.includes('_profile=Test')));
      await shot('04-environment-picker');
      await pick(page, 'Flowgear environment', 'Test');
      const text = await until('"Flowgear: Test" in the status bar', async () => {
        const t = await statusText(page);
        return t?.includes('Test') ? t : undefined;
      });
      assert.match(text, /Flowgear: Test/);
      await shot('04-environment-test');
    },
  },
  {
    id: '05-invoke',
    name: '"Flowgear: Invoke Workflow…" from the palette shows Key: ci-test in the response view',
    async run({ page, shot }) {
      await runCommand(page, 'Flowgear: Invoke Workflow…');
      await pick(page, 'Workflow to invoke', 'Get Customer');
      await pick(page, 'Key for Get Customer', 'ci-test');
      await answer(page, '{id}', '7');
      const f = await responseFrame(page, 'ci-test', '/customers/7');
      const status = await f.$eval('#status', (e) => e.innerText);
      const url = await f.$eval('#url', (e) => e.innerText);
      const body = await f.$eval('#pretty', (e) => e.innerText);
      assert.match(status, /^200\b/, `status: ${status}`);
      assert.match(url, /_profile=Test/, 'the Test environment adds _profile=Test');
      assert.match(body, /"FgUsername":\s*"Key: ci-test"/, 'the emulator saw the ci-test certificate');
      assert.match(body, /"FgProfile":\s*"Test"/);
      await shot('05-invoke-response');
    },
  },
  {
    id: '06-codelens',
    name: 'a .flowgear.http file\'s "Invoke" CodeLens sends the request',
    async run({ page, shot }) {
      await quickOpen(page, 'demo.flowgear.http');
      const lens = page.locator('.codelens-decoration a', { hasText: 'Invoke with ci-test' }).first();
      await lens.waitFor({ state: 'visible', timeout: 45_000 });
      await shot('06-request-file-codelens');
      await lens.click();
      const f = await responseFrame(page, 'ci-test', '/customers/42');
      const status = await f.$eval('#status', (e) => e.innerText);
      const body = await f.$eval('#pretty', (e) => e.innerText);
      assert.match(status, /^200\b/, `status: ${status}`);
      assert.match(body, /"FgUsername":\s*"Key: ci-test"/);
      await shot('07-request-file-response');
    },
  },
  {
    id: '07-copy-as-code',
    name: 'the request file\'s "Copy as code" CodeLens gives Python code for that request (key, _profile)',
    async run({ page, shot }) {
      await calm(page);
      await quickOpen(page, 'demo.flowgear.http');
      const lens = page.locator('.codelens-decoration a', { hasText: 'Copy as code' }).first();
      await lens.waitFor({ state: 'visible', timeout: 30_000 });
      await lens.click();
      await pick(page, 'Language for the client code', 'Python');
      // Copied to the clipboard (a notification offers "Open in Editor"), or — when the browser
      // refuses the clipboard — opened in an editor right away.
      const code = page.locator('.monaco-editor .view-lines .view-line', { hasText: '_profile=Test' }).first();
      await until('the generated code', async () => {
        if (await code.count()) return true;
        const open = page.locator('.notifications-toasts .monaco-button', { hasText: 'Open in Editor' }).first();
        if (await open.isVisible().catch(() => false)) await open.click();
        return false;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      // Monaco renders spaces as U+00A0: normalize before matching.
      const lines = (await texts(page, '.monaco-editor .view-lines .view-line')).join('\n').replace(/\u00a0/g, ' ');
      assert.match(lines, /Flowgear key: ci-test/, 'the code names the key');
      assert.match(lines, /\/customers\/42\?_profile=Test/, 'the code calls the same URL');
      await wide(page, () => shot('09-copy-as-code'));
    },
  },
  {
    id: '08-walkthrough',
    name: 'the walkthrough ticks the steps done above (not the others); "Open flowgear.json" ticks its step',
    async run({ page, shot }) {
      await calm(page);
      await openWalkthrough(page);
      const state = await walkthroughSteps(page);
      const done = (title) => state.find((s) => s.title === title)?.done;
      assert.equal(done('Pick an environment'), true, 'the status bar picker ran');
      assert.equal(done('Invoke a workflow'), true, 'a workflow was invoked');
      assert.equal(done('Copy it as code'), true, `the invoke was copied as code: ${JSON.stringify(state)}`);
      assert.equal(done('Upload the .cer and compare the thumbprint'), true, 'the thumbprint was copied from the hover');
      assert.equal(done('Create a key'), false, 'no key was created in this session');
      // The real action of step 1, from the walkthrough's own button.
      await page.locator('.getting-started-step', { hasText: 'Open or create flowgear.json' }).first().click();
      await page.locator('.getting-started-step a.monaco-button', { hasText: 'Open flowgear.json' }).first().click();
      // It opens flowgear.json (in front of the walkthrough), and ticks the step.
      await page.locator('.tab', { hasText: 'flowgear.json' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await openWalkthrough(page);
      await until('step "Open or create flowgear.json" ticked', async () => (await walkthroughSteps(page)).find((s) => s.title === 'Open or create flowgear.json')?.done);
      // One column, no side bar: the page lays out steps and media side by side.
      await wide(page, async () => {
        await openWalkthrough(page); // in front again after the groups were joined
        await page.locator('.getting-started-step', { hasText: 'Invoke a workflow' }).first().click();
        // The step's media (media/walkthrough/invoke.md) renders in a webview, with its screenshot.
        const media = await webviewFrame(page, 'h1', { text: 'Invoke' });
        await until('the media image to load', () => media.$eval('img', (i) => i.complete && i.naturalWidth > 0).catch(() => false), { timeoutMs: 15_000 });
        await shot('08-walkthrough');
      });
    },
  },
];

/** Runs `fn` with one editor column and no side bar (for screenshots of wide content). */
async function wide(page, fn) {
  await runCommand(page, 'View: Single Column Editor Layout');
  await page.keyboard.press('Control+B');
  await page.mouse.move(1, 500); // no tooltip over the content
  try {
    await fn();
  } finally {
    await page.keyboard.press('Control+B');
  }
}

async function openWalkthrough(page) {
  // The workbench registers extension walkthroughs some seconds after activation; until
  // then the command lands on a default walkthrough: close it and try again.
  await until('the Flowgear walkthrough page', async () => {
    await runCommand(page, 'Flowgear: Get Started with Flowgear mTLS');
    const shown = await until('a walkthrough page', async () => {
      const t = (await texts(page, '.gettingStartedContainer h2')).join('\n');
      return t.trim() ? t : undefined;
    }, { timeoutMs: 10_000 });
    if (shown.includes('Get started with Flowgear mTLS')) return true;
    await runCommand(page, 'View: Close Editor');
    return false;
  }, { timeoutMs: 90_000, intervalMs: 2_000 });
}

/** Titles of the walkthrough's steps and whether each shows as completed. */
async function walkthroughSteps(page) {
  return until('the walkthrough steps', async () => {
    const all = await page.locator('.getting-started-step').evaluateAll((els) =>
      els.map((e) => ({ title: e.querySelector('.step-title')?.textContent?.trim() ?? '', done: e.classList.contains('complete') || !!e.querySelector('.codicon-getting-started-step-checked') })),
    );
    return all.length >= 6 ? all : undefined;
  });
}
