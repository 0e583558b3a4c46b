// `npm run bench`: runs each registered benchmark in its own process, one after another
// (the machine is small; parallel runs would measure each other). Add one line per bench.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const benches = [
  'invoke.mjs', // 200 sequential invokes: one CLI process vs 200 curl processes (bench/README.md)
  'manifest.mjs', // check / keys list / workflows list on 100 keys + 100 workflows (bench/README.md)
  'cert.mjs', // cert new (RSA 4096, whole process) vs openssl req -x509; hover for a 4096-bit cert (bench/README.md)
  'emulator.mjs', // emulator start cold/warm; invokes/s on one kept-alive mTLS connection vs a new handshake each (bench/README.md)
];

let failed = 0;
for (const b of benches) {
  console.log(`--- bench/${b}`);
  const r = spawnSync(process.execPath, [join(import.meta.dirname, b)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
