import * as vscode from 'vscode';
import { generate, isLanguage, LANGUAGE_INFO, languageChoices, type Language } from '../../core/codegen';
import { prepareForCodegen } from '../../core/codegen/prepare';
import { UserError } from '../../core/errors';
import { registerCommand } from '../common/command';
import { Command, StateKey } from '../ids';
import type { ResolvedRequest } from '../../core/invoke/types';
import type { Manifest } from '../../core/manifest/types';
import { manifestStore, type ManifestStore } from '../manifest/store';
import { requestFromArgs } from '../invoke/palette';
import { walkthroughProgress } from '../walkthrough/progress';


/**
 * Arguments of flowgear.copyAsCode / flowgear.openAsCode. Either a resolved `request` (response
 * view, request-file CodeLens; a bare ResolvedRequest as the first argument works too), or
 * what flowgear.invoke takes (`workflow`, `key`, `environment`, `vars`, `body`, `folder`) —
 * tree items pass their node, which carries workflow and key. Missing parts are asked for.
 */
export interface CopyAsCodeArgs {
  request?: ResolvedRequest;
  workflow?: string;
  key?: string;
  environment?: string;
  vars?: Record<string, string>;
  body?: string;
  folder?: string;
  language?: Language;
  variant?: string;
  /** Also open the code in a new untitled editor of that language. */
  open?: boolean;
}

function isResolvedRequest(v: unknown): v is ResolvedRequest {
  const r = v as ResolvedRequest | undefined;
  return !!r && typeof r === 'object' && typeof r.url === 'string' && typeof r.method === 'string' && !!r.client && typeof r.client.keyName === 'string';
}

/** Tree nodes carry `manifest`; use its folder so multi-root workspaces don't ask. */
function withFolder(raw: unknown): unknown {
  const a = raw as { folder?: unknown; manifest?: Manifest } | undefined;
  if (a && typeof a === 'object' && typeof a.folder !== 'string' && a.manifest?.root) return { ...a, folder: a.manifest.root };
  return raw;
}

/** The manifest declaring the request's key (for its passphraseEnv), if any; an unloadable one only costs that name. */
async function manifestFor(store: ManifestStore, req: ResolvedRequest, folder?: string): Promise<Manifest | undefined> {
  const candidates = folder ? [(await store.at(folder))?.manifest] : store.manifests();
  return candidates.find((m) => m?.keys.some((k) => k.name === req.client.keyName));
}

async function pickLanguage(state: vscode.Memento): Promise<{ language: Language; variant?: string } | undefined> {
  const last = state.get<{ language: string; variant?: string }>(StateKey.codegenLastLanguage);
  const items = languageChoices(last).map((c, i) => ({
    label: c.label,
    description: [c.description ?? 'default for the key', i === 0 && last ? '(last used)' : ''].filter(Boolean).join(' '),
    choice: c,
  }));
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Language for the client code', matchOnDescription: true });
  return pick && { language: pick.choice.language, variant: pick.choice.variant };
}

async function openInEditor(code: string, language: Language) {
  const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_INFO[language].languageId, content: code });
  await vscode.window.showTextDocument(doc, { preview: false });
}

async function copyAsCode(context: vscode.ExtensionContext, store: ManifestStore, raw: unknown, openByDefault: boolean): Promise<string | undefined> {
  const args = (isResolvedRequest(raw) ? { request: raw } : (raw ?? {})) as CopyAsCodeArgs;
  let request = args.request;
  let folder = typeof args.folder === 'string' ? args.folder : undefined;
  if (!request) {
    const currentEnv = context.workspaceState.get<string>(StateKey.environment, 'Production');
    const r = await requestFromArgs(store, withFolder(raw), currentEnv);
    if (!r) return undefined;
    request = r.request;
    folder = r.folder;
  }
  if (args.language !== undefined && !isLanguage(args.language)) {
    throw new UserError(`unknown language '${String(args.language)}' (one of: ${Object.keys(LANGUAGE_INFO).join(', ')})`, 'codegen-language');
  }
  const choice = args.language ? { language: args.language, variant: args.variant } : await pickLanguage(context.globalState);
  if (!choice) return undefined;
  if (!args.language) await context.globalState.update(StateKey.codegenLastLanguage, choice);

  const prepared = prepareForCodegen(request, await manifestFor(store, request, folder));
  const code = generate(choice.language, prepared, { variant: choice.variant });
  walkthroughProgress('copiedAsCode');
  try {
    await vscode.env.clipboard.writeText(code);
  } catch {
    // A browser host may refuse the clipboard without a user gesture: show the code instead.
    await openInEditor(code, choice.language);
    return code;
  }
  const label = LANGUAGE_INFO[choice.language].label;
  if (args.open ?? openByDefault) await openInEditor(code, choice.language);
  else {
    const what = `${label} for ${request.workflow ?? request.url} (key ${request.client.keyName})`;
    // The editor keeps passphrases in SecretStorage; the code needs them in its variable.
    const pass = prepared.client.passphraseEnv && code.includes(prepared.client.passphraseEnv) ? ` It reads the passphrase from the environment variable ${prepared.client.passphraseEnv}.` : '';
    void vscode.window.showInformationMessage(`Flowgear: copied ${what} to the clipboard.${pass}`, 'Open in Editor').then((b) => {
      if (b) void openInEditor(code, choice.language);
    });
  }
  return code;
}

/** "Copy Invoke as Code…" / "Open Invoke as Code…": client code for one invoke, any language. */
export function register(context: vscode.ExtensionContext): void {
  const store = manifestStore(context);
  // Generation reads the key files flowgear.json names (thumbprint, encrypted or not).
  const o = { failure: 'data', trust: 'Generating client code is disabled in Restricted Mode: it reads the key files flowgear.json names.' } as const;
  registerCommand(context, Command.copyAsCode, (raw?: unknown) => copyAsCode(context, store, raw, false), o);
  registerCommand(context, Command.openAsCode, (raw?: unknown) => copyAsCode(context, store, raw, true), o);
}
