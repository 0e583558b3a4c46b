// The workbench URL of VS Code's server; pure, unit-tested in test/unit/host/.
import { resolve } from 'node:path';

/**
 * Builds the workbench URL. The payload is honoured only because the server runs with
 * --enable-smoke-test-driver.
 * @param {{ port: number, workspace: string, extensionDevelopmentPath: string, extensionTestsPath?: string }} o
 */
export function workbenchUrl({ port, workspace, extensionDevelopmentPath, extensionTestsPath }) {
  // URI path: percent-encode each segment so spaces, '#' or '%' in folder names survive.
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${resolve(p).split('/').map(encodeURIComponent).join('/')}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
    ...(extensionTestsPath ? [['extensionTestsPath', remote(extensionTestsPath)]] : []),
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(resolve(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
