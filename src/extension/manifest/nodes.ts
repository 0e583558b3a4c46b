/**
 * Elements of the Keys and Workflows trees. They are also the arguments VS Code passes to
 * context-menu commands, so other features can rely on their shape:
 *   workflow node            { kind: 'workflow', workflow, folder, manifest }
 *   key's permitted workflow { kind: 'permitted', workflow, key, folder, manifest }
 *   workflow's key           { kind: 'workflowKey', workflow, key, folder, manifest }
 * (`workflow`: Workflow, `key`: Key, `folder`: vscode.WorkspaceFolder, `manifest`: Manifest.)
 */
import * as vscode from 'vscode';
import type { KeyStatus } from '../../core/manifest/status';
import type { Key, Manifest, Workflow } from '../../core/manifest/types';
import type { FolderManifest } from './store';

interface InFolder {
  folder: vscode.WorkspaceFolder;
  manifest: Manifest;
  entry: FolderManifest;
}

export type FolderNode = { kind: 'folder'; entry: FolderManifest; folder: vscode.WorkspaceFolder };
/** flowgear.json could not be loaded: one node that opens it. */
export type InvalidNode = { kind: 'invalid'; entry: FolderManifest; folder: vscode.WorkspaceFolder };
export type KeyNode = InFolder & { kind: 'key'; key: Key; status?: KeyStatus };
export type CertificateNode = InFolder & { kind: 'certificate'; key: Key; status?: KeyStatus };
/** `workflow` is undefined when the key names a workflow the manifest does not declare. */
export type PermittedNode = InFolder & { kind: 'permitted'; key: Key; workflowName: string; workflow?: Workflow; status?: KeyStatus };
export type WorkflowNode = InFolder & { kind: 'workflow'; workflow: Workflow };
export type WorkflowKeyNode = InFolder & { kind: 'workflowKey'; workflow: Workflow; key: Key; status?: KeyStatus };
export type AmbiguousNode = InFolder & { kind: 'ambiguous'; workflows: [Workflow, Workflow] };

export type KeysElement = FolderNode | InvalidNode | KeyNode | CertificateNode | PermittedNode;
export type WorkflowsElement = FolderNode | InvalidNode | WorkflowNode | WorkflowKeyNode | AmbiguousNode;
export type Element = KeysElement | WorkflowsElement;

/** Nodes that identify one key (commands accept any of them). */
export type KeyBearing = KeyNode | CertificateNode | PermittedNode | WorkflowKeyNode;

export function isKeyBearing(e: unknown): e is KeyBearing {
  const k = (e as { kind?: string } | undefined)?.kind;
  return k === 'key' || k === 'certificate' || k === 'permitted' || k === 'workflowKey';
}

export function inFolder(entry: FolderManifest): InFolder | undefined {
  return entry.manifest ? { folder: entry.folder, manifest: entry.manifest, entry } : undefined;
}
