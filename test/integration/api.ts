import * as vscode from 'vscode';
import type { FlowgearApi } from '../../src/extension/extension';

/** The object the extension's activate() returns: what tests read that users never need. */
export async function flowgearApi(): Promise<FlowgearApi> {
  const ext = vscode.extensions.getExtension<FlowgearApi>('flowgear-mtls.flowgear-mtls')!;
  return ext.isActive ? ext.exports : ext.activate();
}
