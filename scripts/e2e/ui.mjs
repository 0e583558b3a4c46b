// Workbench helpers for the end-to-end test: what a user does (keys, clicks) plus waits that
// retry, because commands, views and CodeLenses appear only once the extension host is ready.

/** Retries `fn` until it returns a truthy value or `timeoutMs` passes; the last error explains. */
export async function until(what, fn, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last.message ?? last}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Text content of every element matching `selector` (innerText: what is rendered). */
export async function texts(page, selector) {
  return page.locator(selector).evaluateAll((els) => els.map((e) => (e instanceof HTMLElement ? e.innerText : e.textContent ?? '')));
}

/** Closes quick input, hovers and notifications that a previous step may have left open. */
export async function calm(page) {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
}

const QUICK_INPUT = '.quick-input-widget';

async function quickInputVisible(page) {
  return page.locator(QUICK_INPUT).isVisible();
}

/** Rows of the open quick pick (label + description as shown). */
export async function quickPickRows(page) {
  return texts(page, `${QUICK_INPUT} .quick-input-list .monaco-list-row`);
}

/**
 * Runs a command through the command palette (F1), by its title as shown there,
 * retrying until the extension registered it.
 */
export async function runCommand(page, title, { timeoutMs = 60_000 } = {}) {
  await until(`command "${title}" in the command palette`, async () => {
    await calm(page);
    await page.keyboard.press('F1');
    const input = page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    // fill(), not typing: keystrokes racing the palette's focus would land in the editor.
    await input.fill(`>${title}`);
    // The list filters as you type; the exact title must be among the results.
    const ok = await until('palette results', async () => {
      const all = await texts(page, `${QUICK_INPUT} .quick-input-list .monaco-list-row .label-name`);
      return all.some((t) => t.replace(/\s+/g, ' ').trim() === title);
    }, { timeoutMs: 3_000 }).catch(() => false);
    if (!ok) return false;
    const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`).filter({ has: page.locator('.label-name', { hasText: title }) }).first();
    await row.click();
    return true;
  }, { timeoutMs, intervalMs: 1_000 });
}

/** Waits for a quick pick whose placeholder/title contains `prompt`, then picks the row whose label includes `label`. */
export async function pick(page, prompt, label, { timeoutMs = 20_000 } = {}) {
  await until(`quick pick "${prompt}"`, async () => {
    if (!(await quickInputVisible(page))) return false;
    const placeholder = (await page.locator(`${QUICK_INPUT} input`).getAttribute('placeholder')) ?? '';
    const title = (await page.locator(`${QUICK_INPUT} .quick-input-title`).innerText().catch(() => '')) ?? '';
    return placeholder.includes(prompt) || title.includes(prompt);
  }, { timeoutMs });
  const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`).filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}

/** Waits for an input box whose title/prompt contains `prompt`, types `value` and presses Enter. */
export async function answer(page, prompt, value, { timeoutMs = 20_000 } = {}) {
  await until(`input box "${prompt}"`, async () => {
    if (!(await quickInputVisible(page))) return false;
    const title = await page.locator(`${QUICK_INPUT} .quick-input-title`).innerText().catch(() => '');
    const message = await page.locator(`${QUICK_INPUT} .quick-input-message`).innerText().catch(() => '');
    return `${title}\n${message}`.includes(prompt);
  }, { timeoutMs });
  await page.locator(`${QUICK_INPUT} input`).fill(value);
  await page.keyboard.press('Enter');
}

/** Opens a workspace file by name through Quick Open (Ctrl+P). */
export async function quickOpen(page, name) {
  await until(`"${name}" in Quick Open`, async () => {
    await calm(page);
    await page.keyboard.press('Control+P');
    const input = page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(name);
    const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`).filter({ hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    await row.click();
    return true;
  }, { timeoutMs: 30_000, intervalMs: 1_000 });
}

/**
 * The frame of a webview (VS Code nests the content in an iframe inside an iframe) whose
 * document matches `selector`; waits for it.
 */
export async function webviewFrame(page, selector, { timeoutMs = 30_000, text } = {}) {
  return until(`a webview showing ${selector}${text ? ` with "${text}"` : ''}`, async () => {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      const el = await f.$(selector).catch(() => null);
      if (!el) continue;
      if (!text) return f;
      const t = await el.innerText().catch(() => '');
      if (t.includes(text)) return f;
    }
    return undefined;
  }, { timeoutMs, intervalMs: 500 });
}
