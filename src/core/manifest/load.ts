/**
 * Loads `flowgear.json` into the typed model. Never throws on bad input: syntax, schema
 * and cross-reference mistakes come back as Problems with 0-based line/character ranges.
 * `ok: false` only when the file cannot describe a site at all (bad JSON, no object, no
 * `site`); invalid entries are otherwise dropped or kept with an error, so views still work.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { existsSync, statSync } from 'node:fs';
import { readBounded } from '../boundedRead';
import { dirname, join, resolve } from 'node:path';
import { isUserError, messageOf, UserError } from '../errors';
import { readEnvironments, readKeys, readWorkflows } from './entries';
import { Reader } from './reader';
import { applyLocalOverride, LOCAL_MANIFEST_FILE } from './local';
import { checkReferences } from './references';
import type { Environment, LoadResult, Manifest, Problem, SiteApi } from './types';

export const MANIFEST_FILE = 'flowgear.json';
/** A manifest is a few KiB; anything past this is not one. */
export const MANIFEST_FILE_LIMIT = 4 * 1024 * 1024;

export const TOP_LEVEL = ['$schema', 'site', 'insecure', 'ca', 'environments', 'workflows', 'keys', 'siteApi'] as const;

export function parseManifest(text: string, file: string): LoadResult {
  // Editors hide a BOM and count positions without it.
  text = text.replace(/^\uFEFF/, '');
  const abs = resolve(file);
  const root = dirname(abs);
  const r = new Reader(text, root);
  const errors: ParseError[] = [];
  let tree: Node | undefined;
  try {
    tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  } catch (e) {
    // jsonc-parser is tolerant; this guards the "never throws" promise regardless.
    r.add(r.rangeAt(0, 0), 'error', 'json-syntax', `flowgear.json could not be parsed: ${messageOf(e)}`);
    return { ok: false, problems: r.problems };
  }
  for (const e of errors) {
    r.add(r.rangeAt(e.offset, Math.max(1, e.length)), 'error', 'json-syntax', `Invalid JSON: ${describeParseError(e)}.`);
  }
  if (errors.length > 0) return { ok: false, problems: r.problems };
  if (!tree || tree.type !== 'object') {
    r.add(tree ?? r.rangeAt(0, 0), 'error', 'schema', 'flowgear.json must contain one JSON object with at least "site".');
    return { ok: false, problems: r.problems };
  }
  r.unknownProps(tree, TOP_LEVEL, 'flowgear.json');
  const site = r.url(tree, 'site', 'flowgear.json', true);
  const insecure = r.boolean(tree, 'insecure', 'flowgear.json');
  r.clearText(tree, 'site', site, insecure, 'flowgear.json');
  const ca = r.path(tree, 'ca', 'flowgear.json');
  const environments = readEnvironments(r, tree);
  const workflows = readWorkflows(r, tree);
  const keys = readKeys(r, tree);
  const siteApi = readSiteApi(r, tree);
  if (site === undefined) return { ok: false, problems: r.problems };
  const manifest: Manifest = { file: abs, root, site, ...(insecure ? { insecure } : {}), ...(ca ? { ca } : {}), environments, workflows, keys, ...(siteApi ? { siteApi } : {}) };
  checkReferences(r, manifest);
  return { ok: true, manifest, problems: sortProblems(r.problems) };
}

function readSiteApi(r: Reader, tree: Node): SiteApi | undefined {
  const node = r.object(r.prop(tree, 'siteApi'), "'siteApi'");
  if (!node) return undefined;
  r.unknownProps(node, ['url', 'siteId'], "'siteApi'");
  const url = r.url(node, 'url', "'siteApi'", true);
  const siteId = r.string(node, 'siteId', "'siteApi'", true);
  return url && siteId ? { url, siteId } : undefined;
}

function describeParseError(e: ParseError): string {
  const names: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected (trailing comma?)',
    ValueExpected: 'value expected (trailing comma?)',
    ColonExpected: "':' expected",
    CommaExpected: "',' expected",
    CloseBraceExpected: "'}' expected",
    CloseBracketExpected: "']' expected",
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'invalid comment',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in string',
  };
  const code = printParseErrorCode(e.error);
  return names[code] ?? code;
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export interface LoadOptions {
  /** Merge flowgear.local.json from the same folder (default true); `code` reads the shared file alone. */
  local?: boolean;
}

/**
 * Reads and parses a manifest file, merged with the user's flowgear.local.json beside it —
 * the one place the CLI, the editor's ManifestStore and the emulator get their manifest from.
 * An unreadable file is a problem, not an exception; a broken override makes the load fail
 * (silently ignoring it would send to the shared site what the user meant for a local one).
 */
export async function loadManifest(file: string, o: LoadOptions = {}): Promise<LoadResult> {
  return (await readManifest(file, o)).result;
}

/** loadManifest, also returning the text of flowgear.json read (undefined when it could not be read). */
export async function readManifest(file: string, o: LoadOptions = {}): Promise<{ text?: string; result: LoadResult }> {
  const shared = await readSharedManifest(file);
  if (!shared.result.ok || o.local === false) return shared;
  const localFile = join(dirname(resolve(file)), LOCAL_MANIFEST_FILE);
  let text: string;
  try {
    text = (await readBounded(localFile, { field: LOCAL_MANIFEST_FILE, limit: MANIFEST_FILE_LIMIT })).toString('utf8');
  } catch (e) {
    if (isUserError(e) && e.code === 'file-missing') return shared;
    const zero = { line: 0, character: 0 };
    return { text: shared.text, result: { ok: false, problems: [{ message: messageOf(e), severity: 'error', code: 'local-override', range: { start: zero, end: zero }, data: { file: localFile } }] } };
  }
  const merged = applyLocalOverride(shared.result.manifest, text, localFile);
  if (merged.problems.length) return { text: shared.text, result: { ok: false, problems: merged.problems } };
  return { text: shared.text, result: { ok: true, manifest: merged.manifest, problems: shared.result.problems } };
}

async function readSharedManifest(file: string): Promise<{ text?: string; result: LoadResult }> {
  let text: string;
  try {
    text = (await readBounded(file, { field: MANIFEST_FILE, limit: MANIFEST_FILE_LIMIT })).toString('utf8');
  } catch (e) {
    const missing = isUserError(e) && e.code === 'file-missing';
    const message = missing ? `${file} does not exist.` : messageOf(e);
    const zero = { line: 0, character: 0 };
    return { result: { ok: false, problems: [{ message, severity: 'error', code: 'manifest-unreadable', range: { start: zero, end: zero } }] } };
  }
  return { text, result: parseManifest(text, file) };
}

/**
 * The manifest of a load, or one UserError (`manifest-invalid`) that names the first error
 * as `file:line: message`. The one rule for "this manifest cannot be used".
 */
export function manifestOrThrow(r: LoadResult, file: string): Manifest {
  if (r.ok) return r.manifest;
  const p = r.problems.find((x) => x.severity === 'error') ?? r.problems[0];
  // Problems of flowgear.local.json carry their own file.
  const own = typeof p?.data?.file === 'string' ? p.data.file : file;
  throw new UserError(`${own}:${(p?.range.start.line ?? 0) + 1}: ${p?.message ?? 'cannot be loaded'}`, 'manifest-invalid');
}

/** Loads `dir/flowgear.json` or throws: `no-manifest` when there is none (`hint` says what to do), `manifest-invalid`. */
export async function requireManifest(dir: string, hint = 'create one first'): Promise<Manifest> {
  const file = findManifest(dir);
  if (!file) throw new UserError(`no ${MANIFEST_FILE} in ${dir} (${hint})`, 'no-manifest');
  return manifestOrThrow(await loadManifest(file), file);
}

/** `dir/flowgear.json` when it exists. */
export function findManifest(dir: string): string | undefined {
  const file = join(dir, MANIFEST_FILE);
  try {
    return existsSync(file) && statSync(file).isFile() ? resolve(file) : undefined;
  } catch {
    return undefined;
  }
}

/** The named environment (case-insensitive, like Flowgear's `_profile`); no name → Production. */
export function environmentByName(m: Manifest, name?: string): Environment | undefined {
  if (name === undefined) return m.environments.find((e) => e.production);
  const lower = name.toLowerCase();
  return m.environments.find((e) => e.name.toLowerCase() === lower);
}
