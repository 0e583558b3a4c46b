import { createHash } from 'node:crypto';
import type { Environment, Key, Workflow } from '../core/manifest/types';

/** Largest request body echoed back; the rest is cut (the size is still reported). */
export const ECHO_LIMIT = 64 * 1024;

export interface InvokeEcho {
  workflow: Workflow;
  key: Key;
  environment: Environment;
  method: string;
  pathname: string;
  variables: Record<string, string>;
  query: URLSearchParams;
  body: Buffer;
  /** Request headers as received (lower-case names); echoed so tests can check what was sent. */
  headers?: Record<string, string | string[] | undefined>;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attributes; drops characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/**
 * The workflow's InitialisationXml as a Flowgear workflow would see it: the key appears as
 * `<Username>Key: NAME</Username>` (Flowgear's help), plus profile and bound variables.
 */
export function initialisationXml(e: InvokeEcho): string {
  const vars = Object.entries(e.variables)
    .map(([k, v]) => `<Variable Name="${xmlEscape(k)}">${xmlEscape(v)}</Variable>`)
    .join('');
  return (
    '<Initialisation>' +
    `<Username>Key: ${xmlEscape(e.key.name)}</Username>` +
    `<Profile>${xmlEscape(e.environment.name)}</Profile>` +
    `<Workflow>${xmlEscape(e.workflow.name)}</Workflow>` +
    `<Method>${xmlEscape(e.method)}</Method>` +
    `<Path>${xmlEscape(e.pathname)}</Path>` +
    `<Variables>${vars}</Variables>` +
    '</Initialisation>'
  );
}

/** Default success body: Flowgear's `status`/`statusMessage` plus what the workflow received. */
export function successBody(e: InvokeEcho): Record<string, unknown> {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of e.query) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const truncated = e.body.length > ECHO_LIMIT;
  return {
    status: true,
    statusMessage: '',
    workflow: e.workflow.name,
    method: e.method,
    path: e.pathname,
    pathVariables: e.variables,
    query,
    body: e.body.subarray(0, ECHO_LIMIT).toString('utf8'),
    bodyBytes: e.body.length,
    bodySha256: createHash('sha256').update(e.body).digest('hex'),
    headers: e.headers ?? {},
    bodyTruncated: truncated,
    FgUsername: `Key: ${e.key.name}`,
    FgProfile: e.environment.name,
    InitialisationXml: initialisationXml(e),
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonAnswer(status: number, value: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

/** The workflow's declared canned response, else the echo. */
export function invokeAnswer(e: InvokeEcho): HttpAnswer {
  const canned = e.workflow.response;
  if (!canned) return jsonAnswer(200, successBody(e));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(canned.headers ?? {})) headers[k.toLowerCase()] = v;
  if (typeof canned.body === 'string') {
    return { status: canned.status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: canned.body };
  }
  if (canned.body === undefined) return { status: canned.status, headers, body: '' };
  return jsonAnswer(canned.status, canned.body, headers);
}
