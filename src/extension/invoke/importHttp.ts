import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { BODY_FILE_LIMIT, readBounded } from '../../core/boundedRead';
import { UserError } from '../../core/errors';
import { importHttpFile } from '../../core/invoke/importHttp';
import type { ManifestStore } from '../manifest/store';
import { folderOfFile } from '../manifest/target';

/**
 * "Flowgear: Import .http File…": a REST Client / httpYac file becomes NAME.flowgear.http beside
 * it (never overwriting), with a key on each request and what could not be carried over listed
 * at the top. Arguments: the file (explorer context menu) and, for scripts, `{ key }`.
 */
export async function importHttpCommand(store: ManifestStore, arg?: vscode.Uri, o: { key?: string } = {}) {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Import', title: 'Import a REST Client / httpYac file', filters: { 'HTTP request files': ['http', 'rest'] } });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  if (uri.scheme !== 'file') throw new UserError('only files on disk can be imported', 'import-http');
  const target = uri.fsPath.replace(/(\.flowgear)?\.(http|rest)$/i, '') + '.flowgear.http';
  if (target === uri.fsPath) throw new UserError(`${basename(uri.fsPath)} is already a Flowgear request file`, 'import-http');
  if (existsSync(target)) throw new UserError(`${basename(target)} already exists; delete or rename it to import again`, 'import-http');

  let key = o.key;
  const folder = folderOfFile(store, uri);
  if (key === undefined && folder) {
    const keys = await store.manifestAt(folder).then((m) => m.keys, () => []);
    if (keys.length === 1) key = keys[0].name;
    else if (keys.length > 1) {
      const pick = await vscode.window.showQuickPick([...keys.map((k) => ({ label: k.name, description: k.environment ?? 'Production' })), { label: 'Leave a placeholder', description: 'choose a key per request later' }], { title: 'Key for requests that name none', ignoreFocusOut: true });
      if (!pick) return undefined;
      key = keys.some((k) => k.name === pick.label) ? pick.label : undefined;
    }
  }
  const text = (await readBounded(uri.fsPath, { field: 'Import .http File', limit: BODY_FILE_LIMIT })).toString('utf8');
  const result = importHttpFile(text, { sourceName: basename(uri.fsPath), defaultKey: key });
  await vscode.workspace.fs.writeFile(vscode.Uri.file(target), Buffer.from(result.text, 'utf8'));
  await vscode.window.showTextDocument(vscode.Uri.file(target));
  void vscode.window.showInformationMessage(
    result.notes.length ? `Imported ${basename(uri.fsPath)}: ${result.notes.length} thing(s) to review, listed at the top of ${basename(target)}.` : `Imported ${basename(uri.fsPath)} as ${basename(target)}.`,
  );
  return { file: target, notes: result.notes };
}
