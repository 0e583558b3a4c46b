import { UserError } from '../errors';
import { matchTemplate, parseTemplate } from '../manifest/routes';
import type { HttpMethod, Manifest } from '../manifest/types';
import { PROVIDE_CERT_HEADER, environmentTarget, findEnvironment, findKey, findWorkflow, resolveRequest } from './resolve';
import type { ResolvedRequest } from './types';

/**
 * `*.flowgear.http` request files, shared in git: HTTP-message syntax (`METHOD path-or-URL`,
 * headers, blank line, body), requests separated by `###`, directives in comments
 * (`# @key NAME`, `# @env NAME`, `# @workflow NAME`) and `{{name}}` variables defined by
 * `@name = value` lines or prompted for. Lines are 0-based.
 */

export interface RequestBlock {
  /** 0-based, in file order. */
  index: number;
  /** Text after `###`, if any. */
  name?: string;
  /** First and last line of the block (inclusive). */
  startLine: number;
  endLine: number;
  /** Line of the request line, or of the first directive when there is none (CodeLens anchor). */
  anchorLine: number;
  key?: string;
  env?: string;
  workflow?: string;
  method?: HttpMethod;
  /** Path (`/customers/{{id}}`) or full URL as written. */
  target?: string;
  headers: [string, string][];
  body?: string;
}

export interface RequestFile {
  variables: Record<string, string>;
  requests: RequestBlock[];
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const DIRECTIVE = /^\s*(?:#|\/\/)\s*@(key|env|workflow)\s+(.+?)\s*$/;
const VARIABLE_DEF = /^\s*@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/;
const SEPARATOR = /^\s*###(.*)$/;
const COMMENT = /^\s*(#|\/\/)/;

export function parseRequestFile(text: string): RequestFile {
  const lines = text.split(/\r?\n/);
  const variables: Record<string, string> = {};
  const requests: RequestBlock[] = [];
  let start = 0;
  let name: string | undefined;
  const flush = (end: number) => {
    const block = parseBlock(lines, start, end, requests.length, name, variables);
    if (block) requests.push(block);
  };
  for (let i = 0; i < lines.length; i++) {
    const sep = SEPARATOR.exec(lines[i]);
    if (sep) {
      flush(i - 1);
      start = i + 1;
      name = sep[1].trim() || undefined;
    }
  }
  flush(lines.length - 1);
  return { variables, requests };
}

function parseBlock(lines: string[], start: number, end: number, index: number, name: string | undefined, variables: Record<string, string>): RequestBlock | undefined {
  const block: RequestBlock = { index, name, startLine: start, endLine: end, anchorLine: -1, headers: [] };
  let i = start;
  let sawAnything = false;
  // Preamble: comments, directives, variable definitions, blank lines — until the request line.
  for (; i <= end; i++) {
    const line = lines[i];
    const d = DIRECTIVE.exec(line);
    if (d) {
      block[d[1] as 'key' | 'env' | 'workflow'] = d[2];
      if (block.anchorLine < 0) block.anchorLine = i;
      sawAnything = true;
      continue;
    }
    const v = VARIABLE_DEF.exec(line);
    if (v) {
      variables[v[1]] = v[2];
      continue;
    }
    if (line.trim() === '' || COMMENT.test(line)) continue;
    break;
  }
  if (i <= end) {
    const m = /^\s*(?:([A-Za-z]+)\s+)?(\S+)(?:\s+HTTP\/[\d.]+)?\s*$/.exec(lines[i]);
    const method = m?.[1]?.toUpperCase();
    if (m && (method === undefined || METHODS.includes(method)) && (m[2].startsWith('/') || /^https?:\/\//i.test(m[2]) || m[2].startsWith('{{'))) {
      block.method = (method ?? 'GET') as HttpMethod;
      block.target = m[2];
    } else {
      throw new UserError(`line ${i + 1}: expected a request line like 'GET /path' or 'POST https://host/path' (got '${lines[i].trim()}')`, 'request-file-syntax');
    }
    block.anchorLine = i;
    sawAnything = true;
    i++;
    for (; i <= end && lines[i].trim() !== ''; i++) {
      if (COMMENT.test(lines[i])) continue;
      const colon = lines[i].indexOf(':');
      if (colon <= 0) throw new UserError(`line ${i + 1}: expected a header 'Name: value' (got '${lines[i].trim()}')`, 'request-file-syntax');
      block.headers.push([lines[i].slice(0, colon).trim(), lines[i].slice(colon + 1).trim()]);
    }
    const bodyLines = lines.slice(i + 1, end + 1);
    while (bodyLines.length && bodyLines[bodyLines.length - 1].trim() === '') bodyLines.pop();
    if (bodyLines.length) block.body = bodyLines.join('\n');
  }
  return sawAnything ? block : undefined;
}

/** `{{name}}` references of a block still without a value, in order of appearance. */
export function unresolvedVariables(block: RequestBlock, values: Record<string, string>): string[] {
  const text = [block.target ?? '', ...block.headers.map(([k, v]) => `${k}:${v}`), block.body ?? '', block.key ?? '', block.env ?? '', block.workflow ?? ''].join('\n');
  const names = [...text.matchAll(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g)].map((m) => m[1]);
  return [...new Set(names)].filter((n) => values[n] === undefined);
}

function substitute(s: string, values: Record<string, string>, encode = false): string {
  return s.replace(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g, (_, n: string) => {
    const v = values[n];
    if (v === undefined) throw new UserError(`variable {{${n}}} has no value (define it with '@${n} = …' in the file)`, 'missing-variable');
    return encode ? encodeURIComponent(v) : v;
  });
}

export interface BlockContext {
  /** Environment from the picker, used when the block has no `# @env`. */
  environment?: string;
  /** Values for variables (file `@name = value` lines merged with prompted ones). */
  values: Record<string, string>;
  provideClientCertificateHeader?: boolean;
  passphraseEnv?: string;
}

/** Turns one block into a ResolvedRequest against the manifest. */
export function requestFromBlock(manifest: Manifest, block: RequestBlock, ctx: BlockContext): ResolvedRequest {
  const where = `request ${block.index + 1} (line ${block.anchorLine + 1})`;
  const keyName = block.key ? substitute(block.key, ctx.values) : undefined;
  if (!keyName) throw new UserError(`${where}: no key; add '# @key NAME' above the request`, 'request-file-no-key');
  const key = findKey(manifest, keyName);
  const envName = block.env ? substitute(block.env, ctx.values) : ctx.environment ?? key.environment;
  const headers = Object.fromEntries(block.headers.map(([k, v]) => [k, substitute(v, ctx.values)]));
  const body = block.body !== undefined ? substitute(block.body, ctx.values) : undefined;

  if (!block.target) {
    if (!block.workflow) throw new UserError(`${where}: no request line and no '# @workflow NAME'`, 'request-file-syntax');
    return resolveRequest(manifest, {
      workflow: substitute(block.workflow, ctx.values),
      key: key.name,
      environment: envName,
      vars: ctx.values,
      headers,
      body,
      passphraseEnv: ctx.passphraseEnv,
      provideClientCertificateHeader: ctx.provideClientCertificateHeader,
    });
  }

  const env = findEnvironment(manifest, envName);
  const { base, profile } = environmentTarget(manifest, env);
  const target = substitute(block.target, ctx.values);
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(target) ? target : base + target);
  } catch {
    throw new UserError(`${where}: '${target}' is not a valid URL`, 'request-file-syntax');
  }
  // A relative path gets the environment's routing; a full URL is sent as written.
  if (!/^https?:\/\//i.test(target) && profile && !url.searchParams.has('_profile')) url.searchParams.append('_profile', profile);
  const method = block.method ?? 'GET';
  let workflow = block.workflow ? findWorkflow(manifest, substitute(block.workflow, ctx.values)).name : undefined;
  workflow ??= manifest.workflows.find((w) => {
    try {
      return matchTemplate(parseTemplate(w.method, w.path), method, url.pathname, url.searchParams) !== undefined;
    } catch {
      return false;
    }
  })?.name;
  if (ctx.provideClientCertificateHeader !== false && !Object.keys(headers).some((h) => h.toLowerCase() === PROVIDE_CERT_HEADER.toLowerCase())) {
    headers[PROVIDE_CERT_HEADER] = 'Yes';
  }
  return {
    method,
    url: url.toString(),
    headers,
    body,
    workflow,
    environment: env.name,
    profile: url.searchParams.get('_profile') ?? undefined,
    client: { keyName: key.name, certificate: key.certificate, privateKey: key.privateKey, pfx: key.pfx, thumbprint: key.thumbprint, passphraseEnv: ctx.passphraseEnv },
    ca: env.ca ?? manifest.ca,
    insecure: env.insecure || undefined,
    tlsMaxVersion: env.tlsMaxVersion,
  };
}

/** Which directive value the cursor is completing on a line, if any (editor completion). */
export function directiveAt(lineText: string, character: number): 'key' | 'env' | 'workflow' | undefined {
  const m = /^\s*(?:#|\/\/)\s*@(key|env|workflow)\s+/.exec(lineText.slice(0, character) + ' ');
  return m && character >= m[0].length - 1 ? (m[1] as 'key' | 'env' | 'workflow') : undefined;
}
