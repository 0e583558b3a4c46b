import { createInterface } from 'node:readline';

/** Reads a line from the terminal without echoing it (for passphrases; never argv). */
export function promptSecret(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput(s: string): void };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s); // the question itself
      asked = true;
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}
