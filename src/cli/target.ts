/**
 * Where an invoke from flowgear.json goes, overridden for one call: `--profile NAME` and
 * `--base-url URL`. Shared by the commands that send a manifest request (invoke, run).
 */
import { UsageError } from './args';

export const TARGET_OPTIONS = {
  profile: { type: 'string' },
  'base-url': { type: 'string' },
} as const;

export const TARGET_USAGE = `  --profile NAME  send _profile=NAME instead of the environment's (e.g. a Test key against a site
                  whose Test environment is only a profile)
  --base-url URL  send to URL instead of the environment's site/baseUrl (e.g. a local emulator;
                  flowgear.local.json does this for every call)`;

/** ResolveOptions fields from the parsed values; `vars` is checked for a `_profile` meant for --profile. */
export function targetOptions(values: { profile?: string; 'base-url'?: string }, vars: Record<string, string> = {}): { profile?: string; baseUrl?: string } {
  if (Object.keys(vars).some((k) => k.toLowerCase() === '_profile')) {
    throw new UsageError(`--var _profile=… is not a template variable (it was ignored before); use --profile ${vars._profile ?? 'NAME'}`);
  }
  const out: { profile?: string; baseUrl?: string } = {};
  if (values.profile !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(values.profile)) throw new UsageError(`--profile expects an environment name (got '${values.profile}')`);
    out.profile = values.profile;
  }
  const b = values['base-url'];
  if (b !== undefined) {
    let u: URL;
    try {
      u = new URL(b);
    } catch {
      throw new UsageError(`--base-url expects a URL like https://127.0.0.1:8443 (got '${b}')`);
    }
    if (u.protocol !== 'https:') throw new UsageError(`--base-url must be https:// (a client certificate needs TLS) (got '${b}')`);
    if (u.search || u.hash) throw new UsageError(`--base-url takes no query or fragment (got '${b}')`);
    out.baseUrl = b.replace(/\/+$/, '');
  }
  return out;
}
