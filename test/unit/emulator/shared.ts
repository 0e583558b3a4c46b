import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator';
import { makeFixtureWorkspace, type FixtureWorkspace } from '../helpers/fixture';

/** The workspace most emulator tests use: one key per refusal reason. */
export function standardFixture(): FixtureWorkspace {
  return makeFixtureWorkspace({
    environments: [{ name: 'Production', production: true }, { name: 'Test' }],
    workflows: [
      { name: 'Get Customer', method: 'GET', path: '/customers/{id}' },
      { name: 'Report', method: 'GET', path: '/reports/revenue?name={name}' },
      { name: 'Create Order', method: 'POST', path: '/orders' },
      { name: 'Item By Id', method: 'GET', path: '/items/{id}' },
      { name: 'Item By Code', method: 'GET', path: '/items/{code}' },
      { name: 'Teapot', method: 'GET', path: '/teapot', response: { status: 418, headers: { 'X-Brew': 'no' }, body: { Message: 'short and stout' } } },
    ],
    keys: [
      { name: 'ci' },
      { name: 'der-key', form: 'der' },
      { name: 'test', environment: 'Test' },
      { name: 'off', enabled: false },
      { name: 'narrow', permittedWorkflows: ['Create Order'] },
    ],
    strangers: ['intruder'],
  });
}

/** An emulator plus the log lines it wrote. */
export async function withLog(o: EmulatorOptions): Promise<{ emu: RunningEmulator; lines: string[]; last(): string }> {
  const lines: string[] = [];
  const emu = await startEmulator({ ...o, log: (l) => lines.push(l) });
  return { emu, lines, last: () => lines[lines.length - 1] ?? '' };
}
