import { randomInt, randomUUID } from 'node:crypto';
import { UserError } from '../errors';
import { valueAt } from './expect';

/**
 * `{{…}}` expansion in request files, as REST Client resolves it:
 *   {{name}}            --var / prompted value, else the file variable (expanded in turn)
 *   {{%name}}           the same, URL-encoded
 *   {{$guid}} {{$randomInt min max}} {{$timestamp [offset unit]}}
 *   {{$datetime rfc1123|iso8601|'format' [offset unit]}} {{$localDatetime …}}
 *   {{$processEnv NAME}} {{$dotenv NAME}} (.env beside the request file)
 *   {{req.response.body.$.path}} {{req.response.body.*}} {{req.response.headers.Name}}
 *   {{req.request.body.*}} {{req.request.headers.Name}}    (req = a `# @name` above)
 * Anything else is an error naming the variable and line: an unresolved `{{…}}` is never sent.
 */

export interface ExchangeRecord {
  request: { headers: Record<string, string>; body?: string | Buffer };
  response: { headers: Record<string, string>; body: string };
}

export interface ExpandContext {
  /** --var and prompted values: literal, win over file variables. */
  overrides: Record<string, string>;
  /** File variables this request sees (raw, expanded on use). */
  fileValues: Record<string, string>;
  env: NodeJS.ProcessEnv;
  /** Values of the `.env` beside the request file (read on first use). */
  dotenv: () => Record<string, string>;
  /** Named requests that have run, for chaining. */
  exchanges: ReadonlyMap<string, ExchangeRecord>;
  now?: () => Date;
}

/** Where an expanded text came from, for messages (0-based). */
export interface Where {
  line: number;
  column?: number;
}

/** A variable problem at a place in the file (the editor puts it on that line). */
export class VariableError extends UserError {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    code = 'missing-variable',
  ) {
    super(`line ${line + 1}: ${message}`, code);
  }
}

const REFERENCE = /\{\{(.*?)\}\}/g;
const MAX_DEPTH = 16;

export function expand(text: string, ctx: ExpandContext, where: Where, encode = false): string {
  return expandAt(text, ctx, where, 0, [], encode);
}

function expandAt(text: string, ctx: ExpandContext, where: Where, depth: number, chain: string[], encode: boolean): string {
  return text.replace(REFERENCE, (whole, inner: string, offset: number) => {
    const column = (where.column ?? 0) + offset;
    const v = resolveOne(inner.trim(), ctx, { line: where.line, column }, depth, chain);
    return encode ? encodeURIComponent(v) : v;
  });
}

function resolveOne(ref: string, ctx: ExpandContext, where: Required<Where>, depth: number, chain: string[]): string {
  const fail = (message: string, code?: string): never => {
    throw new VariableError(message, where.line, where.column, code);
  };
  if (ref.startsWith('$')) return systemVariable(ref, ctx, fail);
  if (ref.startsWith('%')) return encodeURIComponent(resolveOne(ref.slice(1).trim(), ctx, where, depth, chain));
  if (ref === '' || /\s/.test(ref) || /[(){}+=<>!;,`]/.test(ref)) {
    return fail(`{{${ref}}} is an expression; only variables can be used here (scripts are not supported)`, 'unsupported-script');
  }
  if (Object.prototype.hasOwnProperty.call(ctx.overrides, ref)) return ctx.overrides[ref];
  if (Object.prototype.hasOwnProperty.call(ctx.fileValues, ref)) {
    if (chain.includes(ref)) fail(`{{${ref}}} refers to itself (${[...chain, ref].join(' → ')})`, 'variable-cycle');
    if (depth >= MAX_DEPTH) fail(`{{${ref}}} nests more than ${MAX_DEPTH} variables deep`, 'variable-cycle');
    return expandAt(ctx.fileValues[ref], ctx, where, depth + 1, [...chain, ref], false);
  }
  const chained = /^([\w.-]+?)\.(request|response)\.(body|headers)\.(.+)$/.exec(ref);
  if (chained) return chainedValue(chained[1], chained[2] as 'request' | 'response', chained[3] as 'body' | 'headers', chained[4], ctx, fail);
  return fail(`{{${ref}}} has no value (define '@${ref} = …' above the request, pass --var ${ref}=…, or add '# @prompt ${ref}')`);
}

function chainedValue(name: string, part: 'request' | 'response', what: 'body' | 'headers', path: string, ctx: ExpandContext, fail: (m: string, c?: string) => never): string {
  const x = ctx.exchanges.get(name);
  if (!x) return fail(`{{${name}.${part}.${what}.${path}}}: request '${name}' has not run yet (run it first; it needs '# @name ${name}')`, 'chain-not-run');
  const side = part === 'request' ? x.request : x.response;
  if (what === 'headers') {
    const h = Object.keys(side.headers).find((k) => k.toLowerCase() === path.toLowerCase());
    if (h === undefined) return fail(`{{${name}.${part}.headers.${path}}}: the ${part} of '${name}' has no header ${path}`, 'chain-missing');
    return side.headers[h];
  }
  const body = side.body === undefined ? '' : typeof side.body === 'string' ? side.body : side.body.toString('utf8');
  if (path === '*') return body;
  if (!path.startsWith('$')) return fail(`{{${name}.${part}.body.${path}}}: only JSONPath ($.a.b[0]) and * are supported (XPath is not)`, 'chain-unsupported');
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return fail(`{{${name}.${part}.body.${path}}}: the ${part} body of '${name}' is not JSON`, 'chain-missing');
  }
  const v = valueAt(doc, path);
  if (v === undefined) return fail(`{{${name}.${part}.body.${path}}}: no value at ${path} in the ${part} body of '${name}'`, 'chain-missing');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const UNITS: Record<string, (d: Date, n: number) => void> = {
  y: (d, n) => d.setUTCFullYear(d.getUTCFullYear() + n),
  Q: (d, n) => d.setUTCMonth(d.getUTCMonth() + 3 * n),
  M: (d, n) => d.setUTCMonth(d.getUTCMonth() + n),
  w: (d, n) => d.setTime(d.getTime() + n * 7 * 86_400_000),
  d: (d, n) => d.setTime(d.getTime() + n * 86_400_000),
  h: (d, n) => d.setTime(d.getTime() + n * 3_600_000),
  m: (d, n) => d.setTime(d.getTime() + n * 60_000),
  s: (d, n) => d.setTime(d.getTime() + n * 1000),
  ms: (d, n) => d.setTime(d.getTime() + n),
};

function offsetDate(ctx: ExpandContext, amount: string | undefined, unit: string | undefined): Date {
  const d = new Date((ctx.now ?? (() => new Date()))().getTime());
  if (amount !== undefined && unit !== undefined) UNITS[unit](d, Number(amount));
  return d;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** Date parts in UTC or local time; dayjs-style format tokens as REST Client accepts them. */
function formatDate(d: Date, format: string, local: boolean): string {
  const p = local
    ? { Y: d.getFullYear(), M: d.getMonth(), D: d.getDate(), W: d.getDay(), h: d.getHours(), m: d.getMinutes(), s: d.getSeconds(), ms: d.getMilliseconds(), off: -d.getTimezoneOffset() }
    : { Y: d.getUTCFullYear(), M: d.getUTCMonth(), D: d.getUTCDate(), W: d.getUTCDay(), h: d.getUTCHours(), m: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), off: 0 };
  const zone = (sep: string) => `${p.off < 0 ? '-' : '+'}${pad(Math.trunc(p.off / 60))}${sep}${pad(p.off % 60)}`;
  const tokens: Record<string, () => string> = {
    YYYY: () => String(p.Y), YY: () => pad(p.Y % 100), MMMM: () => new Date(Date.UTC(2000, p.M, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' }), MMM: () => MONTHS[p.M], MM: () => pad(p.M + 1), M: () => String(p.M + 1),
    DD: () => pad(p.D), D: () => String(p.D), dddd: () => new Date(Date.UTC(2000, 0, 2 + p.W)).toLocaleString('en', { weekday: 'long', timeZone: 'UTC' }), ddd: () => DAYS[p.W], d: () => String(p.W),
    HH: () => pad(p.h), H: () => String(p.h), hh: () => pad(p.h % 12 || 12), h: () => String(p.h % 12 || 12), mm: () => pad(p.m), m: () => String(p.m), ss: () => pad(p.s), s: () => String(p.s),
    SSS: () => pad(p.ms, 3), A: () => (p.h < 12 ? 'AM' : 'PM'), a: () => (p.h < 12 ? 'am' : 'pm'), ZZ: () => zone(''), Z: () => zone(':'), X: () => String(Math.floor(d.getTime() / 1000)), x: () => String(d.getTime()),
  };
  return format.replace(/\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|d|HH|H|hh|h|mm|m|ss|s|SSS|A|a|ZZ|Z|X|x/g, (t, lit: string | undefined) => (lit !== undefined ? lit : tokens[t]()));
}

function systemVariable(ref: string, ctx: ExpandContext, fail: (m: string, c?: string) => never): string {
  const name = /^\$\w+/.exec(ref)?.[0] ?? ref;
  const args = ref.slice(name.length).trim();
  const OFFSET = '(?:\\s+(-?\\d+)\\s+(y|Q|M|w|d|h|m|s|ms))?';
  switch (name) {
    case '$guid':
    case '$uuid':
    case '$randomUUID':
      return randomUUID();
    case '$randomInt': {
      const m = /^(-?\d+)\s+(-?\d+)$/.exec(args);
      if (!m) return fail(`{{${ref}}}: write {{$randomInt MIN MAX}} (MAX excluded)`, 'bad-system-variable');
      const [lo, hi] = [Number(m[1]), Number(m[2])];
      if (!(hi > lo) || hi - lo > 2 ** 47) return fail(`{{${ref}}}: MAX must be greater than MIN`, 'bad-system-variable');
      return String(randomInt(lo, hi));
    }
    case '$timestamp': {
      const m = /^(?:(-?\d+)\s+(y|Q|M|w|d|h|m|s|ms))?$/.exec(args);
      if (!m) return fail(`{{${ref}}}: write {{$timestamp}} or {{$timestamp -1 d}} (units y Q M w d h m s ms)`, 'bad-system-variable');
      return String(Math.floor(offsetDate(ctx, m[1], m[2]).getTime() / 1000));
    }
    case '$datetime':
    case '$localDatetime': {
      const m = new RegExp(`^(rfc1123|iso8601|'[^']+'|"[^"]+")${OFFSET}$`).exec(args);
      if (!m) return fail(`{{${ref}}}: write {{${name} rfc1123|iso8601|'format' [offset unit]}}`, 'bad-system-variable');
      const d = offsetDate(ctx, m[2], m[3]);
      const local = name === '$localDatetime';
      if (m[1] === 'rfc1123') return local ? formatDate(d, 'ddd, DD MMM YYYY HH:mm:ss ZZ', true) : d.toUTCString();
      if (m[1] === 'iso8601') return local ? formatDate(d, 'YYYY-MM-DDTHH:mm:ss.SSSZ', true) : d.toISOString();
      return formatDate(d, m[1].slice(1, -1), local);
    }
    case '$processEnv': {
      const m = /^(%)?([\w.-]+)$/.exec(args);
      if (!m) return fail(`{{${ref}}}: write {{$processEnv NAME}}`, 'bad-system-variable');
      if (m[1]) return fail(`{{${ref}}}: '%' (name taken from an environment setting) is not supported; name the variable directly`, 'bad-system-variable');
      const v = ctx.env[m[2]];
      if (v === undefined) return fail(`{{${ref}}}: environment variable ${m[2]} is not set`);
      return v;
    }
    case '$dotenv': {
      const m = /^(%)?([\w.-]+)$/.exec(args);
      if (!m) return fail(`{{${ref}}}: write {{$dotenv NAME}}`, 'bad-system-variable');
      if (m[1]) return fail(`{{${ref}}}: '%' (name taken from an environment setting) is not supported; name the variable directly`, 'bad-system-variable');
      const values = ctx.dotenv();
      if (!Object.prototype.hasOwnProperty.call(values, m[2])) return fail(`{{${ref}}}: ${m[2]} is not in the .env file beside this request file`);
      return values[m[2]];
    }
    default:
      return fail(`{{${ref}}}: system variable ${name} is not supported (supported: $guid, $randomInt, $timestamp, $datetime, $localDatetime, $processEnv, $dotenv)`, 'unsupported-system-variable');
  }
}

/** Parses a `.env` file: `KEY=value`, `export KEY=value`, quotes, `#` comments; `\n` in double quotes. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*('(?:[^'])*'|"(?:\\.|[^"\\])*"|`[^`]*`|[^\r\n#]*?)\s*(?:#.*)?$/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    let v = m[2];
    if (/^".*"$/s.test(v)) v = v.slice(1, -1).replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\(["\\])/g, '$1');
    else if (/^'.*'$|^`.*`$/s.test(v)) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}
