import type { NetworkOptions } from '../core/invoke/invoker';
import { UsageError, type Io } from './args';

/** The options every command that connects takes (invoke, run, site …). */
export const networkOptions = {
  proxy: { type: 'string' },
  'no-proxy': { type: 'boolean' },
  'no-system-ca': { type: 'boolean' },
} as const;

export const networkUsage = `Network (every command that connects):
  --proxy URL      send through this HTTP proxy (http://[user:pass@]host:port); HTTPS stays
                   end to end through a CONNECT tunnel. Default: HTTPS_PROXY / HTTP_PROXY,
                   minus the hosts in NO_PROXY
  --no-proxy       connect directly, whatever the environment says
  --no-system-ca   trust only Node's bundled CAs (and the manifest's "ca"), not the system's`;

export function networkFrom(v: { proxy?: string; 'no-proxy'?: boolean; 'no-system-ca'?: boolean }, io: Io): NetworkOptions {
  if (v.proxy !== undefined && v['no-proxy']) throw new UsageError('--proxy and --no-proxy exclude each other');
  return {
    env: io.env,
    systemCertificates: !v['no-system-ca'],
    proxy: v['no-proxy'] ? { proxy: null } : v.proxy !== undefined ? { proxy: v.proxy, source: '--proxy' } : {},
  };
}
