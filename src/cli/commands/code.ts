import { generate, isLanguage, LANGUAGE_INFO, LANGUAGES } from '../../core/codegen';
import { prepareForCodegen } from '../../core/codegen/prepare';
import { expiryWarning } from '../../core/invoke/credentials';
import { resolveRequest } from '../../core/invoke/resolve';
import { isEnvVarName } from '../../core/manifest/entries';
import { type Command, UsageError, parse } from '../args';
import { loadForCli } from '../manifest';

const variants = LANGUAGES.filter((l) => LANGUAGE_INFO[l].variants.length)
  .map((l) => `  ${l.padEnd(11)} ${LANGUAGE_INFO[l].variants.map((v) => `${v.id} (${v.label})`).join(', ')}`)
  .join('\n');

const usage = `Usage:
  flowgear-mtls code LANG WORKFLOW --key NAME [--env NAME] [--var k=v]... [--workspace DIR]
                [--variant V] [--passphrase-env VAR] [--local]

Prints client code that invokes WORKFLOW with key NAME's client certificate, exactly as
'flowgear-mtls invoke' would send it: URL with _profile, expanded path, query, headers and
body, the manifest's CA. Key material is referenced by path, never embedded; a passphrase is
read from the environment variable the code names (--passphrase-env, the key's
passphraseEnv in flowgear.json, or FLOWGEAR_PASSPHRASE_<KEY>).

Code is for colleagues: it is generated from the shared flowgear.json only. --local also
applies your flowgear.local.json (e.g. a local emulator's site and CA).

LANG: ${LANGUAGES.join(', ')}

--variant V (default: what suits the key; C#/PowerShell use the Windows store by thumbprint
unless the key is a PFX):
${variants}

Example:
  flowgear-mtls code python 'Get Customer' --key ci --env Test --var id=42 > invoke.py`;

const options = {
  key: { type: 'string' },
  env: { type: 'string' },
  var: { type: 'string', multiple: true },
  workspace: { type: 'string' },
  variant: { type: 'string' },
  'passphrase-env': { type: 'string' },
  local: { type: 'boolean' },
} as const;

function vars(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf('=');
    if (i <= 0) throw new UsageError(`--var expects name=value (got '${item}')`);
    out[item.slice(0, i).trim()] = item.slice(i + 1);
  }
  return out;
}

export const code: Command = {
  summary: 'print client code (C#, PowerShell, JS, TS, Python, Java, Go, curl) for an invoke',
  usage,
  async run(argv, io) {
    const { values: v, positionals } = parse(argv, options);
    if (positionals.length !== 2) throw new UsageError('expected LANG and WORKFLOW; see flowgear-mtls code --help');
    const [lang, workflow] = positionals;
    if (!isLanguage(lang)) throw new UsageError(`unknown language '${lang}' (one of: ${LANGUAGES.join(', ')})`);
    if (!v.key) throw new UsageError('--key NAME is required (a key from flowgear.json)');
    const known = LANGUAGE_INFO[lang].variants.map((x) => x.id);
    if (v.variant !== undefined && !known.includes(v.variant)) {
      throw new UsageError(`--variant for ${lang}: ${known.length ? known.join(', ') : 'none'} (got '${v.variant}')`);
    }
    if (v['passphrase-env'] !== undefined && !isEnvVarName(v['passphrase-env'])) {
      throw new UsageError(`--passphrase-env expects a variable NAME (got '${v['passphrase-env']}')`);
    }
    const manifest = await loadForCli(v.workspace, io, { local: !!v.local });
    const req = resolveRequest(manifest, {
      workflow,
      key: v.key,
      environment: v.env,
      vars: vars(v.var),
      passphraseEnv: v['passphrase-env'],
    });
    const expired = expiryWarning(req.client);
    if (expired) io.err(`warning: ${expired}\n`);
    io.out(generate(lang, prepareForCodegen(req, manifest), { variant: v.variant }));
    return 0;
  },
};
