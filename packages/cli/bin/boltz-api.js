#!/usr/bin/env node
// Runs the TypeScript sources through tsx so that the CLI needs no build step.
import { register } from 'tsx/esm/api';

register();
// `boltz-api … | head -1`: a closed pipe ends the command quietly instead of with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
