import { hostname } from 'node:os';
import { relative } from 'node:path';
import type { RequestOutcome } from './run';

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, Azure Pipelines, GitHub test reporters):
 * <testsuites> → one <testsuite> per request file → one <testcase> per request, with
 * <failure> (an expectation did not hold), <error> (not sendable / invoke failed) or <skipped>.
 */

/** Escapes text for XML 1.0 content and attributes; drops characters XML cannot carry. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

export function junitXml(outcomes: RequestOutcome[], o: { baseDir: string; name?: string; timestamp?: Date }): string {
  const files = [...new Set(outcomes.map((x) => x.file))];
  const count = (list: RequestOutcome[], s: RequestOutcome['state']) => list.filter((x) => x.state === s).length;
  const total = (list: RequestOutcome[]) => list.reduce((t, x) => t + x.durationMs, 0);
  const stamp = (o.timestamp ?? new Date()).toISOString().replace(/\.\d{3}Z$/, '');
  const suites = files.map((file, id) => {
    const list = outcomes.filter((x) => x.file === file);
    const rel = relative(o.baseDir, file) || file;
    const cases = list.map((x) => {
      const attrs = `name="${xmlText(x.title)}" classname="${xmlText(rel)}" time="${secs(x.durationMs)}" file="${xmlText(rel)}" line="${x.line + 1}"`;
      const out = x.status !== undefined ? `\n      <system-out>${xmlText(`${x.method} ${x.url} → ${x.status} in ${Math.round(x.durationMs)} ms\n${x.expectations.map((e) => `${e.pass ? '✔' : '✘'} ${e.pass ? e.expectation.source : e.message}`).join('\n')}`)}</system-out>` : '';
      if (x.state === 'passed') return `    <testcase ${attrs}>${out ? `${out}\n    ` : ''}</testcase>`;
      if (x.state === 'skipped') return `    <testcase ${attrs}>\n      <skipped message="${xmlText(x.skipReason ?? 'skipped')}"/>\n    </testcase>`;
      if (x.state === 'failed') {
        const failed = x.expectations.filter((e) => !e.pass);
        const detail = failed.map((e) => `line ${e.expectation.line + 1}: ${e.message}`).join('\n');
        return `    <testcase ${attrs}>\n      <failure message="${xmlText(failed[0]?.message ?? 'failed')}" type="expectation">${xmlText(detail)}</failure>${out}\n    </testcase>`;
      }
      return `    <testcase ${attrs}>\n      <error message="${xmlText(x.error?.message ?? 'error')}" type="${xmlText(x.error?.code ?? 'error')}">${xmlText(x.error?.message ?? '')}</error>\n    </testcase>`;
    });
    return (
      `  <testsuite id="${id}" name="${xmlText(rel)}" tests="${list.length}" failures="${count(list, 'failed')}" errors="${count(list, 'error')}" skipped="${count(list, 'skipped')}" time="${secs(total(list))}" timestamp="${stamp}" hostname="${xmlText(hostname())}" file="${xmlText(rel)}">\n` +
      cases.join('\n') +
      (cases.length ? '\n' : '') +
      '  </testsuite>'
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${xmlText(o.name ?? 'flowgear-mtls run')}" tests="${outcomes.length}" failures="${count(outcomes, 'failed')}" errors="${count(outcomes, 'error')}" skipped="${count(outcomes, 'skipped')}" time="${secs(total(outcomes))}">\n` +
    suites.join('\n') +
    (suites.length ? '\n' : '') +
    '</testsuites>\n'
  );
}
