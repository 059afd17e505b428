#!/usr/bin/env node
// Runs the CLI's single-file bundle, dist/boltz-api.js (`npm run build`: scripts/build.mjs; it is
// what the package installed from a server's /cli/boltz-api.tgz holds). In the repository
// without a build, or with BOLTZ_RUN_FROM_SOURCE=1, it runs the TypeScript sources through tsx.
import { existsSync, readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
// `--version` alone answers from package.json without loading the CLI (src/main.ts prints the
// same line), so that scripts checking the version do not pay for the bundle's start-up.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`boltz-api version ${version}\n`);
  process.exit(0);
}

// `boltz-api … | head -1`: a closed pipe ends the command quietly instead of with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const bundle = new URL('../dist/boltz-api.js', import.meta.url);
let main;
if (process.env.BOLTZ_RUN_FROM_SOURCE !== '1' && existsSync(bundle)) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(argv);
