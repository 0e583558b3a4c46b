import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { matchTemplate, parseTemplate } from '../manifest/routes';
import type { Manifest } from '../manifest/types';
import { BODY_FILE_LIMIT, fileExists, readBounded } from '../boundedRead';
import { blockErrors, variablesFor, type RequestBlock, type RequestFile } from './requestFile';
import { PROVIDE_CERT_HEADER, environmentTarget, findEnvironment, findKey, findWorkflow, resolveRequest } from './resolve';
import { workflowVariables } from './template';
import type { Expectation } from './expect';
import type { ResolvedRequest } from './types';
import { expand, parseDotenv, type ExchangeRecord, type ExpandContext } from './variables';

/** Builds what a request of a `.flowgear.http` file sends: variables expanded, body files read. */

export interface BlockContext {
  /** Environment from the picker / --env, used when the block has no `# @env`. */
  environment?: string;
  /** Key for requests without `# @key` (`--key`). */
  key?: string;
  /** `_profile` and base URL instead of the environment's, for relative paths (--profile, --base-url). */
  profile?: string;
  baseUrl?: string;
  /** --var and prompted values (literal; they win over file variables). */
  values: Record<string, string>;
  /** The request file's path: `< ./file` and `.env` are relative to its folder. */
  file: string;
  provideClientCertificateHeader?: boolean;
  passphraseEnv?: string;
  env?: NodeJS.ProcessEnv;
  /** Named requests that already ran (chaining). */
  exchanges?: ReadonlyMap<string, ExchangeRecord>;
  now?: () => Date;
}

export function describeBlock(block: RequestBlock): string {
  return `request ${block.index + 1} (line ${block.anchorLine + 1})`;
}

/** Names a front end must ask for before building the block: `# @prompt`s without a value. */
export function promptsNeeded(block: RequestBlock, values: Record<string, string>) {
  return block.prompts.filter((p) => values[p.name] === undefined);
}

/** Template variables of a `# @workflow` block without a request line that nothing defines yet. */
export function workflowVariablesNeeded(manifest: Manifest, file: RequestFile, block: RequestBlock, values: Record<string, string>) {
  if (block.target || !block.workflow) return [];
  const w = manifest.workflows.find((x) => x.name.toLowerCase() === block.workflow!.toLowerCase());
  const known = { ...variablesFor(file, block), ...values };
  return w ? workflowVariables(w.path, w.method).filter((v) => known[v.name] === undefined).map((v) => ({ ...v, workflow: w })) : [];
}

/** The `.env` beside the request file, read only when the file uses `{{$dotenv …}}`. */
async function dotenvFor(file: RequestFile, block: RequestBlock, ctx: BlockContext): Promise<Record<string, string>> {
  const uses = JSON.stringify(block).includes('$dotenv') || file.definitions.some((d) => d.value.includes('$dotenv'));
  const path = join(dirname(ctx.file), '.env');
  if (!uses || !fileExists(path)) return {};
  return parseDotenv((await readBounded(path, { field: 'the .env file' })).toString('utf8'));
}

export async function expandContext(file: RequestFile, block: RequestBlock, ctx: BlockContext): Promise<ExpandContext> {
  const dotenv = await dotenvFor(file, block, ctx);
  return {
    overrides: ctx.values,
    fileValues: variablesFor(file, block),
    env: ctx.env ?? process.env,
    dotenv: () => dotenv,
    exchanges: ctx.exchanges ?? new Map(),
    now: ctx.now,
  };
}

async function bodyOf(block: RequestBlock, x: ExpandContext, ctx: BlockContext, contentType: string | undefined): Promise<string | Buffer | undefined> {
  if (!block.body) return undefined;
  const multipart = /^multipart\/form-data/i.test(contentType ?? '');
  const form = /^application\/x-www-form-urlencoded/i.test(contentType ?? '');
  const eol = multipart ? '\r\n' : '\n';
  const pieces: (string | Buffer)[] = [];
  for (const [i, p] of block.body.entries()) {
    if (p.kind === 'text') {
      const text = expand(p.text, x, { line: p.line });
      // Form bodies: a line starting with & continues the previous one (REST Client).
      if (i > 0) pieces.push(form && /^\s*&/.test(p.text) ? '' : eol);
      pieces.push(form ? text.trim() : text);
      continue;
    }
    if (i > 0) pieces.push(eol);
    const path = expand(p.path, x, { line: p.line, column: p.column });
    const full = isAbsolute(path) ? path : resolve(dirname(ctx.file), path);
    const bytes = await readBounded(full, { field: `line ${p.line + 1}: body file`, limit: BODY_FILE_LIMIT });
    if (!p.expand) {
      pieces.push(bytes);
      continue;
    }
    const encoding = (p.encoding ?? 'utf8').toLowerCase();
    if (!Buffer.isEncoding(encoding)) throw new UserError(`line ${p.line + 1}: unknown encoding '${p.encoding}' (use utf8, latin1, ascii, utf16le)`, 'body-file');
    pieces.push(Buffer.from(expand(bytes.toString(encoding), x, { line: p.line }), encoding));
  }
  if (multipart) pieces.push(eol);
  return pieces.every((p) => typeof p === 'string') ? pieces.join('') : Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/** The block's expectations with `{{…}}` in their expected values expanded like the request's. */
export async function expandExpectations(file: RequestFile, block: RequestBlock, ctx: BlockContext, expects: Expectation[] = block.expects): Promise<Expectation[]> {
  if (!expects.some((e) => e.expected.includes('{{'))) return expects;
  const x = await expandContext(file, block, ctx);
  return expects.map((e) => ({ ...e, expected: expand(e.expected, x, { line: e.line }) }));
}

/** Turns one block into a ResolvedRequest against the manifest; any problem is a UserError naming its line. */
export async function requestFromBlock(manifest: Manifest, file: RequestFile, block: RequestBlock, ctx: BlockContext): Promise<ResolvedRequest> {
  const where = describeBlock(block);
  const first = blockErrors(block)[0];
  if (first) throw new UserError(`line ${first.line + 1}:${first.column + 1}: ${first.message}`, first.code);
  if (block.disabled) throw new UserError(`${where} is disabled ('# @disabled')`, 'request-disabled');
  const missing = promptsNeeded(block, ctx.values)[0];
  if (missing) throw new UserError(`line ${missing.line + 1}: '# @prompt ${missing.name}' needs a value (pass --var ${missing.name}=…)`, 'missing-variable');

  const x = await expandContext(file, block, ctx);
  const at = (line: number | undefined) => ({ line: line ?? block.anchorLine });
  const keyName = block.key ? expand(block.key, x, at(block.anchorLine)) : ctx.key;
  if (!keyName) throw new UserError(`${where}: no key; add '# @key NAME' above the request (or pass --key NAME)`, 'request-file-no-key');
  const key = findKey(manifest, keyName);
  const envName = block.env ? expand(block.env, x, at(block.anchorLine)) : ctx.environment ?? key.environment;
  const headers: Record<string, string> = {};
  block.headers.forEach(([k, v], i) => {
    headers[k] = expand(v, x, { line: block.headerLines[i] });
  });
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const body = await bodyOf(block, x, ctx, contentType);

  if (!block.target) {
    if (!block.workflow) throw new UserError(`${where}: no request line and no '# @workflow NAME'`, 'request-file-syntax');
    const w = findWorkflow(manifest, expand(block.workflow, x, at(block.anchorLine)));
    // Template variables come from --var/prompts, then the file's variables (expanded).
    const vars: Record<string, string> = {};
    for (const v of workflowVariables(w.path, w.method)) {
      if (ctx.values[v.name] !== undefined) vars[v.name] = ctx.values[v.name];
      else if (x.fileValues[v.name] !== undefined) vars[v.name] = expand(`{{${v.name}}}`, x, at(block.anchorLine));
    }
    const r = resolveRequest(manifest, { workflow: w.name, key: key.name, environment: envName, vars, headers, profile: ctx.profile, baseUrl: ctx.baseUrl, body: typeof body === 'string' ? body : undefined, passphraseEnv: ctx.passphraseEnv, provideClientCertificateHeader: ctx.provideClientCertificateHeader });
    return Buffer.isBuffer(body) ? { ...r, body } : r;
  }

  const env = findEnvironment(manifest, envName);
  const envTarget = environmentTarget(manifest, env);
  const base = ctx.baseUrl?.replace(/\/+$/, '') ?? envTarget.base;
  const profile = ctx.profile ?? envTarget.profile;
  const target = expand(block.target, x, at(block.targetLine));
  const absolute = /^https?:\/\//i.test(target);
  let url: URL;
  try {
    url = new URL(absolute ? target : base + target);
  } catch {
    throw new UserError(`line ${(block.targetLine ?? block.anchorLine) + 1}: '${target}' is not a valid URL`, 'request-file-syntax');
  }
  // A relative path gets the environment's routing; a full URL is sent as written.
  if (!absolute && ctx.profile !== undefined) url.searchParams.delete('_profile');
  if (!absolute && profile && !url.searchParams.has('_profile')) url.searchParams.append('_profile', profile);
  const method = block.method ?? 'GET';
  let workflow = block.workflow ? findWorkflow(manifest, expand(block.workflow, x, at(block.anchorLine))).name : undefined;
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
