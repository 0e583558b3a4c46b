import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../../core/errors';
import { findManifest, MANIFEST_FILE, parseManifest } from '../../core/manifest/load';
import { newManifestText } from '../../core/manifest/edit';
import type { Manifest } from '../../core/manifest/types';
import { SiteClient } from '../../core/site/client';
import { listenForToken } from '../../core/site/loopback';
import { formatRunLog, recentRunLogs } from '../../core/site/logs';
import { compare, describeItem, siteModel, type SiteState } from '../../core/site/mapping';
import { pullText } from '../../core/site/pull';
import { applyPush, pushPlan } from '../../core/site/push';
import { resolveApiUrl } from '../../core/site/signin';
import { fetchSiteState } from '../../core/site/state';
import { parse, secretFromEnv, UsageError, type Command, type Io } from '../args';
import { loadForCli, table } from '../manifest';
import { promptSecret } from '../prompt';
import { loadSession, removeSession, saveSession } from '../session';
import { networkFrom, networkOptions, networkUsage } from '../network';

const usage = `Usage:
  flowgear-mtls site login --user U [--password-env VAR] [--api URL] [--ca FILE]
  flowgear-mtls site logout
  flowgear-mtls site list [--json]
  flowgear-mtls site pull [--site NAME|ID] [--site-url URL] [--dry-run] [--workspace DIR]
  flowgear-mtls site diff [--site NAME|ID] [--json] [--workspace DIR]
  flowgear-mtls site push [--dry-run] [--yes] [--json] [--workspace DIR]
  flowgear-mtls site logs WORKFLOW [--last N] [--json] [--workspace DIR]

Connects flowgear.json to the Site through Flowgear's management API.

  login    signs in (password from the variable --password-env names, else a hidden
           prompt; Microsoft Id accounts get an address to open in a browser). The session
           goes to a 0600 file in your config folder, never into the workspace.
           --api URL: the API to use (the emulator's management URL, a private pod);
           default: your home pod, found by Flowgear's discovery. --ca FILE: extra CA.
  logout   ends the session and deletes the file.
  list     the sites you can reach.
  pull     writes the site's environments, bound workflows and certificate keys into
           flowgear.json, keeping comments and local fields (certificate, privateKey, pfx,
           thumbprint, bodies, headers). Records the site in "siteApi". --dry-run only
           lists what would change. --site-url: the site's invoke URL for a new flowgear.json.
  diff     lists each difference between flowgear.json and the site; exit 1 when any.
  push     creates missing certificate keys and applies enabled / target environment /
           permitted workflows to keys that differ. Shows the plan and asks unless --yes.
           The API cannot upload certificates: upload each new key's .cer in the console.
  logs     the workflow's recent runs with their nodes (--last N, default 1).

${networkUsage}

Exit codes: 0 ok (diff: no differences), 1 error or differences, 2 usage error.`;

const options = {
  user: { type: 'string' },
  'password-env': { type: 'string' },
  api: { type: 'string' },
  ca: { type: 'string' },
  site: { type: 'string' },
  'site-url': { type: 'string' },
  workspace: { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
  last: { type: 'string' },
  ...networkOptions,
} as const;

type Values = ReturnType<typeof parse<typeof options>>['values'];

const ALLOWED: Record<string, (keyof typeof options)[]> = {
  login: ['user', 'password-env', 'api', 'ca', 'json'],
  logout: ['json'],
  list: ['json'],
  pull: ['site', 'site-url', 'dry-run', 'workspace', 'json'],
  diff: ['site', 'json', 'workspace'],
  push: ['site', 'dry-run', 'yes', 'json', 'workspace'],
  logs: ['last', 'json', 'workspace', 'site'],
};

function client(values: Values, io: Io): SiteClient {
  const s = loadSession(io.env);
  return new SiteClient({ apiUrl: s.apiUrl, user: s.user, sessionId: s.sessionId, caFile: s.ca, network: networkFrom(values, io), log: io.env.FLOWGEAR_DEBUG ? (l) => io.err(`${l}\n`) : undefined });
}

async function withClient<T>(values: Values, io: Io, f: (c: SiteClient) => Promise<T>): Promise<T> {
  const c = client(values, io);
  try {
    return await f(c);
  } finally {
    await c.dispose();
  }
}

/** The manifest's site (siteApi) unless --site names one; the manifest must be at this API. */
function siteOf(values: Values, m: Manifest | undefined, c: SiteClient): string | undefined {
  if (values.site) return values.site;
  if (!m?.siteApi) return undefined;
  if (m.siteApi.url !== c.apiUrl) throw new UserError(`flowgear.json's site is at ${m.siteApi.url} but you are signed in at ${c.apiUrl}: run flowgear-mtls site login --api ${m.siteApi.url}`, 'site-api-mismatch');
  return m.siteApi.siteId;
}

const out = (io: Io, v: unknown) => io.out(JSON.stringify(v, null, 2) + '\n');

async function login(values: Values, io: Io): Promise<number> {
  if (!values.user) throw new UsageError('site login needs --user U');
  const ca = values.ca ? resolve(io.cwd, values.ca) : undefined;
  const network = networkFrom(values, io);
  const apiUrl = await resolveApiUrl(values.user, values.api, { caFile: ca, network });
  const c = new SiteClient({ apiUrl, user: values.user, caFile: ca, network });
  try {
    const how = await c.receiveUsername('');
    let token: string;
    if (how.action === 'redirect') {
      const cb = await listenForToken();
      try {
        const again = await c.receiveUsername(cb.returnUrl);
        const url = again.action === 'redirect' ? again.redirectUrl : how.redirectUrl;
        io.err(`Open this address in a browser to sign in (waiting up to 5 minutes):\n  ${url}\n`);
        token = await cb.token;
      } finally {
        cb.close();
      }
    } else if (values['password-env']) {
      token = secretFromEnv(values['password-env'], io.env)!;
    } else {
      if (!process.stdin.isTTY) throw new UsageError('no terminal to ask for the password: pass --password-env VAR (the variable holding it)');
      token = await promptSecret(`Flowgear password for ${values.user}: `);
    }
    const sessionId = await c.receiveToken(token);
    const sites = await c.sites();
    const file = saveSession(io.env, { apiUrl, user: c.user, sessionId, ...(ca ? { ca } : {}), savedAt: new Date().toISOString() });
    if (values.json) out(io, { user: c.user, apiUrl, sites: sites.length, sessionFile: file });
    else io.out(`Signed in as ${c.user} at ${apiUrl} (${sites.length} site${sites.length === 1 ? '' : 's'}). Session saved in ${file}.\n`);
    return 0;
  } finally {
    await c.dispose();
  }
}

async function logout(values: Values, io: Io): Promise<number> {
  let ended = false;
  try {
    await withClient(values, io, async (c) => {
      await c.signOut();
      ended = true;
    });
  } catch {
    // Expired or unreachable: the local file goes regardless.
  }
  const removed = removeSession(io.env);
  if (values.json) out(io, { signedOut: removed, sessionEnded: ended });
  else io.out(removed ? 'Signed out.\n' : 'Not signed in.\n');
  return 0;
}

async function list(values: Values, io: Io): Promise<number> {
  const sites = await withClient(values, io, (c) => c.sites());
  if (values.json) out(io, sites.map((s) => ({ id: s.SiteId, name: s.Name })));
  else io.out(table([['NAME', 'ID'], ...sites.map((s) => [s.Name, s.SiteId])]));
  return 0;
}

function manifestFileOf(values: Values, io: Io): string {
  return findManifest(resolve(io.cwd, values.workspace ?? '.')) ?? join(resolve(io.cwd, values.workspace ?? '.'), MANIFEST_FILE);
}

async function pull(values: Values, io: Io): Promise<number> {
  const file = manifestFileOf(values, io);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = undefined;
  }
  const loaded = text !== undefined ? parseManifest(text, file) : undefined;
  if (loaded && !loaded.ok) throw new UserError(`${file} has errors; fix them (flowgear-mtls check) before pulling`, 'manifest-invalid');
  const m = loaded?.ok ? loaded.manifest : undefined;
  return withClient(values, io, async (c) => {
    const state = await fetchSiteState(c, siteOf(values, m, c));
    const model = siteModel(state);
    const base = text ?? newManifestText(values['site-url'] ?? `https://${state.site.Name.toLowerCase().replace(/[^a-z0-9-]/g, '')}.flowgear.net`);
    const next = pullText(base, file, model, { url: c.apiUrl, siteId: state.site.SiteId });
    const changes = m ? compare(m, model).filter((i) => i.state === 'only-site' || i.state === 'differs') : [];
    if (values.json) out(io, { file, site: state.site.Name, siteId: state.site.SiteId, dryRun: !!values['dry-run'], changed: next !== text, changes: changes.map((i) => ({ ...i, description: describeItem(i) })), unresolved: model.unresolved });
    else {
      for (const i of changes) io.out(`${values['dry-run'] ? 'would update' : 'updated'}: ${describeItem(i)}\n`);
      for (const u of model.unresolved) io.err(`warning: the site refers to something it does not list: ${u}\n`);
    }
    if (!values['dry-run'] && next !== text) {
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, next);
      await rename(tmp, file);
    }
    if (!values.json) io.out(`${values['dry-run'] ? 'Dry run: flowgear.json not written' : next === text ? 'flowgear.json already matches' : `Pulled site ${state.site.Name} into ${file}`}.\n`);
    return 0;
  });
}

async function diff(values: Values, io: Io): Promise<number> {
  const m = await loadForCli(values.workspace, io);
  return withClient(values, io, async (c) => {
    const state = await fetchSiteState(c, siteOf(values, m, c));
    const differences = compare(m, siteModel(state)).filter((i) => i.state !== 'same');
    if (values.json) out(io, { site: state.site.Name, siteId: state.site.SiteId, same: differences.length === 0, differences: differences.map((i) => ({ ...i, description: describeItem(i) })) });
    else if (!differences.length) io.out(`flowgear.json matches site ${state.site.Name}.\n`);
    else io.out(differences.map((i) => `${describeItem(i)}\n`).join('') + `${differences.length} difference(s) with site ${state.site.Name}. (Certificates cannot be compared: the API has no thumbprint.)\n`);
    return differences.length ? 1 : 0;
  });
}

function confirm(question: string): Promise<boolean> {
  return new Promise((res) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(question, (a) => {
      rl.close();
      res(/^y(es)?$/i.test(a.trim()));
    });
  });
}

async function push(values: Values, io: Io): Promise<number> {
  const m = await loadForCli(values.workspace, io);
  return withClient(values, io, async (c) => {
    const state: SiteState = await fetchSiteState(c, siteOf(values, m, c));
    const plan = pushPlan(m, state);
    const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
    const lines = plan.changes.map((ch) => `${ch.action} key '${ch.key}': ${ch.fields.map((f) => (ch.action === 'create' ? `${f.field} ${show(f.local)}` : `${f.field} ${show(f.site)} → ${show(f.local)}`)).join(', ')}`);
    if (!values.json) {
      io.out(lines.length ? `Plan for site ${state.site.Name}:\n${lines.map((l) => `  ${l}\n`).join('')}` : `Nothing to push to site ${state.site.Name}.\n`);
      for (const n of plan.notes) io.out(`note: ${n}\n`);
    }
    if (values['dry-run'] || !plan.changes.length) {
      if (values.json) out(io, { site: state.site.Name, dryRun: !!values['dry-run'], changes: plan.changes.map(({ action, key, fields }) => ({ action, key, fields })), notes: plan.notes, applied: [] });
      return 0;
    }
    if (!values.yes) {
      if (!process.stdin.isTTY) throw new UsageError('push changes the site: pass --yes to apply without asking (no terminal to ask)');
      if (!(await confirm(`Apply ${plan.changes.length} change(s) to site ${state.site.Name}? [y/N] `))) {
        io.out('Nothing pushed.\n');
        return 1;
      }
    }
    const done = await applyPush(c, state.site.SiteId, m, plan);
    if (values.json) out(io, { site: state.site.Name, dryRun: false, changes: plan.changes.map(({ action, key, fields }) => ({ action, key, fields })), notes: plan.notes, applied: done.map((d) => ({ action: d.change.action, key: d.change.key, siteKeyId: d.result.SiteKeyId ?? null, uploadNote: d.uploadNote ?? null })) });
    else {
      for (const d of done) io.out(`${d.change.action === 'create' ? 'created' : 'updated'} key '${d.change.key}'\n`);
      for (const d of done) if (d.uploadNote) io.out(`next: ${d.uploadNote}\n`);
    }
    return 0;
  });
}

async function logs(name: string | undefined, values: Values, io: Io): Promise<number> {
  if (!name) throw new UsageError('site logs needs the WORKFLOW name');
  const last = values.last === undefined ? 1 : Number(values.last);
  if (!Number.isInteger(last) || last < 1 || last > 50) throw new UsageError(`--last expects a whole number from 1 to 50 (got '${values.last}')`);
  const file = findManifest(resolve(io.cwd, values.workspace ?? '.'));
  const loaded = file ? parseManifest(await readFile(file, 'utf8'), file) : undefined;
  return withClient(values, io, async (c) => {
    const state = await fetchSiteState(c, siteOf(values, loaded?.ok ? loaded.manifest : undefined, c));
    const wf = state.workflows.find((w) => w.Workflow?.Name?.toLowerCase() === name.toLowerCase());
    if (!wf) throw new UserError(`no workflow '${name}' on site ${state.site.Name}`, 'workflow-not-found');
    const runs = await recentRunLogs(c, state.site.SiteId, wf.SiteWorkflowId, last);
    if (values.json) out(io, runs);
    else io.out(runs.length ? runs.map((r) => formatRunLog(r).join('\n')).join('\n\n') + '\n' : `No recent runs of '${wf.Workflow.Name}'.\n`);
    return 0;
  });
}

export const site: Command = {
  summary: 'sign in to Flowgear and pull, compare and push keys with the Site (management API)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(argv, options);
    const [sub, ...rest] = positionals;
    if (!sub || !(sub in ALLOWED)) throw new UsageError(`expected 'site login|logout|list|pull|diff|push|logs' (got '${['site', ...positionals].join(' ')}')`);
    const network = Object.keys(networkOptions);
    for (const k of Object.keys(values)) if (!network.includes(k) && !ALLOWED[sub].includes(k as keyof typeof options)) throw new UsageError(`--${k} does not apply to 'site ${sub}'`);
    if (rest.length > (sub === 'logs' ? 1 : 0)) throw new UsageError(`unexpected argument '${rest[sub === 'logs' ? 1 : 0]}'`);
    switch (sub) {
      case 'login': return login(values, io);
      case 'logout': return logout(values, io);
      case 'list': return list(values, io);
      case 'pull': return pull(values, io);
      case 'diff': return diff(values, io);
      case 'push': return push(values, io);
      default: return logs(rest[0], values, io);
    }
  },
};
