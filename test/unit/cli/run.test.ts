/**
 * `flowgear-mtls run` as a real process against the emulator: spec lines, exit codes, the
 * JUnit report read by a JUnit consumer nobody here wrote (test-results-parser, the parser
 * behind testbeats), JSON, --grep, --bail, --var, and load mode (bounded in count and time).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseTestResults } from 'test-results-parser';
import { emulated, type Emulated } from '../invoke/emulated';

const CLI = join(process.cwd(), 'dist', 'cli.js');

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const MIXED = `@id = 7

### getCustomer
# @name getCustomer
# @key prod
GET /customers/{{id}}
# @expect status 200
# @expect json $.FgUsername == Key: prod
?? header content-type includes json

### chained
# @key prod
POST /orders
Content-Type: application/json
# @expect json $.body contains "Key: prod"

{ "who": "{{getCustomer.response.body.$.FgUsername}}" }

### wrong status
# @key prod
GET /customers/8
# @expect status 201
# @expect duration < 60000

### skipped
# @disabled
# @key prod
GET /customers/9

### broken
# @key prod
GRPC /svc/Method
`;

const GREEN = `# @name one
# @key ci-test
GET /customers/{{id}}
# @expect json $.pathVariables.id == "{{id}}"

###
# @key ci-test
GET /reports/revenue?name=Q3
`;

describe('cli: flowgear-mtls run', function () {
  this.timeout(120_000);
  let e: Emulated;
  let dir: string;
  before(async () => {
    e = await emulated('handshake');
    dir = join(e.fx.dir, 'tests');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'mixed.flowgear.http'), MIXED);
    writeFileSync(join(dir, 'sub', 'green.flowgear.http'), '@id = 3\n\n' + GREEN);
    writeFileSync(join(dir, 'notes.http'), 'GET /not-picked-up-from-a-folder\n');
  });
  after(() => e?.close());

  it('spec lines per request, exit 1 on a failed expectation, and a JUnit report a JUnit consumer reads', async () => {
    const r = await cli(['run', 'tests', '--reporter', 'junit', '--output', 'report.xml'], e.fx.dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /tests\/mixed\.flowgear\.http\n {2}✔ getCustomer {2}GET https:\/\/127\.0\.0\.1:\d+\/customers\/7 → 200 {2}\d+ ms\n/);
    assert.match(r.stdout, / {2}✘ wrong status .* → 200 .*\n {6}✘ expected status 201, got 200 {2}\(line 22\)\n/);
    assert.match(r.stdout, / {2}- skipped {2}\(skipped: disabled/);
    assert.match(r.stdout, / {2}! broken {2}line 32:1: GRPC requests are not supported/);
    assert.match(r.stdout, /7 requests: 4 passed, 1 failed, 1 errors, 1 skipped/);
    assert.match(r.stderr, /mixed\.flowgear\.http:32:1: error: GRPC requests are not supported/);
    assert.doesNotMatch(r.stdout + r.stderr, /\bat .*:\d+:\d+/);

    const report = join(e.fx.dir, 'report.xml');
    const res = parseTestResults({ type: 'junit', files: [report] });
    assert.deepEqual([res.total, res.passed, res.failed, res.errors, res.skipped], [6, 4, 1, 1, 1]);
    assert.deepEqual(res.suites.map((s) => s.name), ['tests/mixed.flowgear.http', 'tests/sub/green.flowgear.http']);
    const cases = res.suites[0].cases;
    assert.deepEqual(cases.map((c) => [c.name, c.status]), [['getCustomer', 'PASS'], ['chained', 'PASS'], ['wrong status', 'FAIL'], ['skipped', 'SKIP'], ['broken', 'FAIL']]);
    assert.equal(cases[2].failure, 'expected status 201, got 200');
    assert.match(cases[4].failure, /GRPC requests are not supported/);
    assert.ok(cases[0].duration >= 0 && res.suites[1].cases.every((c) => c.status === 'PASS'));
    // The XML itself: well-formed for python's parser too, with the CI attributes set.
    const xml = readFileSync(report, 'utf8');
    const py = await new Promise<string>((resolve, reject) => {
      const p = spawn('python3', ['-c', 'import sys, xml.etree.ElementTree as T; r = T.parse(sys.argv[1]).getroot(); print(r.tag, r.get("tests"), r.get("failures"), r.get("errors"), r.get("skipped"), len(r.findall("testsuite/testcase")))', report]);
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`python3 exit ${code}`))));
    });
    assert.equal(py, 'testsuites 7 1 1 1 7');
    assert.match(xml, /<testcase name="getCustomer" classname="tests\/mixed\.flowgear\.http" time="\d+\.\d{3}" file="tests\/mixed\.flowgear\.http" line="6">/);
  });

  it('exit 0 when everything passes; --var wins over the file; JSON report', async () => {
    const r = await cli(['run', 'tests/sub/green.flowgear.http', '--var', 'id=55', '--reporter', 'json'], e.fx.dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.summary, { ...doc.summary, requests: 2, passed: 2, failed: 0, errors: 0, skipped: 0 });
    assert.match(doc.requests[0].url, /\/customers\/55\?_profile=Test$/);
    const local = e.emu.url.replace('127.0.0.1', 'localhost');
    const moved = await cli(['run', 'tests/sub/green.flowgear.http', '--base-url', local, '--profile', 'QA', '--reporter', 'json'], e.fx.dir);
    assert.equal(JSON.parse(moved.stdout).requests[0].url, `${local}/customers/3?_profile=QA`, '--base-url and --profile (shared with invoke) apply to run');
    assert.deepEqual(doc.requests[0].expectations.map((x: { check: string; pass: boolean }) => [x.check, x.pass]), [['status 2xx', true], ['json $.pathVariables.id == "{{id}}"', true]]);
  });

  it('--grep picks requests by name, title or path; --bail stops at the first failure', async () => {
    const g = await cli(['run', 'tests', '--grep', 'getCustomer|one'], e.fx.dir);
    assert.equal(g.code, 0, g.stdout);
    assert.match(g.stdout, /2 requests: 2 passed/);
    const b = await cli(['run', 'tests', '--bail'], e.fx.dir);
    assert.equal(b.code, 1);
    assert.match(b.stdout, /3 requests: 2 passed, 1 failed, 0 errors, 0 skipped/);
    assert.doesNotMatch(b.stdout, /green/);
  });

  it('usage errors exit 2 with one line', async () => {
    for (const args of [['run'], ['run', 'tests', '--reporter', 'xml'], ['run', 'nowhere'], ['run', 'tests', '--key', 'nope'], ['run', 'tests', '--grep', '('], ['run', 'tests', '--iterations', '0'], ['run', 'tests', '--concurrency', '2']]) {
      const r = await cli(args, e.fx.dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('load mode: N iterations × C concurrent, percentiles and counts by status and error kind (--json)', async () => {
    writeFileSync(join(e.fx.dir, 'load.flowgear.http'), '# @key prod\nGET /customers/1\n\n###\n# @key off\nGET /customers/2\n# @expect status 404\n\n###\n# @key prod\nGET /customers/{{missing}}\n');
    const r = await cli(['run', 'load.flowgear.http', '--iterations', '30', '--concurrency', '3', '--json'], e.fx.dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.replace(/^.*warning.*\n/gm, ''), '', 'no progress line without a terminal');
    const s = JSON.parse(r.stdout);
    assert.equal(s.iterations, 30);
    assert.equal(s.requests, 90);
    assert.deepEqual(s.statuses, { 200: 30, 404: 30 });
    assert.deepEqual(s.errors, { 'missing-variable': 30 });
    assert.equal(s.failedExpectations, 0);
    const l = s.latencyMs;
    assert.ok(l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max && l.max < 30_000, JSON.stringify(l));
    assert.ok(s.throughput > 0);

    const started = Date.now();
    const d = await cli(['run', 'load.flowgear.http', '--grep', 'customers/1$', '--duration', '1s', '--concurrency', '2'], e.fx.dir);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    assert.ok(Date.now() - started < 20_000);
    assert.match(d.stdout, /^\d+ requests in \d+\.\d\d s \(\d+ iterations, concurrency 2\): [\d.]+ req\/s\nlatency ms {2}p50 [\d.]+ {2}p90 [\d.]+ {2}p99 [\d.]+ {2}max [\d.]+/);
    assert.match(d.stdout, /statuses {4}200 ×\d+\nerrors {6}none\n/);
  });
});
