/**
 * An error whose message is written for the user: the CLI prints it alone (no stack)
 * and the editor shows it as-is. Anything else reaching a front end is a bug.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable reason, e.g. `pfx-bad-passphrase`. */
    readonly code = 'user-error',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** Message of any thrown value, for places that must not show a stack. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
