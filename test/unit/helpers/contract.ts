import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import type { ManagementExchange } from '../../../src/emulator/management';

// js-yaml ships with mocha (a dev dependency); Flowgear's own OpenAPI file is the contract.
const yaml = require('js-yaml') as { load(text: string): unknown };
export const OPENAPI_FILE = 'test/fixtures/flowgear/api-flowgear-net-open-api.yaml';

type Json = Record<string, unknown>;

/**
 * Flowgear's document names no operationIds and declares no additionalProperties; the copy
 * the validator gets has both (ids from method + path; objects closed), so a field that is
 * not in the document — e.g. an invented certificate Thumbprint — fails the test.
 */
function prepare(doc: Json): Json {
  const close = (s: unknown): void => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach(close);
    const o = s as Json;
    if (o.type === 'object' && o.properties && o.additionalProperties === undefined) o.additionalProperties = false;
    for (const v of Object.values(o)) close(v);
  };
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) if (op && typeof op === 'object' && 'responses' in op) op.operationId = `${method.toUpperCase()} ${path}`;
  }
  close(doc.components);
  close(doc.paths);
  return doc;
}

/** Validates management API exchanges (request and answer) against the OpenAPI document. */
export class Contract {
  /** Violations seen since the last take(). */
  private seen: string[] = [];
  /** Exchanges checked (so a test can assert the contract was exercised). */
  checked = 0;

  private constructor(private readonly api: OpenAPIBackend) {}

  static async load(): Promise<Contract> {
    const definition = prepare(yaml.load(readFileSync(OPENAPI_FILE, 'utf8')) as Json);
    const api = new OpenAPIBackend({ definition: definition as never, strict: false, quick: false, validate: true, ignoreTrailingSlashes: false, ajvOpts: { logger: false } });
    await api.init();
    return new Contract(api);
  }

  /** Everything wrong with one exchange ([] = within the contract). */
  check(x: ManagementExchange): string[] {
    this.checked++;
    const where = `${x.method} ${x.path}`;
    const op = this.api.matchOperation({ method: x.method.toLowerCase(), path: x.path, headers: {} }) as Operation | undefined;
    if (!op) return [`${where}: no such operation in the OpenAPI document`];
    const out: string[] = [];
    const { auth, ...query } = x.query;
    const secured = (op.security ?? []).some((s) => 'ApiKeyAuth' in s);
    if (secured && !auth) out.push(`${where}: request without the auth query parameter (ApiKeyAuth)`);
    if (!secured && auth) out.push(`${where}: session sent to an operation that takes none`);
    const req = this.api.validateRequest(
      { method: x.method.toLowerCase(), path: x.path, query, headers: { 'content-type': 'application/json', ...flat(x.headers) }, body: x.body },
      op,
    );
    for (const e of req.errors ?? []) out.push(`${where} request: ${e.instancePath || '(root)'} ${e.message}`);
    const documented = Object.keys(op.responses ?? {});
    if (!documented.includes(String(x.status))) out.push(`${where}: status ${x.status} is not documented (${documented.join(', ')})`);
    else if (x.status !== 204) {
      const res = this.api.validateResponse(x.response, op, x.status);
      for (const e of res.errors ?? []) out.push(`${where} → ${x.status}: ${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    }
    return out;
  }

  /** For the emulator's onManagement option. */
  readonly observe = (x: ManagementExchange) => {
    this.seen.push(...this.check(x));
  };

  /** Violations since the last call, cleared. */
  take(): string[] {
    const v = this.seen;
    this.seen = [];
    return v;
  }
}

function flat(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
