import type { Command } from '../args';

/**
 * Subcommand table. Each capability adds its entry here; main.ts only dispatches.
 */
export const commands: Record<string, Command> = {};
