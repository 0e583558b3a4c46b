import type { SiteClient } from './client';
import type { LogEntry } from './types';

export interface RunLog {
  root: LogEntry;
  /** Every entry of the run (root included), in sequence order. */
  nodes: LogEntry[];
  durationMs?: number;
  failed: boolean;
}

function ms(a?: string, b?: string): number | undefined {
  if (!a || !b) return undefined;
  // Flowgear writes dates without a zone; both ends are in the same one.
  const d = Date.parse(b) - Date.parse(a);
  return Number.isFinite(d) ? d : undefined;
}

export function isFailed(e: LogEntry): boolean {
  return /error|fail/i.test(e.OutputLabel ?? '');
}

/** The last `count` runs of a workflow with their nodes (recentstart, then a search per run). */
export async function recentRunLogs(client: SiteClient, siteId: string, siteWorkflowId: string, count: number): Promise<RunLog[]> {
  const roots = (await client.recentRuns(siteId, siteWorkflowId))
    .slice()
    .sort((a, b) => (b.StartDateTime ?? '').localeCompare(a.StartDateTime ?? ''))
    .slice(0, Math.max(1, count));
  return Promise.all(
    roots.map(async (root) => {
      const entries = await client.searchLogs(siteId, { rootLogId: root.WorkflowActivityLogId, sortAsc: true, maxResults: 200 });
      const nodes = entries.some((e) => e.WorkflowActivityLogId === root.WorkflowActivityLogId) ? entries : [root, ...entries];
      nodes.sort((a, b) => (a.Depth ?? 0) - (b.Depth ?? 0) || (a.Sequence ?? 0) - (b.Sequence ?? 0));
      return { root, nodes, durationMs: ms(root.StartDateTime, root.EndDateTime), failed: nodes.some(isFailed) };
    }),
  );
}

/** A run as text lines (CLI, response view). */
export function formatRunLog(r: RunLog): string[] {
  const lines = [`run ${r.root.WorkflowActivityLogId} started ${r.root.StartDateTime ?? '?'}${r.durationMs !== undefined ? `, ${r.durationMs} ms` : ''} — ${r.failed ? 'failed' : 'succeeded'}`];
  for (const n of r.nodes) {
    const d = ms(n.StartDateTime, n.EndDateTime);
    lines.push(`${'  '.repeat((n.Depth ?? 0) + 1)}${n.NodeName || '(node)'}${n.OutputLabel ? ` [${n.OutputLabel}]` : ''}${d !== undefined ? ` ${d} ms` : ''}${n.StatusMessage ? ` — ${n.StatusMessage}` : ''}`);
  }
  return lines;
}
