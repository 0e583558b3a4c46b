import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureGitignored } from '../../core/certificates/gitignore';
import { UserError } from '../../core/errors';
import { initManifestText } from '../../core/manifest/edit';
import { LOCAL_MANIFEST_FILE } from '../../core/manifest/local';
import { MANIFEST_FILE } from '../../core/manifest/load';
import { type Command, UsageError, parse } from '../args';

const usage = `Usage: flowgear-mtls init [--site URL] [--environment NAME]... [--workspace DIR]

Starts a folder from the terminal: writes a commented flowgear.json (Production plus each
--environment) and the .gitignore rules for private keys, keystores, the per-user
flowgear.local.json and the emulator's .flowgear/ folder. Never overwrites flowgear.json.

  --site URL           Production base URL of the Site (default https://SITE.flowgear.net — edit it)
  --environment NAME   a non-Production Site Environment (repeatable), called with ?_profile=NAME
  --workspace DIR      the folder (default: current directory; created if missing)

Next: flowgear-mtls workflows add NAME --method GET --path /template
      flowgear-mtls keys add NAME --new --permit NAME`;

/** What a workspace must never commit (private keys made under certs/ get their own rules too). */
export const INIT_GITIGNORE = ['*.key', '*.pfx', '*.p12', `/${LOCAL_MANIFEST_FILE}`, '/.flowgear/'];

export const init: Command = {
  summary: 'start a folder: a commented flowgear.json and the .gitignore rules',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { site: { type: 'string' }, environment: { type: 'string', multiple: true }, workspace: { type: 'string' } }, false);
    void positionals;
    const site = values.site ?? 'https://SITE.flowgear.net';
    let url: URL;
    try {
      url = new URL(site);
    } catch {
      throw new UsageError(`--site expects a URL like https://acme.flowgear.net (got '${site}')`);
    }
    if (url.protocol !== 'https:') throw new UsageError(`--site must be an https:// URL (got '${site}')`);
    const envs = values.environment ?? [];
    for (const e of envs) if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(e)) throw new UsageError(`--environment expects a name like Test (got '${e}')`);
    const dir = resolve(io.cwd, values.workspace ?? '.');
    const file = join(dir, MANIFEST_FILE);
    if (existsSync(file)) throw new UserError(`${file} already exists; edit it, or add to it with 'keys add' and 'workflows add'`, 'manifest-exists');
    await mkdir(dir, { recursive: true });
    // Ignore rules first: nothing private can be created in the folder before they exist.
    await ensureGitignored(dir, INIT_GITIGNORE);
    await writeFile(file, initManifestText(site.replace(/\/+$/, ''), envs), { flag: 'wx' });
    io.out(
      `Wrote ${MANIFEST_FILE} (Production${envs.map((e) => `, ${e}`).join('')}) and .gitignore rules (${INIT_GITIGNORE.join(' ')}).\n` +
        'Next: flowgear-mtls workflows add NAME --method GET --path /template\n' +
        '      flowgear-mtls keys add NAME --new --permit NAME\n',
    );
    return 0;
  },
};
