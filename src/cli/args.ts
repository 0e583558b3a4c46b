import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors';

/** A CLI usage mistake: printed as one line, exit code 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 'usage');
    this.name = 'UsageError';
  }
}

/**
 * Exit codes (README's table): 0 ok, 1 failure, 2 usage — including a name flowgear.json does not
 * declare (the user typed it) — and 3 an HTTP status other than 2xx.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, httpStatus: 3 } as const;

/** UserError codes from core that are usage mistakes: exit 2 like a UsageError. */
export const USAGE_CODES: ReadonlySet<string> = new Set(['usage', 'unknown-key', 'unknown-workflow', 'unknown-environment']);

export type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with its errors turned into one-line usage errors. */
export function parse<T extends Options>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UsageError(msg.replace(/\. To specify a positional argument.*$/, '.'));
  }
}

/** Reads a secret from the environment variable the user named (never from argv). */
export function secretFromEnv(varName: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (varName === undefined) return undefined;
  const v = env[varName];
  if (v === undefined) throw new UsageError(`environment variable ${varName} is not set`);
  return v;
}

/** Output sink, injectable so commands can be unit-tested without spawning. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  /** One line for `--help`. */
  summary: string;
  /** Full usage text for `flowgear-mtls <cmd> --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[], io: Io): Promise<number>;
}
