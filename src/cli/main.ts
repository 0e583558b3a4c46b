import { Io, UsageError, USAGE_CODES } from './args';
import { commands } from './commands';
import { isUserError, messageOf } from '../core/errors';
import { VERSION } from '../core/version';

export function helpText(): string {
  const names = Object.keys(commands).sort();
  const width = Math.max(10, ...names.map((n) => n.length));
  return [
    `flowgear-mtls ${VERSION} — certificate-based Flowgear API keys and mTLS invokes`,
    '',
    'Usage: flowgear-mtls <command> [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n].summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: flowgear-mtls <command> --help)',
    '  -v, --version  print the version',
  ].join('\n');
}

/** Runs the CLI and returns its exit code; never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      io.out(helpText() + '\n');
      return first === undefined ? 2 : 0;
    }
    if (first === '-v' || first === '--version') {
      io.out(VERSION + '\n');
      return 0;
    }
    const cmd = Object.prototype.hasOwnProperty.call(commands, first) ? commands[first] : undefined;
    if (!cmd) throw new UsageError(`unknown command '${first}' (run 'flowgear-mtls --help' for the list)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(cmd.usage.trimEnd() + '\n');
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    io.err(`flowgear-mtls: ${messageOf(e)}\n`);
    if (e instanceof UsageError || (isUserError(e) && USAGE_CODES.has(e.code))) return 2;
    if (!isUserError(e) && process.env.FLOWGEAR_DEBUG) io.err(String((e as Error).stack) + '\n');
    return 1;
  }
}

if (require.main === module) {
  const io: Io = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`flowgear-mtls: ${messageOf(e)}\n`);
      process.exitCode = 1;
    },
  );
}
