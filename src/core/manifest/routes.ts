/**
 * Flowgear REST templates (Workflow Settings → API Binding): one HTTP method plus a path
 * template such as `/customers/{id}` or `/reports/revenue?name={name}`. `{x}` marks a whole
 * variable path segment; query variables are written `name={variable}`.
 *
 * Matching rules (Flowgear documents no ranking of competing routes, it answers 409):
 * - method and segment count must be equal; literal segments compare case-insensitively
 *   (IIS-style URLs), variables match any non-empty segment;
 * - literal query parameters must be present with that value; query variables are
 *   optional and captured when present.
 */
import { UserError } from '../errors';
import type { HttpMethod, Workflow } from './types';

export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export type Segment = { literal: string } | { variable: string };

export interface Template {
  method: HttpMethod;
  segments: Segment[];
  query: { name: string; variable?: string; literal?: string }[];
}

const VARIABLE = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

function isVariable(s: Segment): s is { variable: string } {
  return 'variable' in s;
}

/** Parses a REST template; throws UserError for templates Flowgear would not accept. */
export function parseTemplate(method: HttpMethod, path: string): Template {
  if (!HTTP_METHODS.includes(method)) throw new UserError(`unknown HTTP method '${method}'`, 'route-method');
  if (!path.startsWith('/')) throw new UserError(`path template '${path}' must start with '/'`, 'route-path');
  const q = path.indexOf('?');
  const pathPart = q < 0 ? path : path.slice(0, q);
  const queryPart = q < 0 ? '' : path.slice(q + 1);
  const segments: Segment[] = pathPart
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const m = VARIABLE.exec(s);
      if (m) return { variable: m[1] };
      if (/[{}]/.test(s)) {
        throw new UserError(`path template '${path}': a variable must be a whole segment like {name} (got '${s}')`, 'route-path');
      }
      return { literal: s };
    });
  const query = queryPart
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const name = eq < 0 ? p : p.slice(0, eq);
      const value = eq < 0 ? '' : p.slice(eq + 1);
      if (name === '' || /[{}]/.test(name)) throw new UserError(`path template '${path}': bad query parameter '${p}'`, 'route-path');
      const m = VARIABLE.exec(value);
      if (m) return { name, variable: m[1] };
      if (/[{}]/.test(value)) throw new UserError(`path template '${path}': query variables are written name={variable} (got '${p}')`, 'route-path');
      return { name, literal: value };
    });
  const vars = [...segments.filter(isVariable).map((s) => s.variable), ...query.flatMap((p) => (p.variable ? [p.variable] : []))];
  const dup = vars.find((v, i) => vars.indexOf(v) !== i);
  if (dup) throw new UserError(`path template '${path}': variable {${dup}} appears twice`, 'route-path');
  return { method, segments, query };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** The template's variables if the request matches it, else undefined. */
export function matchTemplate(t: Template, method: string, pathname: string, query: URLSearchParams): Record<string, string> | undefined {
  if (method.toUpperCase() !== t.method) return undefined;
  const parts = pathname.split('/').filter((s) => s !== '');
  if (parts.length !== t.segments.length) return undefined;
  const vars: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = t.segments[i];
    const value = safeDecode(parts[i]);
    if (value === undefined) return undefined;
    if (isVariable(seg)) vars[seg.variable] = value;
    else if (seg.literal.toLowerCase() !== value.toLowerCase()) return undefined;
  }
  for (const p of t.query) {
    const value = query.get(p.name);
    if (p.variable !== undefined) {
      if (value !== null) vars[p.variable] = value;
    } else if (value !== p.literal) {
      return undefined;
    }
  }
  return vars;
}

/** True when some request URI matches both templates — Flowgear answers 409 for it. */
export function routesOverlap(a: Template, b: Template): boolean {
  if (a.method !== b.method || a.segments.length !== b.segments.length) return false;
  for (let i = 0; i < a.segments.length; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (!isVariable(x) && !isVariable(y) && x.literal.toLowerCase() !== y.literal.toLowerCase()) return false;
  }
  // A request can satisfy both query constraints unless they demand different literal values.
  for (const p of a.query) {
    if (p.literal === undefined) continue;
    const other = b.query.find((o) => o.name === p.name && o.literal !== undefined);
    if (other && other.literal !== p.literal) return false;
  }
  return true;
}

function tryParse(w: Workflow): Template | undefined {
  try {
    return parseTemplate(w.method, w.path);
  } catch {
    return undefined;
  }
}

/** Every pair of workflows whose routes overlap (invalid templates are skipped). */
export function ambiguousRoutes(workflows: Workflow[]): [Workflow, Workflow][] {
  const parsed = workflows.map((w) => ({ w, t: tryParse(w) }));
  const pairs: [Workflow, Workflow][] = [];
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i];
      const b = parsed[j];
      if (a.t && b.t && routesOverlap(a.t, b.t)) pairs.push([a.w, b.w]);
    }
  }
  return pairs;
}

/** Variable names in template order (path first, then query), without duplicates. */
export function templateVariables(t: Template): string[] {
  const names = [...t.segments.filter(isVariable).map((s) => s.variable), ...t.query.flatMap((p) => (p.variable ? [p.variable] : []))];
  return [...new Set(names)];
}

/**
 * Fills the template. Path values are percent-encoded; query pairs are returned raw for
 * the caller's URLSearchParams. A missing variable is a UserError naming all of them.
 */
export function expandTemplate(t: Template, vars: Record<string, string>): { path: string; query: [string, string][] } {
  const pathVars = new Set(t.segments.filter(isVariable).map((s) => s.variable));
  // An empty path segment would change the route, so it counts as missing.
  const missing = templateVariables(t).filter((v) => vars[v] === undefined || (pathVars.has(v) && vars[v] === ''));
  if (missing.length > 0) {
    throw new UserError(`missing value for ${missing.map((m) => `{${m}}`).join(', ')}`, 'route-missing-variable');
  }
  // `.` and `..` are dot segments: URL parsers drop them (even as %2E%2E), so the request would
  // go to another route. No encoding survives that; refuse them like an empty segment.
  const dots = t.segments.filter(isVariable).find((s) => vars[s.variable] === '.' || vars[s.variable] === '..');
  if (dots) throw new UserError(`'${vars[dots.variable]}' cannot be the value of {${dots.variable}}: as a path segment it would change the route`, 'route-dot-segment');
  const path = '/' + t.segments.map((s) => (isVariable(s) ? encodeURIComponent(vars[s.variable]) : s.literal)).join('/');
  const query = t.query.map((p): [string, string] => [p.name, p.variable !== undefined ? vars[p.variable] : (p.literal ?? '')]);
  return { path, query };
}
