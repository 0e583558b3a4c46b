/**
 * flowgear.local.json: one user's overrides beside the shared flowgear.json (git-ignored by
 * `init`). Same shape, fewer fields — only what differs per machine: `site`, `ca`, the
 * environments' `baseUrl`/`ca`/`tlsMaxVersion`/`insecure` and the keys' `passphraseEnv` and
 * file paths, matched by name. It cannot add keys, workflows or environments, or change what
 * the team agreed on (names, targets, thumbprints, permissions). Paths are relative to its folder.
 */
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { resolve } from 'node:path';
import type { Environment, Key, Manifest, Problem } from './types';

export const LOCAL_MANIFEST_FILE = 'flowgear.local.json';

const TOP = new Set(['$schema', 'site', 'ca', 'environments', 'keys']);
const ENV_FIELDS = new Set(['name', 'baseUrl', 'ca', 'tlsMaxVersion', 'insecure']);
const KEY_FIELDS = new Set(['name', 'passphraseEnv', 'certificate', 'privateKey', 'pfx']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function positionAt(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** Merges the override text over a loaded manifest; problems name the local file. Pure. */
export function applyLocalOverride(m: Manifest, text: string, file: string): { manifest: Manifest; problems: Problem[] } {
  const problems: Problem[] = [];
  const zero = { line: 0, character: 0 };
  const add = (message: string, offset?: number) => {
    const at = offset === undefined ? zero : positionAt(text, offset);
    problems.push({ message: `${LOCAL_MANIFEST_FILE}: ${message}`, severity: 'error', code: 'local-override', range: { start: at, end: at }, data: { file } });
  };
  const errors: ParseError[] = [];
  const doc = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: false, disallowComments: false }) as unknown;
  if (errors.length) {
    add(`invalid JSON (${printParseErrorCode(errors[0].error)})`, errors[0].offset);
    return { manifest: m, problems };
  }
  if (!isObj(doc)) {
    add('must contain one JSON object');
    return { manifest: m, problems };
  }
  const root = m.root;
  const str = (o: Obj, k: string, where: string): string | undefined => {
    if (o[k] === undefined) return undefined;
    if (typeof o[k] !== 'string' || o[k] === '') return void add(`${where}.${k} must be a non-empty string`);
    return o[k] as string;
  };
  for (const k of Object.keys(doc)) if (!TOP.has(k)) add(`'${k}' cannot be overridden locally (only site, ca, environments, keys)`);

  const out: Manifest = { ...m, environments: m.environments.map((e) => ({ ...e })), keys: m.keys.map((k) => ({ ...k, permittedWorkflows: [...k.permittedWorkflows] })), local: resolve(file) };
  const site = str(doc, 'site', 'flowgear.local.json');
  if (site !== undefined) {
    let ok = false;
    try {
      ok = new URL(site).protocol === 'https:';
    } catch {
      ok = false;
    }
    if (ok) out.site = site.replace(/\/+$/, '');
    else add(`site must be an https:// URL (got '${site}')`);
  }
  const ca = str(doc, 'ca', 'flowgear.local.json');
  if (ca !== undefined) out.ca = resolve(root, ca);

  const list = (k: string): Obj[] => {
    const v = doc[k];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isObj)) return add(`${k} must be an array of objects`), [];
    return v as Obj[];
  };
  for (const e of list('environments')) {
    const name = str(e, 'name', 'environments[]');
    const target = name && out.environments.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!target) {
      add(`environment '${name ?? '?'}' is not declared in flowgear.json (the override can only change declared environments)`);
      continue;
    }
    for (const f of Object.keys(e)) if (!ENV_FIELDS.has(f)) add(`environment '${name}': '${f}' cannot be overridden locally`);
    const baseUrl = str(e, 'baseUrl', `environment '${name}'`);
    if (baseUrl !== undefined) target.baseUrl = baseUrl.replace(/\/+$/, '');
    const eca = str(e, 'ca', `environment '${name}'`);
    if (eca !== undefined) target.ca = resolve(root, eca);
    if (e.tlsMaxVersion !== undefined) {
      if (e.tlsMaxVersion === 'TLSv1.2' || e.tlsMaxVersion === 'TLSv1.3') target.tlsMaxVersion = e.tlsMaxVersion;
      else add(`environment '${name}': tlsMaxVersion must be "TLSv1.2" or "TLSv1.3"`);
    }
    if (e.insecure !== undefined) {
      if (typeof e.insecure === 'boolean') (target as Environment).insecure = e.insecure;
      else add(`environment '${name}': insecure must be true or false`);
    }
  }
  for (const k of list('keys')) {
    const name = str(k, 'name', 'keys[]');
    const target: Key | undefined | '' = name && out.keys.find((x) => x.name === name);
    if (!target) {
      add(`key '${name ?? '?'}' is not in flowgear.json (the override can only change declared keys)`);
      continue;
    }
    for (const f of Object.keys(k)) if (!KEY_FIELDS.has(f)) add(`key '${name}': '${f}' cannot be overridden locally (only passphraseEnv and file paths)`);
    const penv = str(k, 'passphraseEnv', `key '${name}'`);
    if (penv !== undefined) target.passphraseEnv = penv;
    const [certificate, privateKey, pfx] = ['certificate', 'privateKey', 'pfx'].map((f) => str(k, f, `key '${name}'`));
    if (pfx !== undefined) {
      target.pfx = resolve(root, pfx);
      delete target.certificate;
      delete target.privateKey;
    } else if (certificate !== undefined || privateKey !== undefined) {
      if (certificate !== undefined) target.certificate = resolve(root, certificate);
      if (privateKey !== undefined) target.privateKey = resolve(root, privateKey);
      delete target.pfx;
    }
  }
  return { manifest: problems.length ? m : out, problems };
}

/**
 * flowgear.local.json pointing `site` and `ca` at a local emulator (`emulator --write-local-override`):
 * an existing override keeps its other entries and comments. Environments with their own
 * baseUrl keep it (the emulator tells them apart by host name).
 */
export function withEmulatorSite(text: string | undefined, url: string, caRelative: string): string {
  if (text === undefined || text.trim() === '') return JSON.stringify({ site: url, ca: caRelative }, null, 2) + '\n';
  const opts = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };
  let out = applyEdits(text, modify(text, ['site'], url, opts));
  out = applyEdits(out, modify(out, ['ca'], caRelative, opts));
  return out;
}
