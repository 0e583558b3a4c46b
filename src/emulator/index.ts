import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors';
import { loadManifest, MANIFEST_FILE } from '../core/manifest/load';
import { LOCAL_MANIFEST_FILE } from '../core/manifest/local';
import type { Manifest } from '../core/manifest/types';
import { authorize, type AuthorizeState } from './authorize';
import { ensureServerIdentity } from './identity';
import { buildKeyring } from './keyring';
import { Management, MANAGEMENT_PREFIX, SIGN_IN_PAGE } from './management';
import { invokeAnswer, jsonAnswer, type HttpAnswer } from './respond';
import { buildRouter } from './route';
import { createInvokeServer } from './server';
import type { EmulatorOptions, RunningEmulator } from './types';

export type { CertRequestMode, EmulatorOptions, RunningEmulator } from './types';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_CONNECTIONS = 256;
/** After close() starts, in-flight requests get this long before connections are dropped. */
const CLOSE_GRACE_MS = 1000;

function firstProblem(problems: { message: string; severity: string; range: { start: { line: number } } }[]): string {
  const p = problems.find((x) => x.severity === 'error') ?? problems[0];
  return p ? `${p.message} (line ${p.range.start.line + 1})` : 'unknown problem';
}

/**
 * Starts the local Flowgear stand-in: HTTPS with client certificates, routing and key rules
 * from flowgear.json, a log line per request saying why it was refused.
 */
export async function startEmulator(o: EmulatorOptions): Promise<RunningEmulator> {
  const workspace = resolve(o.workspace);
  const manifestFile = resolve(workspace, o.manifestFile ?? MANIFEST_FILE);
  const host = o.host ?? '127.0.0.1';
  const mode = o.certRequest ?? 'handshake';
  if (mode !== 'handshake' && mode !== 'renegotiate') throw new UserError(`unknown certificate request mode '${mode}' (handshake or renegotiate)`);
  const disableDelayMs = Math.max(0, (o.disableDelaySeconds ?? 0) * 1000);
  const bodyLimit = o.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const log = o.log ?? (() => undefined);
  const now = o.now ?? Date.now;

  let state: AuthorizeState | undefined;
  const disabledSince = new Map<string, number>();

  async function load(): Promise<{ ok: true } | { ok: false; message: string }> {
    const r = await loadManifest(manifestFile);
    if (!r.ok) return { ok: false, message: firstProblem(r.problems) };
    const manifest: Manifest = r.manifest;
    const [keyring, routing] = [await buildKeyring(manifest), buildRouter(manifest)];
    for (const w of [...keyring.warnings, ...routing.warnings]) log(`warning: ${w}`);
    // Disable delay counts from the first time a key is seen disabled; re-enabling resets it.
    const t = now();
    for (const k of manifest.keys) {
      if (k.enabled) disabledSince.delete(k.name);
      else if (!disabledSince.has(k.name)) disabledSince.set(k.name, t);
    }
    state = { manifest, keyring, router: routing.router, disabledSince, disableDelayMs, now: t, acceptExpired: o.acceptExpiredCertificates ?? false };
    management.setManifest(manifest);
    const counts = `${manifest.keys.length} key(s), ${manifest.workflows.length} workflow(s), ${manifest.environments.length} environment(s)`;
    log(`loaded ${manifestFile}: ${counts}`);
    return { ok: true };
  }

  let baseUrl = '';
  const management = new Management({
    password: o.managementPassword,
    signIn: o.signIn,
    sessionLifetimeMs: o.sessionLifetimeSeconds !== undefined ? o.sessionLifetimeSeconds * 1000 : undefined,
    baseUrl: () => `${baseUrl}${MANAGEMENT_PREFIX}`,
    manifestFile,
    reload: async () => (await load()).ok,
    now,
  });
  const first = await load();
  if (!first.ok) throw new UserError(`cannot start the emulator: ${first.message}`, 'emulator-manifest');
  const identity = await ensureServerIdentity(workspace, host === '0.0.0.0' || host === '::' ? [] : [host]);
  if (identity.created) log(`created the local CA ${identity.caPath}`);

  const server = createInvokeServer({
    key: identity.keyPem,
    cert: identity.certPem,
    mode,
    bodyLimit,
    headersTimeoutMs: o.headersTimeoutMs ?? 10_000,
    maxConnections: o.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    log,
    answer: async (req, body, raw): Promise<HttpAnswer> => {
      if (req.pathname === MANAGEMENT_PREFIX || req.pathname.startsWith(`${MANAGEMENT_PREFIX}/`)) {
        const path = req.pathname.slice(MANAGEMENT_PREFIX.length) || '/';
        const a = await management.answer(req.method, path, req.query, body);
        // The session id is a credential: never in the log.
        log(`management ${req.method} ${req.pathname} → ${a.status}`);
        if (o.onManagement && !path.startsWith(SIGN_IN_PAGE)) {
          let json: unknown;
          try {
            json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
          } catch {
            json = body.toString('utf8');
          }
          o.onManagement({ method: req.method, path, query: Object.fromEntries(req.query), headers: raw.headers, body: json, status: a.status, response: a.body ? JSON.parse(a.body) : undefined });
        }
        return a;
      }
      const s = { ...state!, now: now() };
      const started = new Date(now());
      const target = `${req.method} ${req.pathname}${req.query.size ? `?${req.query}` : ''}`;
      const d = authorize(req, s);
      if (!d.ok) {
        log(`${target} → ${d.status} refused: ${d.reason}`);
        return jsonAnswer(d.status, { Message: d.message });
      }
      const a = invokeAnswer({ ...d, method: req.method, pathname: req.pathname, query: req.query, body, headers: raw.headers });
      management.recordRun({ workflow: d.workflow.name, key: d.key.name, environment: d.environment.name, status: a.status, start: started, end: new Date(Math.max(now(), started.getTime() + 1)) });
      log(`${target} → ${a.status} '${d.workflow.name}' as key '${d.key.name}' in ${d.environment.name}${d.note ? ` — ${d.note}` : ''}`);
      return a;
    },
  });

  const sockets = new Set<import('node:stream').Duplex>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((res, rej) => {
    const onError = (e: NodeJS.ErrnoException) => {
      rej(e.code === 'EADDRINUSE' ? new UserError(`port ${o.port} is already in use; choose another with --port (0 = any free port)`, 'port-in-use')
        : e.code === 'EACCES' ? new UserError(`no permission to listen on ${host}:${o.port}`, 'port-denied')
        : new UserError(`cannot listen on ${host}:${o.port ?? 0}: ${e.message}`, 'listen-failed'));
    };
    server.once('error', onError);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', onError);
      res();
    });
  });
  server.on('error', (e) => log(`server error: ${e.message}`));
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  baseUrl = `https://${urlHost}:${port}`;
  log(`listening on ${baseUrl} (certificate request: ${mode}${disableDelayMs ? `, disable delay ${disableDelayMs / 1000} s` : ''})`);

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    caPath: identity.caPath,
    managementUrl: `${baseUrl}${MANAGEMENT_PREFIX}`,
    managementSessionId: management.initialSessionId,
    mode,
    files() {
      const certs = state?.manifest.keys.flatMap((k) => (k.certificate ? [k.certificate] : [])) ?? [];
      return [...new Set([manifestFile, join(dirname(manifestFile), LOCAL_MANIFEST_FILE), ...certs])];
    },
    async reload() {
      const r = await load();
      if (!r.ok) log(`reload failed, keeping the previous manifest: ${r.message}`);
      return r.ok;
    },
    close() {
      closing ??= new Promise<void>((res) => {
        server.close(() => res());
        server.closeIdleConnections();
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, CLOSE_GRACE_MS);
        timer.unref();
      }).then(() => log('stopped'));
      return closing;
    },
  };
}
