/**
 * The one way to register a command: every command goes through `registerCommand`, which
 *  - refuses in Restricted Mode when the command needs trust (warning with "Manage Workspace Trust"),
 *  - shows a UserError as one message with the actions its code suggests,
 *  - logs anything else to the Flowgear log and shows an "unexpected error" message,
 *  - stays quiet when the user cancelled,
 *  - optionally runs the whole command under a progress indicator.
 * Programmatic callers (tests, other extensions) learn of a failure as the command says:
 * `failure: 'data'` returns `{ error, code }`; `'reject'` (default) rejects when the command
 * was called with a plain arguments object and resolves undefined otherwise.
 */
import * as vscode from 'vscode';
import { UserError, messageOf } from '../../core/errors';
import { Command, type CommandId } from '../ids';
import { flowgearLog } from './log';

/** What a `failure: 'data'` command returns on failure. */
export interface CommandError {
  error: string;
  code: string;
}

export interface CommandOptions {
  /** Needs a trusted workspace; the text says what is disabled, e.g. "Invoking reads private keys…". */
  trust?: string;
  failure?: 'data' | 'reject';
  /** Runs the command under a window progress indicator with this title. */
  progress?: string;
}

/** Buttons offered with a UserError, by its code. */
const ACTIONS: Partial<Record<string, { title: string; run: () => Thenable<unknown> }[]>> = {
  'untrusted-workspace': [{ title: 'Manage Workspace Trust', run: () => vscode.commands.executeCommand('workbench.trust.manage') }],
  'no-manifest': [{ title: 'Create flowgear.json', run: () => vscode.commands.executeCommand(Command.manifestCreate) }],
  'manifest-invalid': [{ title: 'Open flowgear.json', run: () => vscode.commands.executeCommand(Command.manifestOpen) }],
  'no-keys': [{ title: 'New Key…', run: () => vscode.commands.executeCommand(Command.keyNew) }],
};

/** A plain arguments object (not a tree node, Uri or string): the caller is a program. */
export function isArgs(arg: unknown): arg is Record<string, unknown> {
  return typeof arg === 'object' && arg !== null && !('kind' in arg) && !(arg instanceof vscode.Uri);
}

/** Shows the failure the one way; returns it as data. */
export function reportError(e: unknown): CommandError {
  if (e instanceof UserError) {
    if (e.code !== 'cancelled') {
      const actions = ACTIONS[e.code] ?? [];
      const show = e.code === 'untrusted-workspace' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
      void show(`Flowgear: ${e.message}`, ...actions.map((a) => a.title)).then((pick) => actions.find((a) => a.title === pick)?.run());
    }
    return { error: e.message, code: e.code };
  }
  const message = messageOf(e);
  flowgearLog().error(e instanceof Error ? e : new Error(message));
  void vscode.window.showErrorMessage(`Flowgear: unexpected error: ${message}`, 'Show Log').then((b) => b && flowgearLog().show(true));
  return { error: message, code: 'internal' };
}

/** The error a command refuses with in Restricted Mode. */
function untrusted(what: string): UserError {
  return new UserError(`${what} Trust this workspace first.`, 'untrusted-workspace');
}

export function registerCommand<A extends unknown[], R>(
  context: vscode.ExtensionContext,
  id: CommandId,
  fn: (...args: A) => R | Thenable<R>,
  o: CommandOptions = {},
): void {
  const run = async (...args: A): Promise<R | CommandError | undefined> => {
    try {
      if (o.trust && !vscode.workspace.isTrusted) throw untrusted(o.trust);
      const title = o.progress;
      return title ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => Promise.resolve(fn(...args))) : await fn(...args);
    } catch (e) {
      const error = reportError(e);
      if (o.failure === 'data') return error;
      if (isArgs(args[0]) && error.code !== 'cancelled') throw e;
      return undefined;
    }
  };
  context.subscriptions.push(vscode.commands.registerCommand(id, run));
}

/**
 * Long work with a cancellable notification: `task` gets an AbortSignal (aborted on Cancel)
 * and a way to report steps. Use it around the slow part only, after any prompts.
 */
export function withProgress<T>(title: string, task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    return task(ac.signal, (message) => progress.report({ message })).finally(() => sub.dispose());
  });
}

