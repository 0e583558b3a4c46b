import { BODY_FILE_LIMIT, readBoundedSync } from '../boundedRead';
import { UserError, messageOf } from '../errors';
import type { Manifest } from '../manifest/types';
import { evaluateAll, parseExpectation, type Expectation, type ExpectationResult } from './expect';
import { expandExpectations, requestFromBlock, type BlockContext } from './fileRequest';
import type { InvokeOptions, Invoker } from './invoker';
import { parseRequestFile, type RequestBlock, type RequestFile } from './requestFile';
import type { InvokeResult } from './result';
import type { ResolvedRequest } from './types';
import type { ExchangeRecord } from './variables';

/**
 * Runs the requests of a request file in order, as a test: chained values flow from one
 * request to the next, `# @expect` lines are evaluated, and each request ends passed, failed
 * (an expectation did not hold), error (not sendable, or the invoke itself failed) or skipped.
 * Shared by `flowgear-mtls run`, load mode and the editor's Testing view.
 */

export type OutcomeState = 'passed' | 'failed' | 'error' | 'skipped';

export interface RequestOutcome {
  file: string;
  index: number;
  /** 0-based line of the request (its CodeLens anchor). */
  line: number;
  title: string;
  state: OutcomeState;
  method?: string;
  url?: string;
  status?: number;
  durationMs: number;
  expectations: ExpectationResult[];
  error?: { message: string; code: string };
  skipReason?: string;
  result?: InvokeResult;
}

export interface RunFileOptions {
  file: string;
  /** File text (default: read from `file`). */
  text?: string;
  manifest: Manifest;
  invoker: Invoker;
  /** Default environment and key for requests that name none (`--env`, `--key`, the status bar). */
  environment?: string;
  key?: string;
  /** `--profile` / `--base-url` for requests with a relative path (see resolve.ts). */
  profile?: string;
  baseUrl?: string;
  /** `--var` values: win over file variables. */
  values?: Record<string, string>;
  /** Only requests whose title (or file path) matches. */
  grep?: RegExp;
  /** Only these request indexes (the Testing view running one item). */
  only?: number[];
  env?: NodeJS.ProcessEnv;
  invoke?: InvokeOptions;
  /** How to send (default invoker.invoke): the editor adds its passphrase prompts. */
  send?: (req: ResolvedRequest, o: InvokeOptions) => Promise<InvokeResult>;
  provideClientCertificateHeader?: boolean;
  passphraseEnv?: string;
  /** Named responses so far; shared across the files of one run. */
  exchanges?: Map<string, ExchangeRecord>;
  /** Checked before each request: true ends the run (--bail, cancel). */
  stop?: () => boolean;
  onOutcome?: (o: RequestOutcome) => void;
  /** Keep the InvokeResult on each outcome (the editor shows it). */
  keepResults?: boolean;
}

export function requestTitle(b: RequestBlock): string {
  return b.name ?? b.title ?? (b.target ? `${b.method} ${b.target}` : b.workflow ? `workflow ${b.workflow}` : `request ${b.index + 1}`);
}

/** Without a `status` expectation, a request passes only on a 2xx answer (like `invoke`'s exit 0). */
const IMPLICIT_STATUS: Expectation = { ...(parseExpectation('status 2xx') as Omit<Expectation, 'line' | 'source'>), line: -1, source: 'status 2xx' };

export function expectationsOf(b: RequestBlock): Expectation[] {
  return b.expects.some((e) => e.subject === 'status') ? b.expects : [{ ...IMPLICIT_STATUS, line: b.anchorLine }, ...b.expects];
}

export function selectedRequests(f: RequestFile, file: string, o: Pick<RunFileOptions, 'grep' | 'only'>): RequestBlock[] {
  return f.requests.filter((b) => (!o.only || o.only.includes(b.index)) && (!o.grep || o.grep.test(requestTitle(b)) || o.grep.test(file)));
}

/** Builds one request of the file with the run's context (exported for load mode). */
function blockContext(o: RunFileOptions): BlockContext {
  return {
    environment: o.environment,
    key: o.key,
    profile: o.profile,
    baseUrl: o.baseUrl,
    values: o.values ?? {},
    file: o.file,
    env: o.env,
    exchanges: o.exchanges,
    provideClientCertificateHeader: o.provideClientCertificateHeader,
    passphraseEnv: o.passphraseEnv,
  };
}

export function buildRequest(o: RunFileOptions, f: RequestFile, b: RequestBlock): Promise<ResolvedRequest> {
  return requestFromBlock(o.manifest, f, b, blockContext(o));
}

/** Expectations of a block (the implicit status check included), expected values expanded. */
export function checksFor(o: RunFileOptions, f: RequestFile, b: RequestBlock): Promise<Expectation[]> {
  return expandExpectations(f, b, blockContext(o), expectationsOf(b));
}

/** Remembers a named request's exchange for `{{name.response…}}` later in the run. */
export function recordExchange(exchanges: Map<string, ExchangeRecord> | undefined, b: RequestBlock, req: ResolvedRequest, r: InvokeResult) {
  if (exchanges && b.name) exchanges.set(b.name, { request: { headers: req.headers, body: req.body }, response: { headers: r.headers, body: r.body } });
}

export async function runRequestFile(o: RunFileOptions): Promise<RequestOutcome[]> {
  // A request file found in a folder walk may be a committed symlink to /dev/zero or a FIFO.
  const f = parseRequestFile(o.text ?? readBoundedSync(o.file, { field: 'request file', limit: BODY_FILE_LIMIT }).toString('utf8'));
  o.exchanges ??= new Map();
  const out: RequestOutcome[] = [];
  for (const b of selectedRequests(f, o.file, o)) {
    if (o.stop?.()) break;
    const base = { file: o.file, index: b.index, line: b.anchorLine, title: requestTitle(b), method: b.method, expectations: [] as ExpectationResult[], durationMs: 0 };
    let outcome: RequestOutcome;
    if (b.disabled) {
      outcome = { ...base, state: 'skipped', skipReason: "disabled ('# @disabled')" };
    } else {
      const started = performance.now();
      let req: ResolvedRequest | undefined;
      try {
        req = await buildRequest(o, f, b);
        const checks = await checksFor(o, f, b);
        const r = await (o.send ? o.send(req, o.invoke ?? {}) : o.invoker.invoke(req, o.invoke));
        recordExchange(o.exchanges, b, req, r);
        const expectations = evaluateAll(checks, { status: r.status, headers: r.headers, body: r.body, durationMs: r.timings.total });
        outcome = {
          ...base,
          state: expectations.every((e) => e.pass) ? 'passed' : 'failed',
          url: req.url,
          status: r.status,
          durationMs: r.timings.total,
          expectations,
          result: o.keepResults ? r : undefined,
        };
      } catch (e) {
        const err = e instanceof UserError ? { message: e.message, code: e.code } : { message: messageOf(e), code: 'internal' };
        if (err.code === 'cancelled') break;
        outcome = { ...base, state: 'error', url: req?.url, durationMs: performance.now() - started, error: err };
      }
    }
    out.push(outcome);
    o.onOutcome?.(outcome);
  }
  return out;
}
