import type { Manifest } from '../manifest/types';
import { urlMatchesTemplate } from './template';
import type { ResolvedRequest } from './types';

/**
 * Flowgear answers 404 for almost every refusal and says nothing more. From what we know
 * locally we rank the likely causes; none of these is read from the server.
 */

export interface KeyFacts {
  /** Expiry of the certificate file (from the Invoker's material or the certificates core). */
  notAfter?: Date;
  /** SHA-1 thumbprint of the certificate file, uppercase hex. */
  fileThumbprint?: string;
  /** When the key was last switched to enabled (epoch ms), if known. */
  enabledAt?: number;
  /** Negotiated TLS version of the invoke. */
  protocol?: string;
  /** TLS 1.3: whether the server asked for the certificate in the handshake (InvokeResult). */
  certificateRequestedInHandshake?: boolean;
}

export interface Cause {
  code:
    | 'key-unknown'
    | 'key-disabled'
    | 'key-recently-enabled'
    | 'workflow-not-permitted'
    | 'environment-mismatch'
    | 'path-mismatch'
    | 'certificate-expired'
    | 'thumbprint-mismatch'
    | 'tls13-post-handshake'
    | 'not-uploaded-or-binding';
  message: string;
  /** Higher = more likely; causes come sorted by it. */
  weight: number;
}

const FIVE_MINUTES = 5 * 60_000;

export function explain404(manifest: Manifest | undefined, req: ResolvedRequest, facts: KeyFacts = {}, now = Date.now()): Cause[] {
  const causes: Cause[] = [];
  const add = (code: Cause['code'], weight: number, message: string) => causes.push({ code, weight, message });
  const key = manifest?.keys.find((k) => k.name === req.client.keyName);
  const url = new URL(req.url);
  const keyName = req.client.keyName;

  if (manifest && !key) add('key-unknown', 70, `Key '${keyName}' is not in flowgear.json, so nothing says Flowgear knows its certificate.`);
  if (key && !key.enabled) add('key-disabled', 100, `Key '${keyName}' is disabled in flowgear.json; Flowgear answers 404 for a disabled key.`);
  if (key?.enabled && facts.enabledAt !== undefined && now - facts.enabledAt < FIVE_MINUTES) {
    const ago = Math.round((now - facts.enabledAt) / 1000);
    add('key-recently-enabled', 80, `Key '${keyName}' was enabled ${ago} s ago; Flowgear can take up to five minutes to apply a key's Enabled change.`);
  }
  if (key && req.workflow && !key.permittedWorkflows.some((w) => w.toLowerCase() === req.workflow!.toLowerCase())) {
    add('workflow-not-permitted', 95, `Workflow '${req.workflow}' is not in key '${keyName}'s Permitted Workflows (it permits: ${key.permittedWorkflows.join(', ') || 'none'}).`);
  }
  if (key && manifest) {
    const target = key.environment ?? manifest.environments.find((e) => e.production)?.name ?? 'Production';
    const targetEnv = manifest.environments.find((e) => e.name.toLowerCase() === target.toLowerCase());
    const profile = url.searchParams.get('_profile');
    if (target.toLowerCase() !== req.environment.toLowerCase()) {
      add('environment-mismatch', 90, `Key '${keyName}' targets the ${target} environment but this invoke went to ${req.environment}${profile ? ` (_profile=${profile})` : ''}.`);
    } else if (targetEnv && !targetEnv.production && !targetEnv.baseUrl && profile?.toLowerCase() !== target.toLowerCase()) {
      add('environment-mismatch', 90, `Key '${keyName}' targets ${target}, so the URL needs _profile=${target}${profile ? ` (it has _profile=${profile})` : ' (it has none)'}.`);
    }
  }
  const wf = req.workflow ? manifest?.workflows.find((w) => w.name === req.workflow) : undefined;
  if (wf) {
    let matches = false;
    try {
      matches = wf.method === req.method && urlMatchesTemplate(wf.method, wf.path, url);
    } catch {
      matches = false;
    }
    if (!matches) add('path-mismatch', 85, `${req.method} ${url.pathname}${url.search} does not match workflow '${wf.name}'s binding ${wf.method} ${wf.path}.`);
  }
  if (facts.notAfter && facts.notAfter.getTime() < now) {
    add('certificate-expired', 90, `Key '${keyName}'s certificate expired on ${facts.notAfter.toISOString().slice(0, 10)}.`);
  }
  const declared = key?.thumbprint ?? req.client.thumbprint;
  if (declared && facts.fileThumbprint && declared.replace(/[^0-9a-f]/gi, '').toUpperCase() !== facts.fileThumbprint) {
    add('thumbprint-mismatch', 85, `The certificate file's thumbprint ${facts.fileThumbprint} differs from the ${declared} recorded for key '${keyName}': the file is not the certificate uploaded to Flowgear.`);
  }
  // Only with evidence: a certificate requested in the handshake was sent, so no later request is needed.
  if (facts.protocol === 'TLSv1.3' && facts.certificateRequestedInHandshake === false && req.tlsMaxVersion !== 'TLSv1.2') {
    add('tls13-post-handshake', req.adhoc ? 40 : 20, `The connection used TLS 1.3 and the server did not ask for a certificate in the handshake. A front end that asks for it after the request cannot do so over TLS 1.3 from Node; try ${req.adhoc ? 'the request from a client capped at TLS 1.2' : `"tlsMaxVersion": "TLSv1.2" on the ${req.environment} environment`}.`);
  }
  if (req.adhoc) {
    // Nothing local to rank: the console-side causes lead.
    add('not-uploaded-or-binding', 50, `The --cert/--pfx certificate may not be uploaded for an enabled key that permits this workflow (Flowgear console: Site → API Keys), the key may target another environment (add _profile=<Env> to --url), or --url may not match the workflow's binding.`);
  } else {
    add('not-uploaded-or-binding', 10, `Otherwise: the certificate may not be uploaded for a key in the Flowgear console (Site → API Keys), the hostname may be wrong, or the live revision of the workflow may bind a different method or path.`);
  }
  return causes.sort((a, b) => b.weight - a.weight);
}

/** When each key's Enabled state was last seen to change (epoch ms); persisted by the editor. */
export type EnabledChanges = Record<string, { enabled: boolean; since?: number }>;

/**
 * Updates the record with the manifest's keys. The first sighting of a key has no `since`
 * (we did not see it change); a flip records `now`.
 */
export function trackEnabled(prev: EnabledChanges, keys: { name: string; enabled: boolean }[], now = Date.now()): EnabledChanges {
  const next: EnabledChanges = {};
  for (const k of keys) {
    const p = prev[k.name];
    next[k.name] = p === undefined ? { enabled: k.enabled } : p.enabled === k.enabled ? p : { enabled: k.enabled, since: now };
  }
  return next;
}

/** `enabledAt` for KeyFacts: when the key was switched on, if we saw it happen. */
export function enabledAt(changes: EnabledChanges, keyName: string): number | undefined {
  const c = changes[keyName];
  return c?.enabled ? c.since : undefined;
}
