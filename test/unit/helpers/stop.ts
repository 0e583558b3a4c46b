import type { ChildProcess } from 'node:child_process';

/** Stops a child this test started: SIGTERM (its clean stop), SIGKILL if it is still there after `ms`. */
export async function stopChild(child: ChildProcess | undefined, ms = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await closed;
  clearTimeout(timer);
}
