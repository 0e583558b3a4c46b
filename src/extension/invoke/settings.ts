import * as vscode from 'vscode';
import type { InvokeTimeouts } from '../../core/invoke/result';

/** The flowgear.invoke.* settings (descriptions in package.json). */
export function invokeSettings(): { timeouts: InvokeTimeouts; bodyCap: number; provideClientCertificateHeader: boolean } {
  const c = vscode.workspace.getConfiguration('flowgear.invoke');
  const ms = (k: string, d: number) => Math.max(1, c.get<number>(k, d));
  return {
    timeouts: { connect: ms('connectTimeoutMs', 10_000), headers: ms('responseTimeoutMs', 30_000), body: ms('bodyTimeoutMs', 30_000) },
    bodyCap: Math.max(1, c.get<number>('bodyDisplayLimitKb', 1024)) * 1024,
    provideClientCertificateHeader: c.get<boolean>('provideClientCertificateHeader', true),
  };
}
