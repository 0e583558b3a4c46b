import * as vscode from 'vscode';
import type { InvokeTimeouts } from '../../core/invoke/result';
import { Setting, type SettingId } from '../ids';

/**
 * Settings are read one way: by full id, for a resource (every setting has scope `resource`,
 * so a folder's .vscode/settings.json wins for files in that folder).
 */
export function setting<T>(id: SettingId, fallback: T, scope?: vscode.Uri): T {
  return vscode.workspace.getConfiguration(undefined, scope).get<T>(id, fallback);
}

/** The flowgear.invoke.* settings for an invoke from `scope` (descriptions in package.json). */
export function invokeSettings(scope?: vscode.Uri): { timeouts: InvokeTimeouts; bodyCap: number; provideClientCertificateHeader: boolean } {
  const ms = (id: SettingId, d: number) => Math.max(1, setting(id, d, scope));
  return {
    timeouts: { connect: ms(Setting.connectTimeoutMs, 10_000), headers: ms(Setting.responseTimeoutMs, 30_000), body: ms(Setting.bodyTimeoutMs, 30_000) },
    bodyCap: ms(Setting.bodyDisplayLimitKb, 1024) * 1024,
    provideClientCertificateHeader: setting(Setting.provideClientCertificateHeader, true, scope),
  };
}

/** Days before expiry a certificate gets a warning, for a file or folder. */
export function expiryWarningDays(scope?: vscode.Uri): number {
  return setting(Setting.expiryWarningDays, 30, scope);
}
