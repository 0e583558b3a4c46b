import { readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { BODY_FILE_LIMIT, readBoundedSync } from '../../core/boundedRead';
import { UserError } from '../../core/errors';
import { evaluateAll } from '../../core/invoke/expect';
import { Invoker, type InvokeOptions } from '../../core/invoke/invoker';
import { junitXml } from '../../core/invoke/junit';
import { runLoad, type LoadSample, type LoadStats } from '../../core/invoke/load';
import { parseRequestFile, type RequestFile } from '../../core/invoke/requestFile';
import { findEnvironment, findKey } from '../../core/invoke/resolve';
import { buildRequest, checksFor, recordExchange, runRequestFile, selectedRequests, type RequestOutcome, type RunFileOptions } from '../../core/invoke/run';
import type { ExchangeRecord } from '../../core/invoke/variables';
import { findManifest } from '../../core/manifest/load';
import type { Manifest } from '../../core/manifest/types';
import { type Command, UsageError, parse, secretFromEnv } from '../args';
import { SHARED_OPTIONS, manifestIn, pairs, positiveInt, timeoutsFrom } from '../invokeOptions';
import { TARGET_OPTIONS, TARGET_USAGE, targetOptions } from '../target';
import { networkFrom, networkOptions, networkUsage } from '../network';

const usage = `Usage:
  flowgear-mtls run FILE|DIR... [--env NAME] [--key NAME] [--var k=v]... [--grep RE] [--bail]
                [--reporter spec|json|junit] [--output FILE] [--workspace DIR] [--timeout MS]
                [--passphrase-env VAR]
  flowgear-mtls run FILE|DIR... (--iterations N | --duration 30s) [--concurrency C] [--json] …

Runs every request of the request files (*.flowgear.http in each DIR, recursively) in order, as
tests: values of '# @name'd responses flow into later requests, '# @expect' / '??' lines are
checked (without a status check a request must answer 2xx). --env and --key apply to requests
that name none; --var values win over the files' variables.

  --reporter R   spec (default: a line per request), json, or junit (XML for CI)
  --output FILE  write the report to FILE (a spec summary still goes to stdout)
  --grep RE      only requests whose name, title or file path matches RE
  --bail         stop after the first failed request

Load mode runs the selected requests repeatedly over kept-alive connections (one per key and
origin per concurrent worker) and prints throughput, latency p50/p90/p99/max and counts by
status and by error kind (--json: the same numbers as JSON; a progress line on a terminal).
  --iterations N   run the whole sequence N times      --duration T  for T (30s, 2m, 500ms)
  --concurrency C  C sequences at once (default 1)

${TARGET_USAGE}

Exit codes: 0 every request passed, 1 a request or expectation failed, 2 usage errors.

${networkUsage}`;

const options = {
  ...SHARED_OPTIONS,
  ...TARGET_OPTIONS,
  grep: { type: 'string' },
  bail: { type: 'boolean' },
  reporter: { type: 'string' },
  output: { type: 'string' },
  iterations: { type: 'string' },
  duration: { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
  ...networkOptions,
} as const;

const SKIP_DIRS = new Set(['node_modules', '.git', '.flowgear', 'dist', 'out']);

/** Request files named on the command line: files as given, folders searched for *.flowgear.http. */
export function requestFiles(paths: string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 20) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(join(dir, e.name), depth + 1);
      else if (e.isFile() && e.name.endsWith('.flowgear.http')) out.push(join(dir, e.name));
    }
  };
  for (const p of paths) {
    const full = resolve(cwd, p);
    let st;
    try {
      st = statSync(full);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) walk(full, 0);
    else if (st.isFile()) out.push(full);
    else throw new UsageError(`${p}: not a file or folder`);
  }
  return [...new Set(out)];
}

/** Folder of the nearest flowgear.json at or above `dir` (request files may sit in sub-folders). */
export function manifestDirAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (findManifest(d)) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** `30s`, `2m`, `500ms`, `1h`, or seconds. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--duration expects a time like 30s, 2m or 500ms (got '${v}')`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}

const MARK: Record<RequestOutcome['state'], string> = { passed: '✔', failed: '✘', error: '!', skipped: '-' };

function specLine(o: RequestOutcome): string {
  const head = `  ${MARK[o.state]} ${o.title}`;
  if (o.state === 'skipped') return `${head}  (skipped: ${o.skipReason})\n`;
  if (o.state === 'error') return `${head}  ${o.error?.message}\n`;
  const lines = [`${head}  ${o.method} ${o.url} → ${o.status}  ${Math.round(o.durationMs)} ms\n`];
  for (const e of o.expectations) if (!e.pass) lines.push(`      ✘ ${e.message}${e.expectation.line >= 0 ? `  (line ${e.expectation.line + 1})` : ''}\n`);
  return lines.join('');
}

function summary(all: RequestOutcome[], ms: number): string {
  const n = (s: RequestOutcome['state']) => all.filter((o) => o.state === s).length;
  return `\n${all.length} request${all.length === 1 ? '' : 's'}: ${n('passed')} passed, ${n('failed')} failed, ${n('error')} errors, ${n('skipped')} skipped (${Math.round(ms)} ms)\n`;
}

function jsonReport(all: RequestOutcome[], cwd: string, ms: number) {
  const n = (s: RequestOutcome['state']) => all.filter((o) => o.state === s).length;
  return {
    summary: { requests: all.length, passed: n('passed'), failed: n('failed'), errors: n('error'), skipped: n('skipped'), durationMs: Math.round(ms) },
    requests: all.map(({ result: _r, ...o }) => ({ ...o, file: relative(cwd, o.file) || o.file, line: o.line + 1, durationMs: Math.round(o.durationMs * 100) / 100, expectations: o.expectations.map((e) => ({ check: e.expectation.source, line: e.expectation.line + 1, pass: e.pass, actual: e.actual, message: e.message })) })),
  };
}

/** Writes a report whole or not at all. */
function writeReport(file: string, text: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    throw new UserError(`--output: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'output-file');
  }
}

function loadText(s: LoadStats): string {
  const l = s.latencyMs;
  const by = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
  return (
    `${s.requests} requests in ${(s.elapsedMs / 1000).toFixed(2)} s (${s.iterations} iterations, concurrency ${s.concurrency}): ${s.throughput} req/s\n` +
    `latency ms  p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}  (min ${l.min}, mean ${l.mean})\n` +
    `statuses    ${by(s.statuses)}\n` +
    `errors      ${by(s.errors)}\n` +
    `failed expectations ${s.failedExpectations}\n`
  );
}

export const run: Command = {
  summary: 'run the requests of .flowgear.http files as tests (spec, JSON or JUnit report), or as a load test',
  usage,
  async run(argv, io) {
    const { values: v, positionals } = parse(argv, options);
    if (!positionals.length) throw new UsageError('name at least one request file or folder; see flowgear-mtls run --help');
    const reporter = v.reporter ?? 'spec';
    if (!['spec', 'json', 'junit'].includes(reporter)) throw new UsageError(`--reporter is spec, json or junit (got '${reporter}')`);
    let grep: RegExp | undefined;
    try {
      grep = v.grep !== undefined ? new RegExp(v.grep) : undefined;
    } catch (e) {
      throw new UsageError(`--grep: ${(e as Error).message}`);
    }
    const load = v.iterations !== undefined || v.duration !== undefined;
    if (!load && (v.concurrency !== undefined || v.json)) throw new UsageError('--concurrency and --json belong to load mode (--iterations N or --duration T); use --reporter json for a JSON report');
    if (load && (v.reporter || v.output || v.bail)) throw new UsageError('--reporter, --output and --bail are for test runs, not load mode (--json gives its numbers)');
    const iterations = v.iterations !== undefined ? positiveInt(v.iterations, '--iterations', 1) : undefined;
    const durationMs = v.duration !== undefined ? parseDuration(v.duration) : undefined;
    const concurrency = positiveInt(v.concurrency, '--concurrency', 1);
    const values = pairs(v.var, '=', '--var');
    const target = targetOptions(v, values);
    const passphrase = secretFromEnv(v['passphrase-env'], io.env);
    const files = requestFiles(positionals, io.cwd);
    if (!files.length) throw new UsageError(`no *.flowgear.http files in ${positionals.join(', ')}`);

    // Manifests: --workspace, else the nearest flowgear.json above each file.
    const manifests = new Map<string, Manifest>();
    const manifestDir = (file: string) => (v.workspace ? resolve(io.cwd, v.workspace) : manifestDirAbove(dirname(file)) ?? dirname(file));
    const manifestOf = async (file: string) => {
      const key = manifestDir(file);
      let m = manifests.get(key);
      if (!m) {
        m = await manifestIn(key);
        // Names given on the command line are checked up front: a typo is a usage error.
        if (v.key) findKey(m, v.key);
        if (v.env) findEnvironment(m, v.env);
        manifests.set(key, m);
      }
      return m;
    };
    const parsed = new Map<string, RequestFile>();
    for (const f of files) {
      await manifestOf(f);
      // Files found by a folder walk may be committed symlinks to /dev/zero or a FIFO.
      const text = readBoundedSync(f, { field: 'request file', limit: BODY_FILE_LIMIT }).toString('utf8');
      const pf = parseRequestFile(text);
      parsed.set(f, pf);
      for (const d of pf.diagnostics) if (d.severity !== 'info') io.err(`${relative(io.cwd, f) || f}:${d.line + 1}:${d.column + 1}: ${d.severity}: ${d.message}\n`);
    }

    const invoker = new Invoker();
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    const invokeOptions: InvokeOptions = { passphrase, timeouts: timeoutsFrom(v.timeout), signal: ac.signal, network: networkFrom(v, io) };
    const common = (file: string, exchanges: Map<string, ExchangeRecord>): RunFileOptions => ({
      file,
      manifest: manifests.get(manifestDir(file))!,
      invoker,
      environment: v.env,
      key: v.key,
      values,
      ...target,
      grep,
      env: io.env,
      invoke: invokeOptions,
      passphraseEnv: v['passphrase-env'],
      exchanges,
    });
    try {
      if (load) return await loadMode();
      return await testMode();
    } finally {
      process.removeListener('SIGINT', onSigint);
      await invoker.dispose();
    }

    async function testMode(): Promise<number> {
      const started = performance.now();
      const all: RequestOutcome[] = [];
      const exchanges = new Map<string, ExchangeRecord>();
      const spec = reporter === 'spec' || v.output !== undefined;
      let failed = false;
      for (const file of files) {
        if ((v.bail && failed) || ac.signal.aborted) break;
        if (spec) io.out(`${relative(io.cwd, file) || file}\n`);
        const outcomes = await runRequestFile({
          ...common(file, exchanges),
          text: undefined,
          stop: () => (!!v.bail && failed) || ac.signal.aborted,
          onOutcome: (o) => {
            if (o.state === 'failed' || o.state === 'error') failed = true;
            if (spec) io.out(specLine(o));
          },
        });
        all.push(...outcomes);
      }
      const ms = performance.now() - started;
      if (spec) io.out(summary(all, ms));
      const report = reporter === 'junit' ? junitXml(all, { baseDir: io.cwd }) : reporter === 'json' ? JSON.stringify(jsonReport(all, io.cwd, ms), null, 2) + '\n' : undefined;
      if (v.output !== undefined) writeReport(resolve(io.cwd, v.output), report ?? '');
      else if (report !== undefined) io.out(report);
      if (ac.signal.aborted) throw new UserError('run cancelled', 'cancelled');
      return all.some((o) => o.state === 'failed' || o.state === 'error') ? 1 : 0;
    }

    async function loadMode(): Promise<number> {
      const plan = files.map((file) => ({ file, f: parsed.get(file)!, blocks: selectedRequests(parsed.get(file)!, file, { grep }).filter((b) => !b.disabled) }));
      if (!plan.some((p) => p.blocks.length)) throw new UsageError('no request to run (all filtered out by --grep or disabled)');
      const tty = !v.json && !!process.stderr.isTTY;
      const stats = await runLoad({
        concurrency,
        iterations,
        durationMs,
        signal: ac.signal,
        onProgress: tty ? (s) => process.stderr.write(`\r${s.requests} requests, ${s.throughput} req/s, p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms, errors ${Object.values(s.errors).reduce((a, b) => a + b, 0)}   `) : undefined,
        iteration: async (_w, signal) => {
          const samples: LoadSample[] = [];
          const exchanges = new Map<string, ExchangeRecord>();
          for (const p of plan) {
            const o = common(p.file, exchanges);
            for (const b of p.blocks) {
              if (signal.aborted && samples.length) return samples;
              const t = performance.now();
              try {
                const req = await buildRequest(o, p.f, b);
                const checks = await checksFor(o, p.f, b);
                const r = await invoker.invoke(req, invokeOptions);
                recordExchange(exchanges, b, req, r);
                const failedExpectations = evaluateAll(checks, { status: r.status, headers: r.headers, body: r.body, durationMs: r.timings.total }).filter((e) => !e.pass).length;
                samples.push({ latencyMs: r.timings.total, status: r.status, failedExpectations });
              } catch (e) {
                if (ac.signal.aborted) return samples;
                samples.push({ latencyMs: performance.now() - t, error: e instanceof UserError ? e.code : 'internal', failedExpectations: 0 });
              }
            }
          }
          return samples;
        },
      });
      if (tty) process.stderr.write('\r\x1b[K');
      io.out(v.json ? JSON.stringify(stats, null, 2) + '\n' : loadText(stats));
      if (ac.signal.aborted) throw new UserError('load run cancelled', 'cancelled');
      return Object.keys(stats.errors).length || stats.failedExpectations ? 1 : 0;
    }
  },
};
