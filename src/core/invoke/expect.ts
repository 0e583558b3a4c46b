import { Script } from 'node:vm';

/**
 * Assertions of request files: `# @expect SUBJECT [ARG] OP VALUE`, and httpYac's
 * `?? SUBJECT [ARG] OP VALUE` as a synonym.
 *   status 200 | status 2xx | status != 404
 *   header Content-Type contains json | header ETag exists
 *   body contains Key: ci-test | body matches /ok/i
 *   json $.id == 5 | json $.items[0].name exists   (`?? body $.id == 5` too)
 *   duration < 500   (ms)
 */

export type Subject = 'status' | 'header' | 'body' | 'json' | 'duration';
export type Op = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'startsWith' | 'endsWith' | 'exists' | 'matches';

export interface Expectation {
  subject: Subject;
  /** Header name or JSONPath. */
  arg?: string;
  op: Op;
  expected: string;
  /** 0-based line and the text after `@expect` / `??` (for messages). */
  line: number;
  source: string;
}

export interface ExpectationResult {
  expectation: Expectation;
  pass: boolean;
  /** The actual value, shortened for display. */
  actual: string;
  message: string;
}

/** What assertions look at. */
export interface ResponseFacts {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
}

const OPS: Record<string, Op> = {
  '==': '==', '===': '==', eq: '==', equals: '==',
  '!=': '!=', '!==': '!=', ne: '!=',
  '<': '<', lt: '<', '<=': '<=', lte: '<=', '>': '>', gt: '>', '>=': '>=', gte: '>=',
  contains: 'contains', includes: 'contains', startswith: 'startsWith', endswith: 'endsWith',
  exists: 'exists', isdefined: 'exists', matches: 'matches',
};
const SUBJECTS = ['status', 'header', 'body', 'json', 'duration'];

type Parsed = Omit<Expectation, 'line' | 'source'>;

/** Parses the text after `@expect` or `??`; an error names what is wrong. */
export function parseExpectation(source: string, httpYac = false): Parsed | { error: string } {
  const m = /^(\S+)\s*(.*)$/.exec(source.trim());
  if (!m) return { error: `'@expect' needs a check, e.g. 'status 200', 'json $.id == 5' or 'duration < 500'` };
  let subject = m[1].toLowerCase();
  let rest = m[2];
  if (subject === 'statuscode') subject = 'status';
  if (['js', 'xpath', 'javascript'].includes(subject)) return { error: `${httpYac ? '??' : '@expect'} ${subject} … runs script; not supported (use status, header, body, json or duration)` };
  if (!SUBJECTS.includes(subject)) return { error: `unknown check '${m[1]}' (use status, header, body, json or duration)` };
  let arg: string | undefined;
  const take = () => {
    const t = /^(\S+)\s*(.*)$/.exec(rest);
    if (!t) return undefined;
    rest = t[2];
    return t[1];
  };
  if (subject === 'header') {
    arg = take();
    if (!arg) return { error: "'header' needs a header name, e.g. header Content-Type contains json" };
  } else if (subject === 'json' || (subject === 'body' && rest.startsWith('$'))) {
    arg = take();
    if (!arg || !arg.startsWith('$')) return { error: `'json' needs a path like $.id or $.items[0].name (got '${arg ?? ''}')` };
    const p = parsePath(arg);
    if ('error' in p) return p;
    subject = 'json';
  }
  const opWord = /^(\S+)\s*(.*)$/.exec(rest);
  let op: Op | undefined = opWord ? OPS[opWord[1].toLowerCase()] : undefined;
  let expected: string;
  if (op) expected = opWord![2].trim();
  else if (subject === 'status' && /^\S+$/.test(rest.trim())) {
    op = '==';
    expected = rest.trim();
  } else if ((subject === 'header' || subject === 'json') && rest.trim() === '') {
    op = 'exists';
    expected = '';
  } else if (subject === 'body' && rest.trim() !== '' && !opWord) {
    return { error: "'body' needs an operator, e.g. body contains ok" };
  } else {
    return { error: `expected an operator (==, !=, <, <=, >, >=, contains, startsWith, endsWith, exists, matches) in '${source.trim()}'` };
  }
  if (op !== 'exists' && expected === '' && subject !== 'body') return { error: `'${op}' needs a value in '${source.trim()}'` };
  if (op === 'matches') {
    const re = toRegExp(expected);
    if ('error' in re) return re;
  }
  if (subject === 'status' && op === '==' && !/^\d{3}$|^\dxx$/i.test(expected)) return { error: `status expects a code like 200 or 2xx (got '${expected}')` };
  if ((subject === 'duration' || subject === 'status') && ['<', '<=', '>', '>='].includes(op) && !Number.isFinite(Number(expected))) {
    return { error: `'${op}' compares numbers (got '${expected}')` };
  }
  return { subject: subject as Subject, arg, op, expected };
}

function toRegExp(s: string): RegExp | { error: string } {
  const m = /^\/(.*)\/([a-z]*)$/.exec(s);
  try {
    return m ? new RegExp(m[1], m[2].replace(/[gy]/g, '')) : new RegExp(s);
  } catch (e) {
    return { error: `bad regular expression ${s}: ${(e as Error).message}` };
  }
}

type Step = string | number;

/** JSONPath subset: `$`, `.name`, `['name']`, `["name"]`, `[n]`. */
export function parsePath(path: string): Step[] | { error: string } {
  if (!path.startsWith('$')) return { error: `a JSON path starts with $ (got '${path}')` };
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\.([^.[\]\s]+)/.exec(rest))) steps.push(m[1]);
    else if ((m = /^\[(\d+)\]/.exec(rest))) steps.push(Number(m[1]));
    else if ((m = /^\[(['"])(.*?)\1\]/.exec(rest))) steps.push(m[2]);
    else return { error: `JSON path '${path}': cannot read '${rest}' (use .name, ['name'] or [n])` };
    i += m[0].length;
  }
  return steps;
}

/** Value at a path, or undefined when absent. */
export function valueAt(doc: unknown, path: string): unknown {
  const steps = parsePath(path);
  if ('error' in steps) return undefined;
  let v: unknown = doc;
  for (const s of steps) {
    if (v === null || typeof v !== 'object') return undefined;
    if (typeof s === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[s];
    } else {
      if (!Object.prototype.hasOwnProperty.call(v, s)) return undefined;
      v = (v as Record<string, unknown>)[s];
    }
  }
  return v;
}

function show(v: unknown): string {
  const s = v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 197)}…` : s;
}

/** Regex test with a time limit: a pattern from a shared file must not hang the run. */
function regexTest(re: RegExp, s: string): boolean {
  try {
    return new Script('re.test(s)').runInNewContext({ re, s }, { timeout: 250 }) as boolean;
  } catch {
    throw new Error(`the pattern ${re} took too long on this value`);
  }
}

function compare(actual: unknown, op: Op, expected: string): boolean {
  const text = actual === undefined ? '' : typeof actual === 'string' ? actual : JSON.stringify(actual);
  switch (op) {
    case 'exists':
      return actual !== undefined;
    case '==':
    case '!=': {
      let eq = text === expected;
      if (!eq && typeof actual !== 'string' && actual !== undefined) {
        try {
          eq = JSON.stringify(JSON.parse(expected)) === JSON.stringify(actual);
        } catch {
          /* expected is not JSON: text comparison stands */
        }
      }
      if (!eq && typeof actual === 'string' && /^".*"$/.test(expected)) eq = JSON.stringify(actual) === expected;
      return op === '==' ? eq : !eq;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const a = Number(actual);
      const b = Number(expected);
      if (actual === undefined || actual === null || text === '' || !Number.isFinite(a) || !Number.isFinite(b)) return false;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    case 'contains':
      return actual !== undefined && text.includes(expected);
    case 'startsWith':
      return actual !== undefined && text.startsWith(expected);
    case 'endsWith':
      return actual !== undefined && text.endsWith(expected);
    case 'matches': {
      const re = toRegExp(expected);
      return !('error' in re) && actual !== undefined && regexTest(re, text);
    }
  }
}

/** Evaluates one expectation against a response. */
export function evaluate(e: Expectation, r: ResponseFacts): ExpectationResult {
  let actual: unknown;
  let pass: boolean;
  try {
    if (e.subject === 'status') {
      actual = r.status;
      pass = e.op === '==' && /^\dxx$/i.test(e.expected) ? String(r.status)[0] === e.expected[0] : e.op === '!=' && /^\dxx$/i.test(e.expected) ? String(r.status)[0] !== e.expected[0] : compare(r.status, e.op, e.expected);
    } else if (e.subject === 'header') {
      const name = Object.keys(r.headers).find((h) => h.toLowerCase() === e.arg!.toLowerCase());
      actual = name === undefined ? undefined : r.headers[name];
      pass = compare(actual, e.op, e.expected);
    } else if (e.subject === 'body') {
      actual = r.body;
      pass = compare(r.body, e.op, e.expected);
    } else if (e.subject === 'json') {
      let doc: unknown;
      try {
        doc = JSON.parse(r.body);
      } catch {
        return { expectation: e, pass: false, actual: show(r.body), message: `${e.source}: the body is not JSON` };
      }
      actual = valueAt(doc, e.arg!);
      pass = compare(actual, e.op, e.expected);
    } else {
      actual = Math.round(r.durationMs);
      pass = compare(actual, e.op, e.expected);
    }
  } catch (err) {
    return { expectation: e, pass: false, actual: show(actual), message: `${e.source}: ${(err as Error).message}` };
  }
  const a = e.subject === 'duration' ? `${show(actual)} ms` : show(actual);
  return { expectation: e, pass, actual: a, message: pass ? `${e.source}` : `expected ${e.source}, got ${a}` };
}

export function evaluateAll(expects: Expectation[], r: ResponseFacts): ExpectationResult[] {
  return expects.map((e) => evaluate(e, r));
}
