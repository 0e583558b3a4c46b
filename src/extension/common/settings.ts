import * as vscode from 'vscode';
import type { NetworkOptions } from '../../core/invoke/invoker';
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

/**
 * Proxy and trust for connections from the editor. VS Code's own settings come first:
 * `http.proxySupport: off` means no proxy; `http.proxy` wins over HTTPS_PROXY/HTTP_PROXY;
 * `http.noProxy` adds to NO_PROXY; `http.proxyAuthorization` is sent as Proxy-Authorization.
 */
export function networkSettings(scope?: vscode.Uri): NetworkOptions {
  const http = vscode.workspace.getConfiguration('http', scope);
  const proxy = (http.get<string>('proxy') ?? '').trim();
  const envNoProxy = (process.env.NO_PROXY ?? process.env.no_proxy ?? '').split(/[\s,]+/).filter(Boolean);
  const noProxy = [...(http.get<string[]>('noProxy') ?? []), ...envNoProxy];
  return {
    systemCertificates: setting(Setting.systemCertificates, true, scope),
    proxy:
      http.get<string>('proxySupport') === 'off'
        ? { proxy: null }
        : {
            proxy: proxy || undefined,
            source: proxy ? 'http.proxy' : undefined,
            noProxy,
            authorization: http.get<string | null>('proxyAuthorization') ?? undefined,
          },
  };
}
