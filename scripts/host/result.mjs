// Pure helpers of the integration runner, unit-tested in test/unit/host/.
import { format } from 'node:util';

/** The suite's summary line, as test/integration/index.ts prints it. */
const RESULT = /^integration: (\d+) passed, (\d+) failed\s*$/m;

/**
 * Finds the last `integration: N passed, N failed` line in the extension host output.
 * @param {string} output
 * @returns {{ passed: number, failed: number } | undefined}
 */
export function parseResult(output) {
  let found;
  for (const m of output.matchAll(new RegExp(RESULT.source, 'gm'))) found = { passed: Number(m[1]), failed: Number(m[2]) };
  return found;
}

/**
 * The outcome the runner reports. A host that never printed a summary, exited non-zero or
 * timed out counts as a failure, never as 0/0.
 * @param {{ output: string, exitCode?: number, timedOut?: boolean, error?: string }} run
 * @returns {{ passed: number, failed: number }}
 */
export function outcome({ output, exitCode, timedOut, error }) {
  const r = parseResult(output);
  const broken = timedOut || error !== undefined || exitCode !== 0 || r === undefined;
  if (broken && (r?.failed ?? 0) === 0) return { passed: r?.passed ?? 0, failed: 1 };
  return r ?? { passed: 0, failed: 1 };
}

/**
 * Turns one codeAutomationLog call into text. The workbench passes the extension host's
 * console arguments unformatted (mocha logs `['  %d passing (%s)', 4, '93ms']`).
 * @param {unknown} args
 */
export function formatLog(args) {
  return Array.isArray(args) ? format(...args) : format(args);
}

/** Workbench chatter that says nothing about the suite (shown with FLOWGEAR_TEST_VERBOSE=1). */
const CHATTER = [
  /^Ignoring fetching additional builtin extensions from gallery/,
  /^Updating additional builtin extensions cache/,
  /^Creating a socket \(/,
  /^Resolv(ing|ed) connection token/,
  /^\[Service Worker\] registration/,
  /^ChatSessionStore: /,
];

/** @param {string} line */
export function isChatter(line) {
  return CHATTER.some((re) => re.test(line));
}
