/**
 * Builds Environment, Workflow and Key entries from the manifest's syntax tree.
 * Entries without a usable name are dropped (with an error); other field mistakes are
 * reported and the field left out. Each entry's source ranges are kept in `originOf()`
 * so later checks, and the editor, can point into the file.
 */
import type { Node } from 'jsonc-parser';
import type { Range } from './positions';
import type { Reader } from './reader';
import { HTTP_METHODS, parseTemplate } from './routes';
import type { CannedResponse, Environment, HttpMethod, Key, Workflow } from './types';
import { messageOf } from '../errors';

export interface Origin {
  /** The whole entry object. */
  range: Range;
  /** Ranges of property VALUES by property name. */
  props: Record<string, Range>;
  /** For keys: range of each `permittedWorkflows` item, in order. */
  items?: Range[];
}

const origins = new WeakMap<object, Origin>();

/** Where an entry of a freshly parsed manifest came from in the file. */
export function originOf(entry: Environment | Workflow | Key): Origin | undefined {
  return origins.get(entry);
}

function remember(r: Reader, entry: object, node: Node): Origin {
  const props: Record<string, Range> = {};
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k && v && typeof k.value === 'string') props[k.value] = r.rangeOf(v);
  }
  const origin: Origin = { range: r.rangeOf(node), props };
  origins.set(entry, origin);
  return origin;
}

function entryNodes(r: Reader, tree: Node, name: string, what: string): Node[] {
  const items = r.array(r.prop(tree, name), `'${name}'`) ?? [];
  return items.filter((n) => r.object(n, what) !== undefined);
}

export const ENV_PROPS = ['name', 'production', 'baseUrl', 'ca', 'insecure', 'tlsMaxVersion'] as const;

export function readEnvironments(r: Reader, tree: Node): Environment[] {
  const out: Environment[] = [];
  let productionSeen = false;
  for (const node of entryNodes(r, tree, 'environments', 'an environment')) {
    const what = 'an environment';
    r.unknownProps(node, ENV_PROPS, what);
    const name = r.string(node, 'name', what, true);
    let production = r.boolean(node, 'production', what) ?? false;
    const baseUrl = r.url(node, 'baseUrl', `environment '${name ?? '?'}'`);
    const ca = r.path(node, 'ca', what);
    const insecure = r.boolean(node, 'insecure', what);
    r.clearText(node, 'baseUrl', baseUrl, insecure, `environment '${name ?? '?'}'`);
    const tls = r.string(node, 'tlsMaxVersion', what);
    if (tls !== undefined && tls !== 'TLSv1.2' && tls !== 'TLSv1.3') {
      r.add(r.prop(node, 'tlsMaxVersion')!, 'error', 'schema', `'tlsMaxVersion' must be "TLSv1.2" or "TLSv1.3" (got '${tls}').`);
    }
    if (name === undefined) continue;
    if (production && productionSeen) {
      r.add(r.prop(node, 'production')!, 'error', 'multiple-production', `Only one environment can be Production; '${name}' is treated as non-Production.`);
      production = false;
    }
    productionSeen ||= production;
    const env: Environment = { name, production };
    if (baseUrl) env.baseUrl = baseUrl;
    if (ca) env.ca = ca;
    if (insecure !== undefined) env.insecure = insecure;
    if (tls === 'TLSv1.2' || tls === 'TLSv1.3') env.tlsMaxVersion = tls;
    remember(r, env, node);
    out.push(env);
  }
  if (!productionSeen) {
    // A declared "Production" without the flag is still Flowgear's Production environment.
    const named = out.find((e) => e.name.toLowerCase() === 'production');
    if (named) named.production = true;
    else out.unshift({ name: 'Production', production: true });
  }
  return out;
}

export const WORKFLOW_PROPS = ['name', 'method', 'path', 'body', 'headers', 'response'] as const;

export function readWorkflows(r: Reader, tree: Node): Workflow[] {
  const out: Workflow[] = [];
  for (const node of entryNodes(r, tree, 'workflows', 'a workflow')) {
    const name = r.string(node, 'name', 'a workflow', true);
    const what = name ? `workflow '${name}'` : 'a workflow';
    r.unknownProps(node, WORKFLOW_PROPS, what);
    const rawMethod = r.string(node, 'method', what, true);
    const method = rawMethod?.toUpperCase() as HttpMethod | undefined;
    if (rawMethod !== undefined && !HTTP_METHODS.includes(method!)) {
      r.add(r.prop(node, 'method')!, 'error', 'schema', `'method' must be one of ${HTTP_METHODS.join(', ')} (got '${rawMethod}').`);
    }
    const path = r.string(node, 'path', what, true);
    const body = r.path(node, 'body', what);
    const headers = r.stringMap(node, 'headers', what);
    const response = readResponse(r, node, what);
    if (!name || !method || !HTTP_METHODS.includes(method) || path === undefined) continue;
    try {
      parseTemplate(method, path);
    } catch (e) {
      r.add(r.prop(node, 'path')!, 'error', 'invalid-route', `${messageOf(e)}.`);
    }
    const wf: Workflow = { name, method, path };
    if (body) wf.body = body;
    if (headers) wf.headers = headers;
    if (response) wf.response = response;
    remember(r, wf, node);
    out.push(wf);
  }
  return out;
}

function readResponse(r: Reader, wfNode: Node, what: string): CannedResponse | undefined {
  const node = r.object(r.prop(wfNode, 'response'), `'response' in ${what}`);
  if (!node) return undefined;
  r.unknownProps(node, ['status', 'headers', 'body'], `the response of ${what}`);
  const statusNode = r.prop(node, 'status');
  let status = 200;
  if (statusNode) {
    const v = statusNode.value;
    if (statusNode.type !== 'number' || !Number.isInteger(v) || v < 100 || v > 599) {
      r.add(statusNode, 'error', 'schema', `'response.status' must be an HTTP status code (100–599).`);
    } else status = v;
  }
  const res: CannedResponse = { status };
  const headers = r.stringMap(node, 'headers', `the response of ${what}`);
  if (headers) res.headers = headers;
  const bodyNode = r.prop(node, 'body');
  if (bodyNode) res.body = r.value(bodyNode);
  return res;
}

export const KEY_PROPS = ['name', 'enabled', 'environment', 'certificate', 'privateKey', 'pfx', 'thumbprint', 'permittedWorkflows', 'passphraseEnv'] as const;

/** An environment variable name as every shell and language accepts it (generated code uses it as an identifier). */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isEnvVarName(s: string): boolean {
  return ENV_VAR_NAME.test(s);
}

/** Thumbprints pasted from Windows often carry spaces, colons or an invisible U+200E. */
export function normalizeThumbprint(s: string): string {
  return s.replace(/[\s:\u200e\u200f\ufeff]/g, '').toUpperCase();
}

export function readKeys(r: Reader, tree: Node): Key[] {
  const out: Key[] = [];
  for (const node of entryNodes(r, tree, 'keys', 'a key')) {
    const name = r.string(node, 'name', 'a key', true);
    const what = name ? `key '${name}'` : 'a key';
    r.unknownProps(node, KEY_PROPS, what);
    const enabled = r.boolean(node, 'enabled', what) ?? true;
    const environment = r.string(node, 'environment', what);
    const certificate = r.path(node, 'certificate', what);
    const privateKey = r.path(node, 'privateKey', what);
    const pfx = r.path(node, 'pfx', what);
    const rawThumb = r.string(node, 'thumbprint', what);
    let passphraseEnv = r.string(node, 'passphraseEnv', what);
    if (passphraseEnv !== undefined && !isEnvVarName(passphraseEnv)) {
      r.add(r.prop(node, 'passphraseEnv')!, 'error', 'schema', `'passphraseEnv' in ${what} must name an environment variable: letters, digits and _, not starting with a digit (got ${JSON.stringify(passphraseEnv)}).`);
      passphraseEnv = undefined;
    }
    let thumbprint: string | undefined;
    if (rawThumb !== undefined) {
      thumbprint = normalizeThumbprint(rawThumb);
      if (!/^[0-9A-F]{40}$/.test(thumbprint)) {
        r.add(r.prop(node, 'thumbprint')!, 'error', 'schema', `'thumbprint' must be 40 hex digits (SHA-1, as the Flowgear console shows it).`);
        thumbprint = undefined;
      }
    }
    const permittedNode = r.prop(node, 'permittedWorkflows');
    const items = r.array(permittedNode, `'permittedWorkflows' in ${what}`) ?? [];
    const permittedWorkflows: string[] = [];
    const itemRanges: Range[] = [];
    for (const item of items) {
      if (item.type !== 'string') r.add(item, 'error', 'schema', `'permittedWorkflows' lists workflow names (strings).`);
      else {
        permittedWorkflows.push(item.value as string);
        itemRanges.push(r.rangeOf(item));
      }
    }
    if (pfx && (certificate || privateKey)) {
      r.add(r.prop(node, 'pfx')!, 'error', 'key-material', `${what}: use either 'pfx' or 'certificate' + 'privateKey', not both.`);
    } else if (!pfx && !certificate && !privateKey && !thumbprint) {
      // Pulled from the Site: known there, but this workspace has no certificate for it yet.
      r.add(r.startOf(node), 'warning', 'key-material', `${what} has no certificate here, so it cannot invoke: add 'certificate' + 'privateKey' (or 'pfx').`);
    } else if (!pfx && !(certificate && privateKey) && (certificate || privateKey || !thumbprint)) {
      // A thumbprint alone is a key known to Flowgear whose files live elsewhere (views, emulator).
      const missing = certificate ? "'privateKey'" : privateKey ? "'certificate'" : "'certificate' + 'privateKey' (or 'pfx')";
      r.add(r.startOf(node), 'error', 'key-material', `${what} needs ${missing}: the client certificate and its private key.`);
    }
    if (!name) continue;
    const key: Key = { name, enabled, permittedWorkflows };
    if (environment !== undefined) key.environment = environment;
    if (certificate) key.certificate = certificate;
    if (privateKey) key.privateKey = privateKey;
    if (pfx) key.pfx = pfx;
    if (thumbprint) key.thumbprint = thumbprint;
    if (passphraseEnv) key.passphraseEnv = passphraseEnv;
    remember(r, key, node).items = itemRanges;
    out.push(key);
  }
  return out;
}
