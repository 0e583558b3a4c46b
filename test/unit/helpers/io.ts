import type { Io } from '../../../src/cli/args';

/** An Io that records what a command printed, for in-process CLI tests. */
export function memoryIo(env: NodeJS.ProcessEnv = {}, cwd = process.cwd()) {
  const io = { stdout: '', stderr: '', env, cwd } as Io & { stdout: string; stderr: string };
  io.out = (t: string) => void (io.stdout += t);
  io.err = (t: string) => void (io.stderr += t);
  return io;
}
