import type { Command } from '../args';
import { invoke } from './invoke';
import { keys } from './keys';
import { workflows } from './workflows';
import { check } from './check';
import { cert } from './cert';
import { emulator } from './emulator';
import { code } from './code';
import { site } from './site';
import { init } from './init';
import { run } from './run';

/**
 * Subcommand table. Each capability adds its entry here; main.ts only dispatches.
 */
export const commands: Record<string, Command> = {
  invoke,
  keys,
  workflows,
  check,
  cert,
  emulator,
  code,
  site,
  init,
  run,
};
