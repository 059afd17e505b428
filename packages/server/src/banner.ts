import { isPostgresUrl } from '@boltz/storage';
import type { ServerConfig } from './config.ts';
import { FAMILIES } from './families/registry.ts';
import type { EngineSet } from './jobs/engines.ts';
import { CLI_PACKAGE_PATH } from './routes/cli/package.ts';

/** A database URL without its password, for output an operator may paste elsewhere. */
export function describeDatabase(url: string): string {
  if (!isPostgresUrl(url)) return `SQLite ${url}`;
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return `PostgreSQL ${parsed.href}`;
}

/** What the MSA setting means for live jobs (docs/configuration.md "MSA server"). */
export function describeMsa(config: ServerConfig): string {
  const engine = config.jobs.boltzEngine;
  if (!engine) return 'not used (no live engine)';
  return engine.msaServerUrl
    ? `${engine.msaServerUrl} (protein sequences of jobs without their own MSAs are sent there)`
    : 'none: live jobs must bring their MSAs (set BOLTZ_ENGINE_MSA_SERVER_URL to compute them)';
}

/**
 * Printed on every start (not only the first): where the server is, what it runs, and the
 * commands that point the CLI and the SDKs at it.
 */
export function startupBanner(config: ServerConfig, engines: EngineSet, url: string): string {
  const families = FAMILIES.map((family) => {
    const live = engines.versionFor('live', family);
    return [family.kind, `test: ${engines.versionFor('test', family) ?? 'none'}`, `live: ${live ?? 'not configured (starts answer 501)'}`];
  });
  const width = Math.max(...families.map(([kind]) => kind.length));
  const lines = [
    '',
    `  Boltz compute API at ${url}`,
    `  API reference:  ${url}/docs`,
    `  Database:       ${describeDatabase(config.databaseUrl)}`,
    `  Data folder:    ${config.dataDir}`,
    `  Job runners:    ${config.jobs.runInProcess ? `in this process, ${config.jobs.concurrency} at a time` : 'none here (BOLTZ_RUNNERS=0: run `boltz-server worker`)'}`,
    `  MSA server:     ${describeMsa(config)}`,
    '  Engines:',
    ...families.map(([kind, test, live]) => `    ${kind.padEnd(width)}  ${test}; ${live}`),
    '  Point the CLI and the SDKs at it:',
    `    npm install -g ${url}${CLI_PACKAGE_PATH}`,
    `    export BOLTZ_BASE_URL=${url}`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}
