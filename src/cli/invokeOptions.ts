import type { InvokeTimeouts } from '../core/invoke/result';
import { requireManifest } from '../core/manifest/load';
import type { Manifest } from '../core/manifest/types';
import { UsageError } from './args';

/**
 * What `invoke` and `run` share: the options that pick the manifest, key, environment,
 * variables, timeout and passphrase, and how their values are read. An option added here
 * applies to both commands.
 */
export const SHARED_OPTIONS = {
  key: { type: 'string' },
  env: { type: 'string' },
  var: { type: 'string', multiple: true },
  workspace: { type: 'string' },
  timeout: { type: 'string' },
  'passphrase-env': { type: 'string' },
} as const;

export function positiveInt(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} expects a positive whole number (got '${v}')`);
  return n;
}

export function pairs(list: string[] | undefined, sep: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf(sep);
    if (i <= 0) throw new UsageError(`${flag} expects ${sep === '=' ? 'name=value' : "'Name: value'"} (got '${item}')`);
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}

/** --timeout MS bounds connecting, the answer and the whole invoke. */
export function timeoutsFrom(v: string | undefined): InvokeTimeouts | undefined {
  const t = v === undefined ? undefined : positiveInt(v, '--timeout', 0);
  return t ? { connect: t, headers: t, body: t, total: t } : undefined;
}

/** The manifest in `dir` (one clear error when there is none or it has errors). */
export function manifestIn(dir: string): Promise<Manifest> {
  return requireManifest(dir, 'use --workspace DIR');
}
