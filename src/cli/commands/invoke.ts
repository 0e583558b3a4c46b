import { BODY_FILE_LIMIT, readBoundedSync } from '../../core/boundedRead';
import { resolve } from 'node:path';
import { certificateFacts, expiryWarning } from '../../core/invoke/credentials';
import { explain404 } from '../../core/invoke/explain404';
import { Invoker } from '../../core/invoke/invoker';
import { adhocRequest, resolveRequest } from '../../core/invoke/resolve';
import type { InvokeResult } from '../../core/invoke/result';
import type { ResolvedRequest } from '../../core/invoke/types';
import { requireManifest } from '../../core/manifest/load';
import type { Manifest } from '../../core/manifest/types';
import { type Command, type Io, UsageError, parse, secretFromEnv } from '../args';
import { networkFrom, networkOptions, networkUsage } from '../network';
import { TARGET_OPTIONS, TARGET_USAGE, targetOptions } from '../target';
import { SHARED_OPTIONS, pairs, positiveInt, timeoutsFrom } from '../invokeOptions';

const usage = `Usage:
  flowgear-mtls invoke WORKFLOW --key NAME [--env NAME] [--var k=v]... [--data @file|text]
                [--header 'K: V']... [--workspace DIR] [--timeout MS] [--repeat N] [--json]
                [--passphrase-env VAR] [--proxy URL | --no-proxy] [--no-system-ca]
                [--profile NAME] [--base-url URL]
  flowgear-mtls invoke --url URL (--cert FILE --key FILE | --pfx FILE) [--ca FILE] [--method M]
                [--data …] [--header …] [--timeout MS] [--repeat N] [--json] [--passphrase-env VAR]
                [--proxy URL | --no-proxy] [--no-system-ca]

Invokes a Flowgear workflow over mutual TLS with the key's client certificate, as declared in
flowgear.json (WORKFLOW and --key are names there). --env picks the Site Environment (default:
the key's target environment, else Production); non-Production environments without their own
baseUrl get _profile=<Env>. The body goes to stdout, a status line to stderr; a 404 comes with
the likely causes. The passphrase of an encrypted key or PFX is read from the environment
variable named by --passphrase-env, never from the command line.

  --json        one JSON document { url, status, headers, body, timings, protocol, … }
  --repeat N    N sequential invokes on one kept-alive connection; prints
                { runs, statuses, latencyMs: { min, p50, p90, max } } with --json
  --timeout MS  limit for connecting, for the answer and for the whole invoke (default 30000)
${TARGET_USAGE}

flowgear.local.json beside flowgear.json (git-ignored, your own) overrides site, ca, environments'
baseUrl/ca/tlsMaxVersion and keys' passphraseEnv/paths for every call.

${networkUsage}

Exit codes: 0 on 2xx, 3 on another HTTP status, 1 on any other failure, 2 on usage errors.`;

const options = {
  ...SHARED_OPTIONS,
  data: { type: 'string' },
  header: { type: 'string', multiple: true },
  repeat: { type: 'string' },
  json: { type: 'boolean' },
  url: { type: 'string' },
  cert: { type: 'string' },
  pfx: { type: 'string' },
  ca: { type: 'string' },
  method: { type: 'string' },
  ...networkOptions,
  ...TARGET_OPTIONS,
} as const;

function readData(data: string | undefined, cwd: string): string | undefined {
  if (data === undefined || !data.startsWith('@')) return data;
  const file = resolve(cwd, data.slice(1));
  return readBoundedSync(file, { field: '--data', limit: BODY_FILE_LIMIT }).toString('utf8');
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i] * 100) / 100;
}

const exitFor = (status: number) => (status >= 200 && status < 300 ? 0 : 3);

function printResult(io: Io, r: InvokeResult, json: boolean, manifest: Manifest | undefined) {
  const causes = r.status === 404 ? explain404(manifest, r.request, { ...certificateFacts(r.request.client), protocol: r.protocol, certificateRequestedInHandshake: r.certificateRequestedInHandshake }) : [];
  if (json) {
    io.out(
      JSON.stringify(
        {
          url: r.url,
          status: r.status,
          headers: r.headers,
          body: r.body,
          timings: r.timings,
          protocol: r.protocol,
          ...(r.proxy ? { proxy: r.proxy } : {}),
          ...(r.serverTrust ? { serverTrust: r.serverTrust } : {}),
          key: r.request.client.keyName,
          environment: r.request.environment,
          sizes: r.sizes,
          ...(causes.length ? { explanation: causes.map((c) => ({ code: c.code, message: c.message })) } : {}),
        },
        null,
        2,
      ) + '\n',
    );
    return;
  }
  io.err(`${r.status} ${r.statusText}  ${r.request.method} ${r.url}  (key ${r.request.client.keyName}, ${r.request.environment}, ${r.protocol ?? '?'}, ${Math.round(r.timings.total)} ms)\n`);
  io.out(r.bodyBytes.toString('utf8') + (r.bodyBytes.length && !r.bodyBytes.toString('utf8').endsWith('\n') ? '\n' : ''));
  if (causes.length) io.err(`Flowgear answers 404 for most refusals. Likely causes, most likely first:\n${causes.map((c) => `  - ${c.message}`).join('\n')}\n`);
}

export const invoke: Command = {
  summary: 'invoke a workflow over mTLS with a key from flowgear.json (or ad hoc with --url)',
  usage,
  async run(argv, io) {
    const { values: v, positionals } = parse(argv, options);
    const repeat = positiveInt(v.repeat, '--repeat', 1);
    const timeouts = timeoutsFrom(v.timeout);
    const headers = pairs(v.header, ':', '--header');
    const passphrase = secretFromEnv(v['passphrase-env'], io.env);
    const body = readData(v.data, io.cwd);

    let manifest: Manifest | undefined;
    let req: ResolvedRequest;
    if (v.url !== undefined) {
      if (positionals.length) throw new UsageError('--url takes no WORKFLOW argument');
      if (v.var || v.env || v.workspace || v.profile || v['base-url']) throw new UsageError('--var, --env, --profile, --base-url and --workspace need a WORKFLOW from flowgear.json, not --url');
      req = adhocRequest({
        url: v.url,
        method: v.method,
        certificate: v.cert && resolve(io.cwd, v.cert),
        privateKey: v.key && resolve(io.cwd, v.key),
        pfx: v.pfx && resolve(io.cwd, v.pfx),
        ca: v.ca && resolve(io.cwd, v.ca),
        headers,
        body,
        passphraseEnv: v['passphrase-env'],
      });
    } else {
      if (positionals.length !== 1) throw new UsageError('expected one WORKFLOW name (or --url URL); see flowgear-mtls invoke --help');
      if (!v.key) throw new UsageError('--key NAME is required (a key from flowgear.json)');
      if (v.cert || v.pfx || v.ca || v.method) throw new UsageError('--cert, --pfx, --ca and --method are for ad-hoc invokes with --url');
      const vars = pairs(v.var, '=', '--var');
      const target = targetOptions(v, vars);
      manifest = await requireManifest(resolve(io.cwd, v.workspace ?? '.'), 'use --workspace DIR, flowgear-mtls init to create one, or --url for an ad-hoc invoke');
      req = resolveRequest(manifest, {
        ...target,
        workflow: positionals[0],
        key: v.key,
        environment: v.env,
        vars,
        headers,
        body,
        passphraseEnv: v['passphrase-env'],
      });
    }

    const network = networkFrom(v, io);
    const expired = expiryWarning(req.client);
    if (expired) io.err(`warning: ${expired}\n`);
    // The key's passphraseEnv in flowgear.json names the variable when --passphrase-env does not.
    const passphraseOf = passphrase ?? (req.client.passphraseEnv ? io.env[req.client.passphraseEnv] : undefined);
    if (req.insecure) {
      io.err(new URL(req.url).protocol === 'http:'
        ? `warning: "insecure": true in flowgear.json — this request goes out in CLEAR TEXT (http://), without TLS or the client certificate\n`
        : `warning: "insecure": true in flowgear.json — the server certificate is NOT verified\n`);
    }
    const invoker = new Invoker();
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      if (repeat === 1) {
        const r = await invoker.invoke(req, { passphrase: passphraseOf, timeouts, signal: ac.signal, bodyCap: Number.MAX_SAFE_INTEGER, network });
        printResult(io, r, !!v.json, manifest);
        return exitFor(r.status);
      }
      const latencies: number[] = [];
      const statuses: Record<string, number> = {};
      let worst = 0;
      for (let i = 0; i < repeat; i++) {
        const r = await invoker.invoke(req, { passphrase: passphraseOf, timeouts, signal: ac.signal, bodyCap: 0, network });
        latencies.push(r.timings.total);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        worst = Math.max(worst, exitFor(r.status));
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      const latencyMs = { min: percentile(sorted, 0), p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: percentile(sorted, 100) };
      if (v.json) io.out(JSON.stringify({ runs: repeat, statuses, latencyMs }, null, 2) + '\n');
      else io.out(`${repeat} invokes of ${req.method} ${req.url}: ${Object.entries(statuses).map(([s, n]) => `${n}× ${s}`).join(', ')}; latency ms min ${latencyMs.min}, p50 ${latencyMs.p50}, p90 ${latencyMs.p90}, max ${latencyMs.max}\n`);
      return worst;
    } finally {
      process.removeListener('SIGINT', onSigint);
      await invoker.dispose();
    }
  },
};
