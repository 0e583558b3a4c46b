/**
 * Typed reads from a jsonc-parser tree that record a Problem (with the node's range)
 * instead of throwing. Used by the manifest loader to build the model field by field.
 */
import { getNodeValue, type Node } from 'jsonc-parser';
import { isAbsolute, relative, resolve } from 'node:path';
import { LineIndex, type Range } from './positions';
import type { Problem } from './types';

export class Reader {
  readonly problems: Problem[] = [];
  private readonly lines: LineIndex;

  constructor(text: string, readonly root: string) {
    this.lines = new LineIndex(text);
  }

  rangeOf(node: Node): Range {
    return this.lines.range(node.offset, node.length);
  }

  /** Range of just the opening token: for "missing property" problems on large objects. */
  startOf(node: Node): Range {
    return this.lines.range(node.offset, 1);
  }

  rangeAt(offset: number, length: number): Range {
    return this.lines.range(offset, length);
  }

  add(node: Node | Range, severity: Problem['severity'], code: string, message: string, data?: Record<string, unknown>): void {
    const range = 'offset' in node ? this.rangeOf(node) : node;
    this.problems.push({ message, severity, range, code, ...(data ? { data } : {}) });
  }

  /** Value node of property `name` of an object node. */
  prop(obj: Node, name: string): Node | undefined {
    const p = obj.children?.find((c) => c.type === 'property' && c.children?.[0]?.value === name);
    return p?.children?.[1];
  }

  /** Warns about properties the schema does not know (typos like "permitedWorkflows"). */
  unknownProps(obj: Node, known: readonly string[], where: string): void {
    for (const p of obj.children ?? []) {
      const keyNode = p.children?.[0];
      if (keyNode && typeof keyNode.value === 'string' && !known.includes(keyNode.value)) {
        this.add(keyNode, 'warning', 'unknown-property', `Unknown property '${keyNode.value}' in ${where} (ignored). Known: ${known.join(', ')}.`);
      }
    }
  }

  object(node: Node | undefined, what: string): Node | undefined {
    if (node === undefined) return undefined;
    if (node.type !== 'object') {
      this.add(node, 'error', 'schema', `${what} must be an object.`);
      return undefined;
    }
    return node;
  }

  array(node: Node | undefined, what: string): Node[] | undefined {
    if (node === undefined) return undefined;
    if (node.type !== 'array') {
      this.add(node, 'error', 'schema', `${what} must be an array.`);
      return undefined;
    }
    return node.children ?? [];
  }

  string(obj: Node, name: string, what: string, required = false): string | undefined {
    const node = this.prop(obj, name);
    if (node === undefined) {
      if (required) this.add(this.startOf(obj), 'error', 'schema', `${what} is missing required property '${name}'.`);
      return undefined;
    }
    if (node.type !== 'string') {
      this.add(node, 'error', 'schema', `'${name}' in ${what} must be a string.`);
      return undefined;
    }
    const value = node.value as string;
    if (required && value.trim() === '') {
      this.add(node, 'error', 'schema', `'${name}' in ${what} must not be empty.`);
      return undefined;
    }
    return value;
  }

  boolean(obj: Node, name: string, what: string): boolean | undefined {
    const node = this.prop(obj, name);
    if (node === undefined) return undefined;
    if (node.type !== 'boolean') {
      this.add(node, 'error', 'schema', `'${name}' in ${what} must be true or false.`);
      return undefined;
    }
    return node.value as boolean;
  }

  /** A file path, resolved against the manifest folder (absolute paths stay as they are). */
  path(obj: Node, name: string, what: string): string | undefined {
    const v = this.string(obj, name, what);
    if (v === undefined) return undefined;
    if (v.trim() === '') {
      this.add(this.prop(obj, name)!, 'error', 'schema', `'${name}' in ${what} must not be empty.`);
      return undefined;
    }
    const abs = resolve(this.root, v);
    const rel = relative(this.root, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      // Allowed (a shared CA, a key kept in ~/), but a shared manifest can point anywhere: say so.
      this.add(this.prop(obj, name)!, 'warning', 'path-outside', `'${name}' in ${what} points outside the manifest's folder (${abs}): make sure that is meant; the editor asks before sending such a file as a body.`, { path: abs });
    }
    return abs;
  }

  /** An http(s) base URL without trailing slash. */
  url(obj: Node, name: string, what: string, required = false): string | undefined {
    const v = this.string(obj, name, what, required);
    if (v === undefined) return undefined;
    let u: URL | undefined;
    try {
      u = new URL(v);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.search || u.hash) {
      this.add(this.prop(obj, name)!, 'error', 'schema', `'${name}' in ${what} must be an http(s) URL like https://acme.flowgear.net (got '${v}').`);
      return undefined;
    }
    return v.replace(/\/+$/, '');
  }

  /** An http:// URL sends in clear without the client certificate: an error unless the manifest
   *  opts out with `"insecure": true` beside it, then a loud warning. */
  clearText(obj: Node, name: string, url: string | undefined, insecure: boolean | undefined, where: string): void {
    if (!url?.startsWith('http:')) return;
    const node = this.prop(obj, name)!;
    if (insecure) this.add(node, 'warning', 'insecure-url', `'${name}' in ${where} is http://: invokes go out in clear text, without TLS or the client certificate ("insecure": true).`);
    else this.add(node, 'error', 'insecure-url', `'${name}' in ${where} is http://: invokes would go out in clear text, without the client certificate. Use https://, or add "insecure": true beside it for a local test server.`);
  }

  stringMap(obj: Node, name: string, what: string): Record<string, string> | undefined {
    const node = this.object(this.prop(obj, name), `'${name}' in ${what}`);
    if (!node) return undefined;
    const out: Record<string, string> = {};
    for (const p of node.children ?? []) {
      const [k, v] = p.children ?? [];
      if (!k || !v) continue;
      if (v.type !== 'string') this.add(v, 'error', 'schema', `'${name}.${k.value}' in ${what} must be a string.`);
      else out[k.value as string] = v.value as string;
    }
    return out;
  }

  /** Plain JSON value (jsonc-parser builds null-prototype objects; consumers expect plain ones). */
  value(node: Node): unknown {
    return JSON.parse(JSON.stringify(getNodeValue(node)));
  }
}
