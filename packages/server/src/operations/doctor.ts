import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStorage } from '@boltz/storage';
import { describeDatabase, describeMsa } from '../banner.ts';
import { type ServerConfig, checkServingConfig } from '../config.ts';

/**
 * `boltz-server doctor` (docs/operations.md "Check a deployment"): each part of a deployment
 * checked the way the server will use it. Exit code 0 when nothing failed (warnings allowed).
 */
export type Verdict = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  verdict: Verdict;
  message: string;
}

const MIN_FREE_BYTES = 1024 ** 3;
/** More than this between the host's clock and the database's breaks signatures and tokens. */
const MAX_CLOCK_SKEW_MS = 30_000;

async function checkDatabase(config: ServerConfig, checks: Check[]): Promise<void> {
  const storage = openStorage({ url: config.databaseUrl, poolSize: 1 });
  try {
    const { applied, pending } = await storage.migrationStatus();
    checks.push({
      name: 'database',
      verdict: pending.length ? 'warn' : 'ok',
      message: `${describeDatabase(config.databaseUrl)}: ${applied.length} migrations applied${pending.length ? `; ${pending.length} pending (applied at the next start, or run \`boltz-server migrate\`)` : ''}`,
    });
    if (storage.dialect === 'postgres') {
      const row = (await sql<{ now: Date }>`select now() as now`.execute(storage.db)).rows[0];
      const skew = Math.abs(new Date(row.now).getTime() - Date.now());
      checks.push({
        name: 'clock',
        verdict: skew > MAX_CLOCK_SKEW_MS ? 'fail' : 'ok',
        message: `host and database clocks differ by ${(skew / 1000).toFixed(1)} s${skew > MAX_CLOCK_SKEW_MS ? ' (presigned URLs and sign-in tokens need them within 30 s: run NTP)' : ''}`,
      });
    }
  } catch (error) {
    checks.push({ name: 'database', verdict: 'fail', message: `${describeDatabase(config.databaseUrl)}: ${(error as Error).message}` });
  } finally {
    await storage.close().catch(() => {});
  }
}

function checkDataFolder(config: ServerConfig, checks: Check[]): void {
  try {
    mkdirSync(config.dataDir, { recursive: true });
    const probe = join(config.dataDir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    const stats = statfsSync(config.dataDir);
    const free = stats.bavail * stats.bsize;
    checks.push({
      name: 'data folder',
      verdict: free < MIN_FREE_BYTES ? 'warn' : 'ok',
      message: `${config.dataDir} is writable; ${(free / 1024 ** 3).toFixed(1)} GiB free${free < MIN_FREE_BYTES ? ' (results need room: under 1 GiB)' : ''}`,
    });
  } catch (error) {
    checks.push({ name: 'data folder', verdict: 'fail', message: `${config.dataDir}: ${(error as Error).message} (the server's user must own it)` });
  }
}

function checkPublicUrl(config: ServerConfig, checks: Check[]): void {
  try {
    checkServingConfig(config);
  } catch (error) {
    checks.push({ name: 'public URL', verdict: 'fail', message: (error as Error).message });
    return;
  }
  if (!config.publicUrl) {
    checks.push({ name: 'public URL', verdict: 'ok', message: `not set: HOST=${config.host} is loopback, so clients on this host use http://${config.host}:${config.port}` });
    return;
  }
  const insecure = config.publicUrl.startsWith('http:');
  checks.push({
    name: 'public URL',
    verdict: insecure ? 'warn' : 'ok',
    message: `${config.publicUrl}${insecure ? ': plain HTTP; API keys and passwords cross the network readable (put TLS in front: deploy/nginx/)' : ''}${config.trustProxy === false ? '; TRUST_PROXY unset (behind a proxy every client has its address)' : ''}`,
  });
}

function checkEngines(config: ServerConfig, checks: Check[]): void {
  const engine = config.jobs.boltzEngine;
  if (!engine) {
    checks.push({ name: 'engines', verdict: 'ok', message: 'test mode: synthetic engines; live mode: none configured (live starts answer 501; set BOLTZ_ENGINE_EXECUTABLE)' });
    return;
  }
  try {
    accessSync(engine.executable, constants.X_OK);
  } catch {
    checks.push({ name: 'engine executable', verdict: 'fail', message: `${engine.executable} is not an executable file` });
    return;
  }
  const version = spawnSync(engine.executable, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  const said = `${version.stdout ?? ''}${version.stderr ?? ''}`.trim().split('\n')[0];
  checks.push({
    name: 'engine executable',
    verdict: version.status === 0 ? 'ok' : 'warn',
    message: `${engine.executable}: ${version.status === 0 ? said || 'runs' : `\`--version\` failed (${version.error?.message ?? `exit ${version.status}`})`}`,
  });
  const weights = existsSync(engine.cacheDir) ? readdirSync(engine.cacheDir).filter((name) => name.endsWith('.ckpt')) : [];
  checks.push({
    name: 'engine weights',
    verdict: weights.length ? 'ok' : 'warn',
    message: weights.length
      ? `${engine.cacheDir}: ${weights.join(', ')}`
      : `${engine.cacheDir} holds no model weights (*.ckpt): the first job downloads them, or run \`boltz predict\` once (docs/engines.md)`,
  });
}

async function checkMsa(config: ServerConfig, checks: Check[]): Promise<void> {
  const url = config.jobs.boltzEngine?.msaServerUrl;
  if (!url) {
    checks.push({ name: 'MSA server', verdict: 'ok', message: describeMsa(config) });
    return;
  }
  try {
    const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(10_000) });
    checks.push({ name: 'MSA server', verdict: 'ok', message: `${describeMsa(config)}; answers (HTTP ${response.status})` });
  } catch (error) {
    checks.push({ name: 'MSA server', verdict: 'warn', message: `${url} does not answer: ${(error as Error).message}` });
  }
}

export async function runDoctor(config: ServerConfig): Promise<Check[]> {
  const checks: Check[] = [];
  checkDataFolder(config, checks);
  await checkDatabase(config, checks);
  checkPublicUrl(config, checks);
  checkEngines(config, checks);
  await checkMsa(config, checks);
  if (!checks.some((check) => check.name === 'clock')) {
    const year = new Date().getUTCFullYear();
    checks.push({ name: 'clock', verdict: year < 2025 ? 'fail' : 'ok', message: `${new Date().toISOString()} (UTC)${year < 2025 ? ': the clock is wrong' : ''}` });
  }
  return checks;
}

export function renderChecks(checks: Check[]): string {
  const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
  const width = Math.max(...checks.map((check) => check.name.length));
  const failed = checks.filter((check) => check.verdict === 'fail').length;
  const warned = checks.filter((check) => check.verdict === 'warn').length;
  return `${checks.map((check) => `${mark[check.verdict]}  ${check.name.padEnd(width)}  ${check.message}`).join('\n')}\n\n${failed ? `${failed} check(s) failed` : 'All checks passed'}${warned ? `, ${warned} warning(s)` : ''}.\n`;
}
