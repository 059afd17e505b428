#!/usr/bin/env node
// Runs the compiled server, dist/main.js, in this one process (`npm run build` makes it, and
// `npm install` runs the build: scripts/build.mjs). Without a build, or with
// BOLTZ_RUN_FROM_SOURCE=1 (the tests, which exercise the sources), it runs the TypeScript
// sources through tsx instead.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.js', import.meta.url);
if (process.env.BOLTZ_RUN_FROM_SOURCE !== '1' && existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
