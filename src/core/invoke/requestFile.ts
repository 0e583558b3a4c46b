import type { HttpMethod } from '../manifest/types';
import { parseExpectation, type Expectation } from './expect';

/**
 * `*.flowgear.http` request files, shared in git, at the level of the `.http` family
 * (REST Client, httpYac): `METHOD path-or-URL [HTTP/x]`, query continuation lines, headers,
 * blank line, body or `< ./file` / `<@ ./file`; requests separated by `###`; `#`, `//` and
 * `/* *\/` comments; `@name = value` variables; metadata comments (`# @key`, `# @env`,
 * `# @workflow`, `# @name`, `# @disabled`, `# @prompt`, `# @expect`, httpYac's `?? …`).
 *
 * Parsing never throws: what cannot be sent becomes a Diagnostic on its request (errors make
 * that request unsendable, the others stay usable). Lines and columns are 0-based.
 * Variables are expanded later, per send (variables.ts); the parser keeps `{{…}}` as written.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  line: number;
  column: number;
  endColumn: number;
  severity: Severity;
  message: string;
  code: string;
}

export type BodyPart =
  | { kind: 'text'; text: string; line: number }
  /** `< path` (bytes as they are) or `<@[encoding] path` (text with variables expanded). */
  | { kind: 'file'; path: string; expand: boolean; encoding?: string; line: number; column: number };

export interface VariableDefinition {
  name: string;
  /** Raw value (escapes `\n`, `\r`, `\t` applied), `{{…}}` not yet expanded. */
  value: string;
  line: number;
}

export interface Prompt {
  name: string;
  description?: string;
  line: number;
}

export interface RequestBlock {
  /** 0-based, in file order. */
  index: number;
  /** `# @name`, else a one-word text after `###`: what chaining (`{{name.response…}}`) refers to. */
  name?: string;
  /** Text after `###`, if any (display). */
  title?: string;
  /** First and last line of the block (inclusive). */
  startLine: number;
  endLine: number;
  /** Line of the request line, or of the first directive when there is none (CodeLens anchor). */
  anchorLine: number;
  key?: string;
  env?: string;
  workflow?: string;
  /** Upper-case method; undefined when the block has no request line. */
  method?: HttpMethod;
  /** Path (`/customers/{{id}}`) or full URL, with query continuation lines joined. */
  target?: string;
  targetLine?: number;
  headers: [string, string][];
  /** Line of each header, same order as `headers`. */
  headerLines: number[];
  body?: BodyPart[];
  disabled: boolean;
  prompts: Prompt[];
  expects: Expectation[];
  /** This request's problems; any error makes it unsendable. */
  diagnostics: Diagnostic[];
}

export interface RequestFile {
  /** Every `@name = value` definition in file order (scope: see variablesFor). */
  definitions: VariableDefinition[];
  /** File-wide values, the last definition of each name winning (REST Client). */
  variables: Record<string, string>;
  requests: RequestBlock[];
  /** Problems outside any request (and a copy of every request's). */
  diagnostics: Diagnostic[];
}

/** Methods Flowgear workflows can be bound to. */
export const FLOWGEAR_METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** HTTP methods REST Client knows that Flowgear cannot route. */
const OTHER_HTTP_METHODS = ['CONNECT', 'TRACE', 'LOCK', 'UNLOCK', 'PROPFIND', 'PROPPATCH', 'COPY', 'MOVE', 'MKCOL', 'MKCALENDAR', 'ACL', 'SEARCH', 'QUERY'];
/** httpYac's other protocols. */
const OTHER_PROTOCOLS = ['GRPC', 'WS', 'WSS', 'SSE', 'EVENTSOURCE', 'MQTT', 'MQTTS', 'AMQP', 'AMQPS', 'GRAPHQL', 'GQL', 'RABBITMQ'];

const SEPARATOR = /^\s*#{3,}(.*)$/;
const META = /^\s*(?:#+|\/{2,})\s*@([\w.-]+)(?:\s+(.*?))?\s*$/;
const COMMENT = /^\s*(#|\/\/)/;
const VARIABLE_DEF = /^\s*@([^\s=]+)\s*=\s*(.*?)\s*$/;
const ASSERT_LINE = /^\s*\?\?\s*(.*?)\s*$/;
const QUERY_CONTINUATION = /^\s*[&?]/;
const FILE_BODY = /^<(?:(@)(\w+)?)?\s+(.+?)\s*$/;
const HEADER = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*?)\s*$/;
const RESPONSE_LINE = /^\s*HTTP\/[\d.]+\s+\d{3}/;
const REQUEST_LINE = /^\s*(?:([A-Za-z]+)\s+)?(\S.*?)(?:\s+HTTP\/[\d.]+)?\s*$/;
/** A request line that starts a new request after a blank line in a body (httpYac does so). */
const STRICT_REQUEST_LINE = new RegExp(`^(?:${FLOWGEAR_METHODS.join('|')})\\s+(?:https?://|/|\\{\\{)\\S*(?:\\s+HTTP/[\\d.]+)?\\s*$`);

/** Metadata that only changes how a client displays or stores a response: ignored silently. */
const HARMLESS_META = new Set(['note', 'description', 'title', 'no-log', 'nolog', 'no-cookie-jar', 'noCookieJar', 'verbose', 'debug', 'save', 'openWith', 'extension', 'no-client-cert', 'noRejectUnauthorized']);

/** Applies REST Client's escapes in variable values: `\n`, `\r`, `\t`, and `\x` = x. */
function unescapeValue(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

function diag(line: number, column: number, endColumn: number, severity: Severity, message: string, code: string): Diagnostic {
  return { line, column, endColumn: Math.max(endColumn, column + 1), severity, message, code };
}

export function parseRequestFile(text: string): RequestFile {
  const lines = text.split(/\r\n|\r|\n/);
  const definitions: VariableDefinition[] = [];
  const requests: RequestBlock[] = [];
  const fileDiagnostics: Diagnostic[] = [];

  let regionStart = 0;
  let title: string | undefined;
  const regions: { start: number; end: number; title?: string }[] = [];
  lines.forEach((l, i) => {
    const sep = SEPARATOR.exec(l);
    if (sep && !META.test(l)) {
      regions.push({ start: regionStart, end: i - 1, title });
      regionStart = i + 1;
      title = sep[1].trim() || undefined;
    }
  });
  regions.push({ start: regionStart, end: lines.length - 1, title });

  for (const r of regions) parseRegion(lines, r.start, r.end, r.title, requests, definitions, fileDiagnostics);

  const variables: Record<string, string> = {};
  for (const d of definitions) variables[d.name] = d.value;
  const names = new Map<string, number>();
  for (const b of requests) {
    if (b.name === undefined) continue;
    const prev = names.get(b.name);
    if (prev !== undefined) b.diagnostics.push(diag(b.anchorLine, 0, lines[b.anchorLine]?.length ?? 1, 'warning', `another request above (line ${prev + 1}) is also named '${b.name}'; chained values use the one that ran last`, 'duplicate-name'));
    else names.set(b.name, b.anchorLine);
  }
  return { definitions, variables, requests, diagnostics: [...fileDiagnostics, ...requests.flatMap((b) => b.diagnostics)] };
}

type State = 'pre' | 'url' | 'headers' | 'body' | 'ignored';

function newBlock(index: number, startLine: number, title: string | undefined): RequestBlock {
  return { index, title, name: title && /^[\w.-]+$/.test(title) ? title : undefined, startLine, endLine: startLine, anchorLine: -1, headers: [], headerLines: [], disabled: false, prompts: [], expects: [], diagnostics: [] };
}

/** Parses the lines between two `###` separators; may yield several requests (implicit split). */
function parseRegion(lines: string[], start: number, end: number, title: string | undefined, out: RequestBlock[], defs: VariableDefinition[], fileDiags: Diagnostic[]) {
  let block = newBlock(out.length, start, title);
  let sawSomething = false;
  let state: State = 'pre';
  let bodyStart = -1;
  const finish = (endLine: number) => {
    if (!sawSomething) {
      // Only comments/variables here: file-level problems stay file-level.
      fileDiags.push(...block.diagnostics);
      return;
    }
    block.endLine = endLine;
    if (block.anchorLine < 0) block.anchorLine = block.startLine;
    if (block.body) {
      // Trailing blank lines are not part of the body (REST Client trims them too).
      while (block.body.length && block.body[block.body.length - 1].kind === 'text' && (block.body[block.body.length - 1] as { text: string }).text.trim() === '') block.body.pop();
      if (!block.body.length) block.body = undefined;
    }
    if (!block.target && !block.workflow && !block.diagnostics.some((d) => d.severity === 'error')) {
      block.diagnostics.push(diag(block.anchorLine, 0, lines[block.anchorLine]?.length ?? 1, 'error', "no request line (like 'GET /path') and no '# @workflow NAME'", 'no-request-line'));
    }
    out.push(block);
  };
  const error = (line: number, column: number, endColumn: number, message: string, code: string) => {
    block.diagnostics.push(diag(line, column, endColumn, 'error', message, code));
  };
  const touch = (line: number) => {
    if (!sawSomething) {
      sawSomething = true;
      block.startLine = Math.min(block.startLine, line);
    }
  };

  for (let i = start; i <= end; i++) {
    const line = lines[i];
    const trimmed = line.trim();

    if (state === 'ignored') continue;

    // Block comment `/* … */` outside a body.
    if (state !== 'body' && trimmed.startsWith('/*')) {
      let j = i;
      while (j <= end && !lines[j].includes('*/', j === i ? line.indexOf('/*') + 2 : 0)) j++;
      if (j > end) block.diagnostics.push(diag(i, line.indexOf('/*'), line.length, 'warning', "block comment '/*' is not closed with '*/' before the next '###'", 'unclosed-comment'));
      i = j;
      continue;
    }

    // Assertions: `# @expect …` and httpYac's `?? …`, wherever they are in the block.
    const meta = META.exec(line);
    const assertLine = ASSERT_LINE.exec(line);
    if ((meta && meta[1].toLowerCase() === 'expect') || assertLine) {
      const source = meta ? meta[2] ?? '' : assertLine![1];
      const column = line.indexOf(source);
      const e = parseExpectation(source, !meta);
      if ('error' in e) error(i, Math.max(0, column), line.length, e.error, 'bad-expect');
      else block.expects.push({ ...e, line: i, source });
      continue;
    }

    // Response handler scripts (`> {% … %}`, `> ./script.js`) and output redirection (`>> file`).
    if (state !== 'pre' && /^\s*>\s*(\{%|\S+\.js\s*$)/.test(line)) {
      const inline = /\{%/.test(line);
      let j = i;
      if (inline) while (j <= end && !lines[j].includes('%}')) j++;
      if (state === 'body') state = 'ignored';
      error(i, 0, line.length, 'response handler scripts are not supported (use # @expect for checks and {{name.response…}} for chaining)', 'unsupported-script');
      if (state === 'ignored') continue;
      i = j;
      continue;
    }
    if (state !== 'pre' && /^\s*>>!?\s*\S/.test(line)) {
      block.diagnostics.push(diag(i, 0, line.length, 'warning', 'output redirection (>> file) is not supported; ignored', 'unsupported-redirect'));
      continue;
    }
    if (state !== 'pre' && /^\s*<>\s*\S/.test(line)) {
      block.diagnostics.push(diag(i, 0, line.length, 'info', 'response reference (<> file) ignored', 'response-ref'));
      continue;
    }

    if (state === 'pre') {
      if (trimmed === '') continue;
      if (meta) {
        touchMeta(block, meta, line, i, lines, error);
        if (['key', 'env', 'workflow', 'name', 'disabled', 'prompt'].includes(meta[1].toLowerCase())) touch(i);
        if (block.anchorLine < 0 && ['key', 'env', 'workflow'].includes(meta[1].toLowerCase())) block.anchorLine = i;
        continue;
      }
      if (COMMENT.test(line)) continue;
      const v = VARIABLE_DEF.exec(line);
      if (v) {
        defs.push({ name: v[1], value: unescapeValue(v[2]), line: i });
        continue;
      }
      if (/^\s*\{\{/.test(line) && !/^\s*\{\{[^}]*\}\}\S*(\s+HTTP\/[\d.]+)?\s*$/.test(line)) {
        // httpYac script block `{{ … }}`: skip to its closing line.
        let j = i;
        while (j <= end && !/^\s*\}\}\s*$/.test(lines[j]) && !(j === i && /\}\}\s*$/.test(lines[j]))) j++;
        touch(i);
        if (block.anchorLine < 0) block.anchorLine = i;
        error(i, 0, line.length, 'script blocks ({{ … }}) are not supported; define values with @name = value or --var', 'unsupported-script');
        i = j;
        continue;
      }
      // The request line.
      touch(i);
      block.anchorLine = i;
      const m = REQUEST_LINE.exec(line)!;
      const word = m[1]?.toUpperCase();
      const column = line.length - line.trimStart().length;
      if (word && OTHER_PROTOCOLS.includes(word)) {
        error(i, column, line.length, `${word} requests are not supported (Flowgear workflows are invoked over HTTPS)`, 'unsupported-protocol');
        state = 'ignored';
        continue;
      }
      if (word && OTHER_HTTP_METHODS.includes(word)) {
        error(i, column, column + word.length, `method ${word} cannot invoke a Flowgear workflow (use ${FLOWGEAR_METHODS.join(', ')})`, 'unsupported-method');
        state = 'ignored';
        continue;
      }
      let method: string | undefined = word;
      let target = m[2];
      if (word && !FLOWGEAR_METHODS.includes(word as HttpMethod)) {
        // Not a method: the whole line is the target (REST Client: GET by default).
        method = undefined;
        target = line.trim().replace(/\s+HTTP\/[\d.]+$/, '');
      }
      if (!(target.startsWith('/') || /^https?:\/\//i.test(target) || target.startsWith('{{'))) {
        const what = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? `scheme '${target.split(':')[0]}' is not supported (use https://)` : `expected a request line like 'GET /path' or 'POST https://host/path' (got '${trimmed}')`;
        error(i, column, line.length, what, 'request-line');
        state = 'ignored';
        continue;
      }
      if (/\s/.test(target)) {
        error(i, line.indexOf(target), line.length, `the URL contains spaces ('${target}'); encode them as %20`, 'request-line');
      }
      block.method = (method ?? 'GET') as HttpMethod;
      block.target = target;
      block.targetLine = i;
      state = 'url';
      continue;
    }

    if (state === 'url') {
      if (QUERY_CONTINUATION.test(line)) {
        block.target += trimmed;
        continue;
      }
      state = 'headers';
    }

    if (state === 'headers') {
      if (trimmed === '') {
        state = 'body';
        bodyStart = i + 1;
        continue;
      }
      if (meta) {
        touchMeta(block, meta, line, i, lines, error);
        continue;
      }
      if (COMMENT.test(line)) continue;
      const h = HEADER.exec(line);
      if (!h) {
        error(i, 0, line.length, `expected a header 'Name: value' or a blank line before the body (got '${trimmed}')`, 'header');
        continue;
      }
      block.headers.push([h[1], h[2]]);
      block.headerLines.push(i);
      continue;
    }

    // Body.
    if (trimmed === '' && i > bodyStart && startsImplicitRequest(lines, i + 1, end)) {
      finish(i - 1);
      block = newBlock(out.length, i + 1, undefined);
      sawSomething = false;
      state = 'pre';
      continue;
    }
    if (RESPONSE_LINE.test(line) && (i === bodyStart || lines[i - 1].trim() === '')) {
      // An example response pasted below the request: not part of what is sent.
      block.diagnostics.push(diag(i, 0, line.length, 'info', 'example response ignored (not sent)', 'response-example'));
      state = 'ignored';
      continue;
    }
    if (COMMENT.test(line) && !SEPARATOR.test(line)) continue; // REST Client drops comment lines, body included
    if (block.body === undefined) {
      if (trimmed === '') continue; // extra blank lines between headers and body
      block.body = [];
    }
    const f = FILE_BODY.exec(line);
    if (f) {
      block.body.push({ kind: 'file', path: f[3], expand: !!f[1], encoding: f[2], line: i, column: line.indexOf(f[3]) });
      continue;
    }
    block.body.push({ kind: 'text', text: line, line: i });
  }
  finish(end);
}

/** After a blank line in a body: do (comments, metadata, variables then) a strict request line follow? */
function startsImplicitRequest(lines: string[], from: number, end: number): boolean {
  for (let j = from; j <= end; j++) {
    const l = lines[j];
    if (l.trim() === '' ) return false;
    if (META.test(l) || COMMENT.test(l) || VARIABLE_DEF.test(l)) continue;
    return STRICT_REQUEST_LINE.test(l.trim());
  }
  return false;
}

function touchMeta(block: RequestBlock, meta: RegExpExecArray, line: string, i: number, lines: string[], error: (l: number, c: number, e: number, m: string, code: string) => void) {
  const name = meta[1];
  const value = meta[2];
  const lower = name.toLowerCase();
  const col = line.indexOf('@');
  if (lower === 'key' || lower === 'env' || lower === 'workflow') {
    if (!value) error(i, col, line.length, `'# @${lower}' needs a name`, 'directive');
    else block[lower] = value;
  } else if (lower === 'name') {
    if (!value || !/^[\w.-]+$/.test(value)) error(i, col, line.length, `'# @name' needs a name made of letters, digits, '_', '-', '.' (got '${value ?? ''}')`, 'directive');
    else block.name = value;
  } else if (lower === 'disabled') {
    block.disabled = true;
  } else if (lower === 'prompt') {
    const p = /^(\S+)(?:\s+(.*))?$/.exec(value ?? '');
    if (!p) error(i, col, line.length, "'# @prompt' needs a variable name: # @prompt name [description]", 'directive');
    else block.prompts.push({ name: p[1], description: p[2]?.trim() || undefined, line: i });
  } else if (!HARMLESS_META.has(name) && !HARMLESS_META.has(lower)) {
    block.diagnostics.push(diag(i, col, lines[i].length, 'warning', `'@${name}' is not supported here; ignored`, 'unsupported-meta'));
  }
}

/** Which directive value the cursor is completing on a line, if any (editor completion). */
export function directiveAt(lineText: string, character: number): 'key' | 'env' | 'workflow' | undefined {
  const m = /^\s*(?:#|\/\/)\s*@(key|env|workflow)\s+/.exec(lineText.slice(0, character) + ' ');
  return m && character >= m[0].length - 1 ? (m[1] as 'key' | 'env' | 'workflow') : undefined;
}

/** Errors of a request (what makes it unsendable). */
export function blockErrors(block: RequestBlock): Diagnostic[] {
  return block.diagnostics.filter((d) => d.severity === 'error');
}

/**
 * Raw variable values a request sees: the nearest definition above it wins (so a value can be
 * redefined between requests, as httpYac runs them); a name defined only below is still
 * visible with its last value (REST Client's file-wide scope).
 */
export function variablesFor(file: RequestFile, block: RequestBlock): Record<string, string> {
  const values: Record<string, string> = { ...file.variables };
  const limit = block.targetLine ?? block.endLine;
  for (const d of file.definitions) if (d.line <= limit) values[d.name] = d.value;
  return values;
}
