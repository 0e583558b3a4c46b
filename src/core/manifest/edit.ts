/**
 * Edits to flowgear.json that keep the rest of the file as the team wrote it: comments,
 * order and indentation survive because only the touched value is rewritten
 * (jsonc-parser modify/applyEdits, never a re-serialisation of the whole file).
 */
import { applyEdits, modify, parseTree, type FormattingOptions, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { UserError } from '../errors';
import { parseTemplate } from './routes';
import type { HttpMethod, Key } from './types';

/** A key as written in the file: the model's fields, with paths as the user wants them stored
 *  (usually relative) and `enabled` optional (the loader defaults it to true). */
export type KeyEntry = Omit<Key, 'enabled'> & { enabled?: boolean };

/** Follows the file's own indentation and line endings. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent ? indent.length : 2, eol };
}

function apply(text: string, path: JSONPath, value: unknown, isArrayInsertion = false): string {
  const edits = modify(text, path, value, { formattingOptions: formattingOf(text), isArrayInsertion });
  return applyEdits(text, edits);
}

function tree(text: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  // Editing around a syntax error could land the change in the wrong place.
  if (errors.length > 0) throw new UserError('flowgear.json has JSON syntax errors (see Problems); fix them before editing keys.', 'manifest-invalid');
  if (!root || root.type !== 'object') throw new UserError('flowgear.json is not a JSON object; fix it before editing keys.', 'manifest-invalid');
  return root;
}

function arrayItems(root: Node, name: string): Node[] {
  const prop = root.children?.find((p) => p.children?.[0]?.value === name)?.children?.[1];
  return prop?.type === 'array' ? (prop.children ?? []) : [];
}

function nameOf(item: Node): unknown {
  return item.children?.find((p) => p.children?.[0]?.value === 'name')?.children?.[1]?.value;
}

function keyIndex(text: string, keyName: string): number {
  const i = arrayItems(tree(text), 'keys').findIndex((k) => nameOf(k) === keyName);
  if (i < 0) throw new UserError(`There is no key named '${keyName}' in flowgear.json.`, 'key-not-found');
  return i;
}

export function setKeyEnabled(text: string, keyName: string, enabled: boolean): string {
  return apply(text, ['keys', keyIndex(text, keyName), 'enabled'], enabled);
}

/** undefined → Production (the property is removed). */
export function setKeyEnvironment(text: string, keyName: string, env: string | undefined): string {
  return apply(text, ['keys', keyIndex(text, keyName), 'environment'], env);
}

export function setPermittedWorkflows(text: string, keyName: string, names: string[]): string {
  return apply(text, ['keys', keyIndex(text, keyName), 'permittedWorkflows'], names);
}

export function setKeyThumbprint(text: string, keyName: string, thumbprint: string): string {
  return apply(text, ['keys', keyIndex(text, keyName), 'thumbprint'], thumbprint);
}

export function removeKey(text: string, keyName: string): string {
  return apply(text, ['keys', keyIndex(text, keyName)], undefined);
}

export function addKey(text: string, key: KeyEntry): string {
  const root = tree(text);
  const lower = key.name.toLowerCase();
  if (arrayItems(root, 'keys').some((k) => String(nameOf(k)).toLowerCase() === lower)) {
    throw new UserError(`A key named '${key.name}' already exists in flowgear.json.`, 'duplicate-key');
  }
  // Drop undefined fields so the file gets only what was chosen, in console order.
  const entry = Object.fromEntries(Object.entries(key).filter(([, v]) => v !== undefined));
  const hasKeys = root.children?.some((p) => p.children?.[0]?.value === 'keys' && p.children?.[1]?.type === 'array');
  return hasKeys ? apply(text, ['keys', -1], entry, true) : apply(text, ['keys'], [entry]);
}

/** Declares an environment (quick fix for "environment not declared"). */
export function addEnvironment(text: string, name: string): string {
  const root = tree(text);
  const hasEnvs = root.children?.some((p) => p.children?.[0]?.value === 'environments' && p.children?.[1]?.type === 'array');
  return hasEnvs ? apply(text, ['environments', -1], { name }, true) : apply(text, ['environments'], [{ name: 'Production', production: true }, { name }]);
}

/** A starter manifest for "Create flowgear.json" (the schema comes from the extension's jsonValidation). */
export function newManifestText(site: string): string {
  return (
    JSON.stringify(
      {
        site,
        environments: [{ name: 'Production', production: true }, { name: 'Test' }],
        workflows: [],
        keys: [],
      },
      null,
      2,
    ) + '\n'
  );
}

export type EntryArray = 'environments' | 'workflows' | 'keys';

/** Sets (undefined: removes) one field of the named environment/workflow/key. */
export function setEntryField(text: string, array: EntryArray, name: string, field: string, value: unknown): string {
  const i = arrayItems(tree(text), array).findIndex((n) => nameOf(n) === name);
  if (i < 0) throw new UserError(`There is no entry named '${name}' in '${array}' of flowgear.json.`, 'entry-not-found');
  return apply(text, [array, i, field], value);
}

/**
 * Appends an entry (undefined fields left out), creating the array when missing. Inserted
 * as text right after the last entry in that entry's own style (one line or indented), so
 * neighbouring entries and their trailing comments stay exactly as written.
 */
export function appendEntry(text: string, array: EntryArray, entry: Record<string, unknown>): string {
  const root = tree(text);
  const clean = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
  const prop = root.children?.find((p) => p.children?.[0]?.value === array)?.children?.[1];
  const last = prop?.type === 'array' ? prop.children?.[prop.children.length - 1] : undefined;
  if (!last) return prop?.type === 'array' ? apply(text, [array, -1], clean, true) : apply(text, [array], [clean]);
  const f = formattingOf(text);
  const end = last.offset + last.length;
  const lineStart = text.lastIndexOf('\n', last.offset) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const sameLine = text.slice(lineStart, last.offset).trim() !== '';
  const oneLine = !text.slice(last.offset, end).includes('\n');
  const unit = f.insertSpaces ? ' '.repeat(f.tabSize ?? 2) : '\t';
  const body = oneLine ? JSON.stringify(clean, null, 1).replace(/\n\s*/g, ' ') : JSON.stringify(clean, null, unit).split('\n').join(`${f.eol}${indent}`);
  if (sameLine) return `${text.slice(0, end)}, ${body}${text.slice(end)}`;
  // A comment after the last entry on its line belongs to it: the new entry goes below.
  const eolAt = text.indexOf('\n', end);
  const lineEnd = eolAt < 0 ? text.length : text[eolAt - 1] === '\r' ? eolAt - 1 : eolAt;
  const rest = text.slice(end, lineEnd);
  const at = /^\s*(\/\/.*|\/\*.*\*\/\s*)$/.test(rest) ? lineEnd : end;
  return `${text.slice(0, end)},${text.slice(end, at)}${f.eol}${indent}${body}${text.slice(at)}`;
}

/** Sets a top-level property (e.g. `siteApi`); undefined removes it. */
export function setTopLevel(text: string, name: string, value: unknown): string {
  tree(text);
  return apply(text, [name], value);
}

/** Adds a REST-bound workflow (`flowgear-mtls workflows add`); the template must parse. */
export function addWorkflow(text: string, w: { name: string; method: HttpMethod; path: string }): string {
  const root = tree(text);
  parseTemplate(w.method, w.path);
  const lower = w.name.toLowerCase();
  if (arrayItems(root, 'workflows').some((x) => String(nameOf(x)).toLowerCase() === lower)) {
    throw new UserError(`A workflow named '${w.name}' already exists in flowgear.json.`, 'duplicate-workflow');
  }
  return appendEntry(text, 'workflows', { name: w.name, method: w.method, path: w.path });
}

/**
 * The commented starter of `flowgear-mtls init`: Production plus the given environments. Comments
 * say where each value comes from in the Flowgear console; the JSON stays valid for the loader.
 */
export function initManifestText(site: string, environments: string[]): string {
  const envs = [{ name: 'Production', production: true }, ...environments.filter((e) => e.toLowerCase() !== 'production').map((name) => ({ name }))];
  const envLines = envs.map((e, i) => `    { ${Object.entries(e).map(([k, v]) => `"${k}": ${JSON.stringify(v)}`).join(', ')} }${i < envs.length - 1 ? ',' : ''}`);
  return [
    '// Flowgear workflows and certificate-based API keys of this folder (flowgear-mtls).',
    '// Committed and shared: paths, names and thumbprints only, never private keys or passphrases.',
    '// Per-user changes (a local emulator, a passphrase variable) go in flowgear.local.json (git-ignored).',
    '{',
    `  // Production base URL of the Site's API (Flowgear console: Site → Settings; ZA sites use .flowgear.io).`,
    `  "site": ${JSON.stringify(site)},`,
    '  // Site Environments: a non-Production key is called with ?_profile=<Env>.',
    '  "environments": [',
    ...envLines,
    '  ],',
    '  // REST-bound workflows (Workflow Settings → API Binding): flowgear-mtls workflows add NAME --method M --path /template',
    '  "workflows": [],',
    '  // Certificate-based API keys (Site → API Keys): flowgear-mtls keys add NAME --new',
    '  "keys": []',
    '}',
    '',
  ].join('\n');
}
