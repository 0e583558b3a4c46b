import type { InvokeResult } from './result';
import type { ResolvedRequest } from './types';

/**
 * The last invokes of a workspace, newest first. Pure: the editor persists the list in
 * workspaceState. Entries keep the request (paths, never key material) and a short outcome,
 * not bodies.
 */
export const HISTORY_LIMIT = 50;

export interface HistoryEntry {
  id: string;
  /** Epoch ms. */
  at: number;
  request: ResolvedRequest;
  status?: number;
  /** Error message when the invoke failed before a response. */
  error?: string;
  totalMs?: number;
  /** Folder of the flowgear.json the invoke came from (to re-send against the same manifest). */
  folder?: string;
}

export function entryFor(request: ResolvedRequest, outcome: InvokeResult | Error, at = Date.now(), folder?: string): HistoryEntry {
  const id = `${at.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  if (outcome instanceof Error) return { id, at, request, error: outcome.message, folder };
  return { id, at, request, status: outcome.status, totalMs: outcome.timings.total, folder };
}

export function addToHistory(list: readonly HistoryEntry[], entry: HistoryEntry, limit = HISTORY_LIMIT): HistoryEntry[] {
  return [entry, ...list.filter((e) => e.id !== entry.id)].slice(0, limit);
}

/** Drops anything malformed read back from storage (older versions, hand edits). */
export function sanitizeHistory(raw: unknown): HistoryEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((e): e is HistoryEntry => !!e && typeof e === 'object' && typeof e.id === 'string' && typeof e.at === 'number' && !!e.request && typeof e.request.url === 'string')
    .slice(0, HISTORY_LIMIT);
}

/** One line for a quick pick: `200 GET Get Customer · ci-test · Test`. */
export function historyLabel(e: HistoryEntry): { label: string; description: string; detail: string } {
  const outcome = e.status !== undefined ? String(e.status) : 'failed';
  return {
    label: `${outcome} ${e.request.method} ${e.request.workflow ?? new URL(e.request.url).pathname}`,
    description: `${e.request.client.keyName} · ${e.request.environment}`,
    detail: `${new Date(e.at).toLocaleString()} · ${e.request.url}${e.error ? ` · ${e.error}` : e.totalMs !== undefined ? ` · ${Math.round(e.totalMs)} ms` : ''}`,
  };
}
