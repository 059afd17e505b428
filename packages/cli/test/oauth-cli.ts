import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestServer } from '../../server/test/harness.ts';
import { approveDevice } from '../../server/test/oauth-client.ts';
import { CLI_BIN, type CliResult, runCli } from './cli-process.ts';

/**
 * Helpers for the sign-in tests: a home of its own per signed-in user (XDG config and cache
 * directories in a temp folder) and a CLI process whose output can be read while it runs
 * (`auth login` prints the URL and code, then waits).
 */

export interface CliHome {
  env: Record<string, string>;
  configDir: string;
  cacheDir: string;
}

/**
 * PATH points at an empty folder, so no browser launcher (xdg-open) is found and the CLI only
 * prints the URL; the CLI itself runs from process.execPath and needs no PATH.
 */
export function newCliHome(server: TestServer): CliHome {
  const dir = mkdtempSync(join(tmpdir(), 'boltz-cli-oauth-'));
  const emptyPath = join(dir, 'bin');
  mkdirSync(emptyPath);
  const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache'), BOLTZ_BASE_URL: server.baseURL, PATH: emptyPath };
  return { env, configDir: join(dir, 'config', 'boltz-api'), cacheDir: join(dir, 'cache', 'boltz-api') };
}

export const readSession = (home: CliHome) => JSON.parse(readFileSync(join(home.cacheDir, 'session.json'), 'utf8'));
export const readRefreshToken = (home: CliHome): string => JSON.parse(readFileSync(join(home.configDir, 'credentials.json'), 'utf8')).refresh_token;

export class RunningCli {
  stdout = '';
  stderr = '';
  readonly done: Promise<CliResult>;
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(args: string[], env: Record<string, string>) {
    const clean: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('BOLTZ_')) clean[name] = value;
    this.child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...clean, BOLTZ_RUN_FROM_SOURCE: process.env.BOLTZ_RUN_FROM_SOURCE!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.done = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        for (const wake of this.waiters.splice(0)) wake();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Waits until stdout matches (or the process ends, which fails the wait). */
  async waitForOutput(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`CLI ended before printing ${pattern}:\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The NDJSON events printed so far (`--json-events`). */
  events(): Record<string, any>[] {
    return this.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** `auth login --device-code --json-events`, approved in the form browser as `user`. */
export async function deviceSignIn(server: TestServer, home: CliHome, user: { email: string; password: string }, extraArgs: string[] = []): Promise<CliResult> {
  const cli = new RunningCli(['auth', 'login', '--device-code', '--json-events', ...extraArgs], home.env);
  try {
    await cli.waitForOutput(/"event":"auth_url".*\n/);
    const [authUrl] = cli.events();
    await approveDevice(server.baseURL, authUrl.user_code, user);
    return await cli.done;
  } finally {
    cli.kill();
  }
}

export { runCli };
