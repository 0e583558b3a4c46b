import { BODY_FILE_LIMIT, readBoundedSync } from '../boundedRead';
import { UserError } from '../errors';
import type { Environment, HttpMethod, Key, Manifest, Workflow } from '../manifest/types';
import type { ResolvedRequest } from './types';
import { expandWorkflowPath } from './template';

export const PROVIDE_CERT_HEADER = 'X-Provide-Client-Certificate';

export interface ResolveOptions {
  workflow: string;
  key: string;
  /** Environment name; default: the key's target environment, else Production. */
  environment?: string;
  /** Path and query template variables. */
  vars?: Record<string, string>;
  /** Extra query parameters (appended after the template's). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Body text; default: the workflow's `body` file, if any. */
  body?: string;
  passphraseEnv?: string;
  /** `X-Provide-Client-Certificate: Yes` (default true; setting flowgear.invoke.provideClientCertificateHeader). */
  provideClientCertificateHeader?: boolean;
  /** `_profile` to send instead of the environment's (CLI --profile). */
  profile?: string;
  /** Base URL to send to instead of the environment's (CLI --base-url), e.g. a local emulator. */
  baseUrl?: string;
}

function byName<T extends { name: string }>(items: T[], name: string, what: string): T {
  const hit = items.find((i) => i.name === name) ?? items.find((i) => i.name.toLowerCase() === name.toLowerCase());
  if (hit) return hit;
  const known = items.map((i) => `'${i.name}'`).join(', ') || 'none';
  throw new UserError(`unknown ${what} '${name}' (flowgear.json declares: ${known})`, `unknown-${what}`);
}

export function findWorkflow(m: Manifest, name: string): Workflow {
  return byName(m.workflows, name, 'workflow');
}
export function findKey(m: Manifest, name: string): Key {
  return byName(m.keys, name, 'key');
}
export function productionEnvironment(m: Manifest): Environment {
  return m.environments.find((e) => e.production) ?? { name: 'Production', production: true };
}
export function findEnvironment(m: Manifest, name: string | undefined): Environment {
  if (name === undefined) return productionEnvironment(m);
  if (name.toLowerCase() === 'production' && !m.environments.some((e) => e.name.toLowerCase() === 'production')) {
    return productionEnvironment(m);
  }
  return byName(m.environments, name, 'environment');
}

/** Base URL (no trailing slash) and `_profile` value for an environment, as Flowgear routes them. */
export function environmentTarget(m: Manifest, env: Environment): { base: string; profile?: string } {
  if (env.baseUrl) return { base: env.baseUrl.replace(/\/+$/, '') };
  return { base: m.site.replace(/\/+$/, ''), profile: env.production ? undefined : env.name };
}

function caseInsensitiveHas(h: Record<string, string>, name: string): boolean {
  return Object.keys(h).some((k) => k.toLowerCase() === name.toLowerCase());
}

/** Builds the complete request for (workflow, key, environment); throws UserError before any network. */
export function resolveRequest(manifest: Manifest, o: ResolveOptions): ResolvedRequest {
  const workflow = findWorkflow(manifest, o.workflow);
  const key = findKey(manifest, o.key);
  const env = findEnvironment(manifest, o.environment ?? key.environment);
  const target = environmentTarget(manifest, env);
  const base = o.baseUrl?.replace(/\/+$/, '') ?? target.base;
  const profile = o.profile ?? target.profile;
  const { path, query } = expandWorkflowPath(workflow.path, o.vars ?? {}, workflow.method);
  const url = new URL(base + path);
  for (const [k, v] of query) url.searchParams.append(k, v);
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.append(k, v);
  if (o.profile !== undefined) url.searchParams.delete('_profile');
  if (profile && !url.searchParams.has('_profile')) url.searchParams.append('_profile', profile);

  const headers: Record<string, string> = { ...(workflow.headers ?? {}), ...(o.headers ?? {}) };
  if (o.provideClientCertificateHeader !== false && !caseInsensitiveHas(headers, PROVIDE_CERT_HEADER)) {
    headers[PROVIDE_CERT_HEADER] = 'Yes';
  }

  let body = o.body;
  if (body === undefined && workflow.body) {
    body = readBoundedSync(workflow.body, { field: `workflow '${workflow.name}' "body"`, limit: BODY_FILE_LIMIT }).toString('utf8');
  }
  if (body !== undefined && !caseInsensitiveHas(headers, 'content-type')) {
    headers['Content-Type'] = /^\s*[[{]/.test(body) ? 'application/json' : 'text/plain; charset=utf-8';
  }

  return {
    method: workflow.method,
    url: url.toString(),
    headers,
    body,
    workflow: workflow.name,
    environment: env.name,
    profile: url.searchParams.get('_profile') ?? undefined,
    client: {
      keyName: key.name,
      certificate: key.certificate,
      privateKey: key.privateKey,
      pfx: key.pfx,
      thumbprint: key.thumbprint,
      passphraseEnv: o.passphraseEnv ?? key.passphraseEnv,
    },
    ca: env.ca ?? manifest.ca,
    insecure: (env.baseUrl ? env.insecure : env.insecure ?? manifest.insecure) || undefined,
    tlsMaxVersion: env.tlsMaxVersion,
  };
}

export interface AdhocOptions {
  url: string;
  method?: string;
  certificate?: string;
  privateKey?: string;
  pfx?: string;
  ca?: string;
  insecure?: boolean;
  tlsMaxVersion?: 'TLSv1.2' | 'TLSv1.3';
  headers?: Record<string, string>;
  body?: string;
  passphraseEnv?: string;
  provideClientCertificateHeader?: boolean;
}

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** A request without a manifest: `flowgear-mtls invoke --url … --cert … --key …`. */
export function adhocRequest(o: AdhocOptions): ResolvedRequest {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new UserError(`'${o.url}' is not a URL (expected https://host/path)`, 'bad-url');
  }
  if (url.protocol !== 'https:') throw new UserError(`'${o.url}': only https:// URLs can carry a client certificate`, 'bad-url');
  const method = (o.method ?? (o.body !== undefined ? 'POST' : 'GET')).toUpperCase() as HttpMethod;
  if (!METHODS.includes(method)) throw new UserError(`unsupported method '${o.method}'`, 'bad-method');
  if (!o.pfx && !(o.certificate && o.privateKey)) {
    throw new UserError('an ad-hoc invoke needs --cert and --key, or --pfx', 'no-client-certificate');
  }
  const headers = { ...(o.headers ?? {}) };
  if (o.provideClientCertificateHeader !== false && !caseInsensitiveHas(headers, PROVIDE_CERT_HEADER)) headers[PROVIDE_CERT_HEADER] = 'Yes';
  return {
    method,
    url: url.toString(),
    headers,
    body: o.body,
    environment: url.searchParams.get('_profile') ?? 'Production',
    profile: url.searchParams.get('_profile') ?? undefined,
    client: { keyName: '(ad hoc)', certificate: o.certificate, privateKey: o.privateKey, pfx: o.pfx, passphraseEnv: o.passphraseEnv },
    ca: o.ca,
    insecure: o.insecure || undefined,
    tlsMaxVersion: o.tlsMaxVersion,
    adhoc: true,
  };
}
