import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { Command, ContextKey, Setting, View } from '../ids';
import { setting } from '../common/settings';
import { startEmulator, type CertRequestMode, type RunningEmulator } from '../../emulator';

export interface StartArgs {
  /** Folder holding flowgear.json (default: the workspace folder that has one; asks if several). */
  workspace?: string;
  port?: number;
  certRequest?: CertRequestMode;
  disableDelaySeconds?: number;
}

export interface EmulatorInfo {
  url: string;
  caPath: string;
  managementUrl: string;
  workspace: string;
  mode: CertRequestMode;
}

const LOG_TAIL = 200;

/**
 * One emulator per window: start/stop, its log in an Output channel, a status bar item while
 * it runs, and a reload whenever its manifest changes.
 */
export class EmulatorController implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Flowgear Emulator', { log: true });
  private readonly status = vscode.window.createStatusBarItem(View.emulatorStatus, vscode.StatusBarAlignment.Left, 40);
  private running: { emu: RunningEmulator; info: EmulatorInfo; watch?: vscode.Disposable } | undefined;
  private starting: Promise<EmulatorInfo> | undefined;
  /** Recent log lines, for the status command (tests, support). */
  private readonly tail: string[] = [];
  reloads = 0;

  constructor() {
    this.status.name = 'Flowgear Emulator';
    this.status.command = Command.emulatorShowLog;
  }

  info(): EmulatorInfo | undefined {
    return this.running?.info;
  }

  log(): string[] {
    return [...this.tail];
  }

  private write(line: string) {
    this.tail.push(line);
    if (this.tail.length > LOG_TAIL) this.tail.shift();
    if (/ refused: |^warning: |failed/.test(line)) this.output.warn(line);
    else this.output.info(line);
  }

  async start(args: StartArgs & { workspace: string }, watchFor: (reload: () => Promise<unknown>, files: () => string[]) => vscode.Disposable): Promise<EmulatorInfo> {
    if (this.running) {
      if (this.running.info.workspace === args.workspace) return this.running.info;
      throw new UserError(`The emulator is already running for ${this.running.info.workspace}; stop it first.`, 'emulator-running');
    }
    if (this.starting) return this.starting;
    const scope = vscode.Uri.file(args.workspace);
    this.starting = (async () => {
      const emu = await startEmulator({
        workspace: args.workspace,
        port: args.port ?? setting(Setting.emulatorPort, 0, scope),
        certRequest: args.certRequest ?? setting<CertRequestMode>(Setting.emulatorCertificateRequest, 'handshake', scope),
        disableDelaySeconds: args.disableDelaySeconds ?? setting(Setting.emulatorDisableDelaySeconds, 0, scope),
        log: (l) => this.write(l),
      });
      const info: EmulatorInfo = { url: emu.url, caPath: emu.caPath, managementUrl: emu.managementUrl, workspace: args.workspace, mode: emu.mode };
      const watch = watchFor(
        () => {
          this.reloads++;
          return emu.reload();
        },
        () => emu.files(),
      );
      this.running = { emu, info, watch };
      this.showStatus(info);
      await vscode.commands.executeCommand('setContext', ContextKey.emulatorRunning, true);
      return info;
    })();
    try {
      return await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  private showStatus(info: EmulatorInfo) {
    this.status.text = `$(server-process) Emulator :${new URL(info.url).port}`;
    const md = new vscode.MarkdownString(
      `**Flowgear emulator** on \`${info.url}\` (certificate request: ${info.mode})\n\n` +
        `CA: \`${info.caPath}\`\n\n[Show Log](command:${Command.emulatorShowLog}) · [Stop](command:${Command.emulatorStop})`,
    );
    md.isTrusted = { enabledCommands: [Command.emulatorShowLog, Command.emulatorStop] };
    this.status.tooltip = md;
    this.status.show();
  }

  async stop(): Promise<boolean> {
    const r = this.running;
    if (!r) return false;
    this.running = undefined;
    r.watch?.dispose();
    this.status.hide();
    await vscode.commands.executeCommand('setContext', ContextKey.emulatorRunning, false);
    await r.emu.close();
    return true;
  }

  dispose() {
    void this.stop();
    this.status.dispose();
    this.output.dispose();
  }
}
