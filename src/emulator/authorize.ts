import { environmentByName } from '../core/manifest/load';
import type { Environment, Key, Manifest, Workflow } from '../core/manifest/types';
import type { Keyring } from './keyring';

/** One workflow whose method + template match the request, with the values bound. */
export interface RouteMatch {
  workflow: Workflow;
  /** Path and query variables from the template. */
  variables: Record<string, string>;
}

export type Router = (method: string, pathname: string, query: URLSearchParams) => RouteMatch[];

export interface InvokeRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  /** Host header (may carry a port). */
  host?: string;
  /** Thumbprint of the client certificate; undefined = none presented. */
  thumbprint?: string;
  /** Why no certificate is there, when the front end knows more (renegotiation). */
  noCertificateReason?: string;
  /** Expiry of the presented certificate. */
  certificateNotAfter?: Date;
}

export interface AuthorizeState {
  manifest: Manifest;
  keyring: Keyring;
  router: Router;
  /** Key name → when the emulator first saw it disabled (ms). */
  disabledSince: Map<string, number>;
  disableDelayMs: number;
  now: number;
  /** Accept expired client certificates (default: refuse them, see README "Expired certificates"). */
  acceptExpired?: boolean;
}

export type Decision =
  | { ok: true; workflow: Workflow; key: Key; environment: Environment; variables: Record<string, string>; note?: string }
  | { ok: false; status: 404 | 409; message: string; reason: string };

/** Flowgear says the same thing for every refusal; only the emulator log tells why. */
export const NOT_FOUND_MESSAGE = 'The requested resource does not exist or you are not authorized to access it.';
export const AMBIGUOUS_MESSAGE = 'Multiple Workflows share this route.';

const refuse = (reason: string): Decision => ({ ok: false, status: 404, message: NOT_FOUND_MESSAGE, reason });

export function productionOf(manifest: Manifest): Environment {
  return environmentByName(manifest) ?? { name: 'Production', production: true };
}

function hostOf(url: string | undefined): { host: string; hostname: string; hasPort: boolean } | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return { host: u.host.toLowerCase(), hostname: u.hostname.toLowerCase(), hasPort: u.port !== '' };
  } catch {
    return undefined;
  }
}

/** `_profile` wins; else the environment whose baseUrl host is the request's Host; else Production. */
export function requestEnvironment(manifest: Manifest, query: URLSearchParams, host: string | undefined):
  { environment?: Environment; profile?: string } {
  const profile = query.get('_profile') ?? undefined;
  if (profile !== undefined) return { environment: environmentByName(manifest, profile), profile };
  if (host) {
    const requested = host.toLowerCase();
    const requestedName = requested.replace(/:\d+$/, '');
    for (const env of manifest.environments) {
      const h = hostOf(env.baseUrl);
      if (h && (h.hasPort ? h.host === requested : h.hostname === requestedName)) return { environment: env };
    }
  }
  return { environment: productionOf(manifest) };
}

/**
 * Flowgear's decision for one invoke, in the order a client experiences it. Every refusal
 * except an ambiguous route is a 404 with the same body; `reason` is for the log.
 */
export function authorize(req: InvokeRequest, s: AuthorizeState): Decision {
  const where = `${req.method} ${req.pathname}`;
  if (req.thumbprint === undefined) {
    return refuse(req.noCertificateReason ?? 'no client certificate: the client presented none in the TLS handshake');
  }
  const matches = s.router(req.method, req.pathname, req.query);
  if (matches.length === 0) return refuse(`no route: no workflow is bound to ${where}`);
  if (matches.length > 1) {
    return {
      ok: false,
      status: 409,
      message: AMBIGUOUS_MESSAGE,
      reason: `ambiguous route: ${where} matches ${matches.map((m) => `'${m.workflow.name}'`).join(', ')}`,
    };
  }
  const { workflow, variables } = matches[0];
  const key = s.keyring.byThumbprint.get(req.thumbprint);
  if (!key) return refuse(`unknown certificate: thumbprint ${req.thumbprint} belongs to no key in flowgear.json`);

  if (!s.acceptExpired && req.certificateNotAfter && req.certificateNotAfter.getTime() < s.now) {
    return refuse(`expired certificate: key '${key.name}'s certificate expired on ${req.certificateNotAfter.toISOString().slice(0, 10)} (start the emulator with --accept-expired to accept it)`);
  }
  let note: string | undefined;
  if (!key.enabled) {
    const since = s.disabledSince.get(key.name) ?? s.now;
    const left = since + s.disableDelayMs - s.now;
    if (left <= 0) return refuse(`disabled key: '${key.name}' is disabled`);
    note = `key '${key.name}' is disabled but still works for ${Math.ceil(left / 1000)} s (disable delay)`;
  }
  if (!key.permittedWorkflows.includes(workflow.name)) {
    return refuse(`not permitted: key '${key.name}' does not permit workflow '${workflow.name}'`);
  }
  const { environment, profile } = requestEnvironment(s.manifest, req.query, req.host);
  if (!environment) return refuse(`unknown environment: _profile=${profile} names no environment in flowgear.json`);
  const target = key.environment ? environmentByName(s.manifest, key.environment) : productionOf(s.manifest);
  const targetName = target?.name ?? key.environment ?? 'Production';
  if (targetName !== environment.name) {
    const hint = target && !target.production && !target.baseUrl ? ` (add _profile=${targetName})` : '';
    return refuse(`environment mismatch: key '${key.name}' targets '${targetName}' but the request is for '${environment.name}'${hint}`);
  }
  return { ok: true, workflow, key, environment, variables, note };
}
